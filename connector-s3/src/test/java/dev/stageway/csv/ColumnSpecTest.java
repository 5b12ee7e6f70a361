package dev.stageway.csv;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnSpecTest {
    @Test
    void everyTypeNameParsesToItsColumnType() {
        List<Column> columns = ColumnSpec.parse("id BIGINT, amount numeric( 12 , 2 ), n int, s smallint, d double precision, "
                + "ok bool, day date, at timestamp, atz timestamptz, raw varbyte, note varchar(100), t text");
        assertEquals(List.of(ColumnType.of(ColumnType.Kind.BIGINT), ColumnType.decimal(12, 2), ColumnType.of(ColumnType.Kind.INTEGER),
                ColumnType.of(ColumnType.Kind.SMALLINT), ColumnType.of(ColumnType.Kind.DOUBLE), ColumnType.of(ColumnType.Kind.BOOLEAN),
                ColumnType.of(ColumnType.Kind.DATE), ColumnType.of(ColumnType.Kind.TIMESTAMP), ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ),
                ColumnType.of(ColumnType.Kind.BINARY), ColumnType.string(100), ColumnType.string()),
                columns.stream().map(Column::type).toList());
        assertEquals("amount", columns.get(1).name());
    }

    @Test
    void aBadSpecNamesTheColumnAndWhatIsAllowed() {
        assertTrue(problem("id bigint, amount money").startsWith("column 2 (amount): unknown type 'money'; one of"));
        assertEquals("column 1 ('id') must be a name and a type, such as 'id bigint'", problem("id"));
        assertTrue(problem("a decimal(40,2)").contains("precision must be 1 to 38"));
        assertEquals("column 1 (a): int takes no (precision, scale)", problem("a int(3)"));
        assertEquals("names column 'ID' twice", problem("id int, ID bigint"));
    }

    private static String problem(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> ColumnSpec.parse(spec)).getMessage();
    }

    @Test
    void valuesParseAsCopyReadsThemAndOthersSayWhy() {
        assertEquals(new BigDecimal("-3.25"), ValueParser.parse(ColumnType.decimal(12, 2), " -3.25 "));
        assertEquals(LocalDateTime.parse("2026-11-28T10:00"), ValueParser.parse(ColumnType.of(ColumnType.Kind.TIMESTAMP), "2026-11-28 10:00:00"));
        assertEquals(OffsetDateTime.parse("2026-11-28T10:00+01:00"),
                ValueParser.parse(ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ), "2026-11-28 10:00:00+01:00"));
        assertEquals(LocalDate.parse("2026-02-28"), ValueParser.parse(ColumnType.of(ColumnType.Kind.DATE), "2026-02-28"));
        assertEquals(Boolean.FALSE, ValueParser.parse(ColumnType.of(ColumnType.Kind.BOOLEAN), "No"));
        assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, (byte[]) ValueParser.parse(ColumnType.of(ColumnType.Kind.BINARY), "0xCAFE"));
        assertEquals("'1.234' is not a decimal(12,2): more than 2 digits after the point", assertThrows(IllegalArgumentException.class,
                () -> ValueParser.parse(ColumnType.decimal(12, 2), "1.234")).getMessage());
        assertNull(ValueParser.parse(ColumnType.of(ColumnType.Kind.INTEGER), ""), "an empty field of a non-string type is null");
        assertEquals("", ValueParser.parse(ColumnType.string(), ""));
        assertEquals(new BigDecimal("1.5"), ValueParser.parse(ColumnType.decimal(12, 1), "1.50"));
        assertEquals(OffsetDateTime.parse("2026-11-28T10:00Z"), ValueParser.parse(ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ),
                "2026-11-28 10:00:00"), "no offset: UTC, as COPY reads it");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValueParser.parse(ColumnType.of(ColumnType.Kind.TIMESTAMP),
                "2026-11-28 10:00:00.1234567")).getMessage().contains("finer than the microseconds Redshift keeps"));
        assertEquals("'résumé' is not a string: longer than 6 bytes (8)", assertThrows(IllegalArgumentException.class,
                () -> ValueParser.parse(ColumnType.string(6), "résumé")).getMessage());
        assertEquals("'99999' is not a smallint", assertThrows(IllegalArgumentException.class,
                () -> ValueParser.parse(ColumnType.of(ColumnType.Kind.SMALLINT), "99999")).getMessage());
        assertEquals("'2026-02-30' is not a date (yyyy-mm-dd)", assertThrows(IllegalArgumentException.class,
                () -> ValueParser.parse(ColumnType.of(ColumnType.Kind.DATE), "2026-02-30")).getMessage());
        assertEquals("'maybe' is not a boolean: a boolean is true/false, t/f, yes/no or 1/0", assertThrows(IllegalArgumentException.class,
                () -> ValueParser.parse(ColumnType.of(ColumnType.Kind.BOOLEAN), "maybe")).getMessage());
    }
}
