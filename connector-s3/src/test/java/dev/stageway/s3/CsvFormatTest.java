package dev.stageway.s3;

import dev.stageway.csv.CsvOptions;
import dev.stageway.csv.CsvRowWriter;
import dev.stageway.csv.ValueText;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
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

    @Test
    void aRecordsValuesWriteTheSameBytesAsTheirTextInEveryEncoding() throws Exception {
        Schema schema = Schema.of(Column.of("s", ColumnType.string()), Column.of("i", ColumnType.of(ColumnType.Kind.INTEGER)),
                Column.of("l", ColumnType.of(ColumnType.Kind.BIGINT)), Column.of("h", ColumnType.of(ColumnType.Kind.SMALLINT)),
                Column.of("d", ColumnType.of(ColumnType.Kind.DOUBLE)), Column.of("m", ColumnType.decimal(12, 3)),
                Column.of("b", ColumnType.of(ColumnType.Kind.BOOLEAN)), Column.of("day", ColumnType.of(ColumnType.Kind.DATE)),
                Column.of("ts", ColumnType.of(ColumnType.Kind.TIMESTAMP)), Column.of("tz", ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ)),
                Column.of("bin", ColumnType.of(ColumnType.Kind.BINARY)));
        java.util.Random random = new java.util.Random(7);
        List<Object[]> records = new ArrayList<>();
        for (int r = 0; r < 2_000; r++) {
            java.time.LocalDateTime t = java.time.LocalDateTime.of(random.nextInt(-9999, 10_000), random.nextInt(1, 13),
                    random.nextInt(1, 29), random.nextInt(24), random.nextInt(60), random.nextInt(60), random.nextInt(1_000_000_000));
            Object[] values = {"say \"" + r + "\", Zürich 🚀", random.nextInt(), random.nextLong(), (short) random.nextInt(),
                    random.nextDouble() * Math.pow(10, random.nextInt(-12, 12)), java.math.BigDecimal.valueOf(random.nextLong(1L << 39), 3),
                    random.nextBoolean(), t.toLocalDate(), t, t.atOffset(java.time.ZoneOffset.ofHours(random.nextInt(-12, 13))),
                    new byte[] {(byte) r, 0, (byte) 0xff}};
            records.add(random.nextInt(8) == 0 ? new Object[values.length] : values);
        }
        for (CsvOptions options : List.of(new CsvOptions(',', '"', "\\N", false, StandardCharsets.UTF_8),
                new CsvOptions(';', '\'', "NULL", false, StandardCharsets.UTF_16LE))) {
            ByteArrayOutputStream asValues = new ByteArrayOutputStream();
            ByteArrayOutputStream asText = new ByteArrayOutputStream();
            try (CsvRowWriter values = options.writer(asValues); CsvRowWriter text = options.writer(asText)) {
                int[] valueLengths = new int[schema.size()];
                int[] textLengths = new int[schema.size()];
                for (int r = 0; r < records.size(); r++) {
                    values.write(records.get(r), schema, r + 1, valueLengths);
                    String[] fields = new String[schema.size()];
                    for (int c = 0; c < fields.length; c++) {
                        fields[c] = ValueText.format(records.get(r)[c], schema.column(c), r + 1);
                    }
                    text.write(fields, textLengths);
                    assertArrayEquals(textLengths, valueLengths, "UTF-8 lengths of record " + r);
                }
            }
            assertArrayEquals(asText.toByteArray(), asValues.toByteArray(), options.charset().name());
        }
    }

    @Test
    void datesAreWrittenAsTheJdkWritesThemInEveryYear() {
        Column day = Column.of("day", ColumnType.of(ColumnType.Kind.DATE));
        for (int year : new int[] {-1_000_000, -10_000, -9999, -1000, -999, -1, 0, 1, 9, 99, 999, 1000, 2026, 9999, 10_000, 1_000_000}) {
            java.time.LocalDate d = java.time.LocalDate.of(year, 2, 3);
            assertEquals(d.toString(), ValueText.format(d, day, 1));
        }
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

    /**
     * The writer's own UTF-8 encoding against the JDK's, on random values that mix quotes, delimiters,
     * line breaks, 2- and 3-byte characters, surrogate pairs and lone surrogates (which become {@code ?}),
     * some longer than the writer's buffer; the UTF-8 lengths it reports are the JDK's; and every value
     * reads back, in UTF-8 and in ISO-8859-1.
     */
    @Test
    void randomValuesAreWrittenAsTheJdkEncodesThemAndReadBack() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String alphabet = "ab,\"\n\r;é€ß\u00a7\u0800";
        for (char quote : new char[] {'"', '\u00a7'}) {
            CsvOptions utf8 = new CsvOptions(';', quote, "\\N", false, StandardCharsets.UTF_8);
            List<String[]> rows = new ArrayList<>();
            StringBuilder expected = new StringBuilder();
            for (int r = 0; r < 200; r++) {
                String[] row = new String[1 + random.nextInt(4)];
                for (int c = 0; c < row.length; c++) {
                    int length = r % 50 == 0 ? 70_000 + random.nextInt(1000) : random.nextInt(20);
                    StringBuilder v = new StringBuilder();
                    while (v.length() < length) {
                        switch (random.nextInt(12)) {
                            case 0 -> v.appendCodePoint(0x1F600 + random.nextInt(50));   // a surrogate pair
                            case 1 -> v.append(random.nextBoolean() ? '\uD83D' : '\uDE00');    // a lone surrogate
                            default -> v.append(alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                    row[c] = random.nextInt(10) == 0 ? null : v.toString();
                    expected.append(c == 0 ? "" : ";").append(row[c] == null ? "\\N"
                            : quote + row[c].replace(String.valueOf(quote), quote + "" + quote) + quote);
                }
                expected.append('\n');
                rows.add(row);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CsvRowWriter w = utf8.writer(out)) {
                for (String[] row : rows) {
                    int[] lengths = new int[row.length];
                    w.write(row, lengths);
                    for (int c = 0; c < row.length; c++) {
                        int jdk = row[c] == null ? 0 : row[c].getBytes(StandardCharsets.UTF_8).length;
                        assertEquals(jdk, lengths[c], "UTF-8 length of a value");
                        assertEquals(jdk, row[c] == null ? 0 : CsvRowWriter.utf8Length(row[c]), "UTF-8 length computed alone");
                    }
                }
            }
            assertArrayEquals(expected.toString().getBytes(StandardCharsets.UTF_8), out.toByteArray(), "quote " + quote);
            List<List<String>> back = read(utf8, out.toString(StandardCharsets.UTF_8));
            for (int r = 0; r < rows.size(); r++) {
                assertEquals(Arrays.stream(rows.get(r)).map(CsvFormatTest::jdkUtf8).toList(), back.get(r), "row " + r);
            }
        }
        CsvOptions latin1 = new CsvOptions(',', '"', "", false, StandardCharsets.ISO_8859_1);
        String text = write(latin1, new String[] {"Zürich \"Tōkyō\"", null, "€"});
        assertEquals("\"Zürich \"\"T?ky?\"\"\",,\"?\"\n", text);
    }

    /** What a value reads back as after UTF-8: lone surrogates are {@code ?}. */
    private static String jdkUtf8(String value) {
        return value == null ? null : new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
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
