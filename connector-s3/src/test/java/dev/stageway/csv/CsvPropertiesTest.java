package dev.stageway.csv;

import static org.junit.jupiter.api.Assertions.*;

import de.siegmar.fastcsv.reader.CsvParseException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The CSV writer and reader over generated input (seeded, so a failure repeats): any rows written
 * read back exactly, nulls and empty strings apart, in any format the properties allow; and any
 * bytes at all read as records or fail only with the errors a source reports as a DATA error.
 */
class CsvPropertiesTest {
    /** Pieces values are made of: what CSV must quote, the markers, multi-byte and surrogate-pair characters. */
    private static final List<String> PIECES = List.of("a", "Z", "0", " ", ",", "|", "\t", ";", "\"", "'", "\n", "\r", "\r\n",
            "\\N", "NULL", "\\", "é", "€", "日本", "\uD83D\uDE00", "=", "#");

    private static Arbitrary<String> values() {
        return Arbitraries.of(PIECES).list().ofMaxSize(6).map(parts -> String.join("", parts));
    }

    @Provide
    Arbitrary<CsvOptions> formats() {
        return Combinators.combine(Arbitraries.of(',', '|', '\t', ';'), Arbitraries.of('"', '\''), Arbitraries.of("", "\\N", "NULL"))
                .as((delimiter, quote, nullValue) -> new CsvOptions(delimiter, quote, nullValue, true, StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<List<List<String>>> tables() {
        return Arbitraries.integers().between(1, 5).flatMap(columns -> values().injectNull(0.2).list().ofSize(columns)
                .list().ofMaxSize(20));
    }

    @Property(tries = 5000, seed = "20261128")
    void rowsWrittenReadBackExactly(@ForAll("formats") CsvOptions format, @ForAll("tables") List<List<String>> rows) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvRowWriter writer = format.writer(out)) {
            for (List<String> row : rows) {
                writer.write(row.toArray(String[]::new));
            }
        }
        List<List<String>> read = new ArrayList<>();
        format.reader(new ByteArrayInputStream(out.toByteArray())).forEach(r -> read.add(r.fields()));
        assertEquals(rows, read, () -> "written as:\n" + out.toString(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<byte[]> anyInput() {
        Arbitrary<byte[]> text = Arbitraries.of(PIECES).list().ofMaxSize(40).map(p -> String.join("", p).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.oneOf(text, bytes);
    }

    @Property(tries = 10000, seed = "20261128")
    void anyBytesReadAsRecordsOrFailAsMalformedData(@ForAll("formats") CsvOptions format, @ForAll("anyInput") byte[] input) {
        for (boolean replace : new boolean[] {false, true}) {
            CsvOptions f = new CsvOptions(format.delimiter(), format.quote(), format.nullValue(), true, StandardCharsets.UTF_8, replace);
            LongAdder replaced = new LongAdder();
            try {
                f.reader(new ByteArrayInputStream(input), replaced).forEach(r -> assertFalse(r.fields().isEmpty()));
            } catch (CsvParseException e) {
                assertNotNull(e.getMessage());
            } catch (UncheckedIOException e) {
                assertFalse(replace, "with replacement, invalid characters are replaced, not refused: " + e);
                assertInstanceOf(InvalidCharactersException.class, e.getCause(), e.toString());
            }
            if (!replace) {
                assertEquals(0, replaced.sum());
            }
        }
    }

    @Property(tries = 500, seed = "20261128")
    void utf8LengthIsTheEncodedLength(@ForAll("tables") List<List<String>> rows) {
        rows.stream().flatMap(List::stream).filter(v -> v != null).forEach(v ->
                assertEquals(v.getBytes(StandardCharsets.UTF_8).length, CsvRowWriter.utf8Length(v), v));
    }
}
