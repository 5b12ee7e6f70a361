package dev.stageway.s3;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.HexFormat;

/**
 * How a value of each column type is written as text: ISO dates, timestamps with a space and
 * up to microseconds (what Redshift reads), plain decimals, hex for binary. A value of the
 * wrong Java type is a data error naming the row and column.
 */
public final class ValueText {
    private ValueText() {
    }

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ')
            .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter TIMESTAMP_TZ = new DateTimeFormatterBuilder()
            .append(TIMESTAMP).appendOffset("+HH:MM", "+00:00").toFormatter();

    /** The text of {@code value}, or null for null. */
    public static String format(Object value, Column column, long row) {
        if (value == null) {
            return null;
        }
        switch (column.type().kind()) {
            case STRING:
                return expect(value, String.class, column, row);
            case SMALLINT:
                return expect(value, Short.class, column, row).toString();
            case INTEGER:
                return expect(value, Integer.class, column, row).toString();
            case BIGINT:
                return expect(value, Long.class, column, row).toString();
            case DOUBLE:
                return expect(value, Double.class, column, row).toString();
            case DECIMAL: {
                BigDecimal d = expect(value, BigDecimal.class, column, row);
                if (d.scale() > column.type().scale() || d.precision() - d.scale() > column.type().precision() - column.type().scale()) {
                    throw bad(column, row, "value " + d.toPlainString() + " does not fit " + column.type());
                }
                return d.toPlainString();
            }
            case BOOLEAN:
                return expect(value, Boolean.class, column, row).toString();
            case DATE:
                return expect(value, LocalDate.class, column, row).toString();
            case TIMESTAMP:
                return TIMESTAMP.format(expect(value, LocalDateTime.class, column, row));
            case TIMESTAMP_TZ:
                return TIMESTAMP_TZ.format(expect(value, OffsetDateTime.class, column, row));
            case BINARY:
                return HexFormat.of().formatHex(expect(value, byte[].class, column, row));
            default:
                throw new IllegalStateException("unhandled kind " + column.type().kind());
        }
    }

    private static <T> T expect(Object value, Class<T> type, Column column, long row) {
        if (!type.isInstance(value)) {
            throw bad(column, row, "expected a " + type.getSimpleName() + " for " + column.type() + ", got a "
                    + value.getClass().getSimpleName());
        }
        return type.cast(value);
    }

    private static StagewayException bad(Column column, long row, String what) {
        return new StagewayException(ErrorKind.DATA, "Row " + row + ", column " + column.name() + ": " + what);
    }
}
