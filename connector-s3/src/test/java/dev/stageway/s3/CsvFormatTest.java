package dev.stageway.s3;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.config.Problem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CSV rules on their own: what is quoted, how a null and an empty string and the marker's own text differ. */
class CsvFormatTest {
    private static String write(CsvOptions options, String[]... rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvRowWriter w = options.writer(out)) {
            for (String[] row : rows) {
                w.write(row.clone());
            }
        }
        return out.toString(options.charset());
    }

    private static List<List<String>> read(CsvOptions options, String text) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (var reader = options.reader(new ByteArrayInputStream(text.getBytes(options.charset())))) {
            reader.forEach(r -> rows.add(r.fields()));
        }
        return rows;
    }

    @Test
    void everyValueIsQuotedAndANullIsTheUnquotedMarker() throws Exception {
        CsvOptions marker = new CsvOptions(',', '"', "\\N", false, StandardCharsets.UTF_8);
        // "\\N" is the marker's text but a value: a literal of its own, so only identity could confuse them.
        String text = write(marker, new String[] {"a", null, "", "\\N", "say \"hi\""});
        assertEquals("\"a\",\\N,\"\",\"\\N\",\"say \"\"hi\"\"\"\n", text);
        assertEquals(List.of(Arrays.asList("a", null, "", "\\N", "say \"hi\"")), read(marker, text));

        CsvOptions empty = new CsvOptions(';', '\'', "", false, StandardCharsets.UTF_8);
        String text2 = write(empty, new String[] {null, "", "it's"});
        assertEquals(";'';'it''s'\n", text2);
        assertEquals(List.of(Arrays.asList(null, "", "it's")), read(empty, text2));
    }

    @Test
    void recordsKnowTheLineTheyStartOn() throws Exception {
        CsvOptions options = new CsvOptions(',', '"', "", true, StandardCharsets.UTF_8);
        List<Long> lines = new ArrayList<>();
        try (var reader = options.reader(new ByteArrayInputStream("h\n\"two\nlines\"\nthird\n".getBytes(StandardCharsets.UTF_8)))) {
            reader.forEach(r -> lines.add(r.line()));
        }
        assertEquals(List.of(1L, 2L, 4L), lines);
    }

    @Test
    void aNullMarkerHoldingTheDelimiterOrQuoteIsRefused() {
        List<Problem> problems = CsvOptions.TABLE.validate(Map.of("csv.null-value", "a,b"));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(List.of("csv.null-value", "csv.delimiter", "csv.quote"), problems.get(0).properties());
    }
}
