package dev.stageway.csv;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * How a value of each column type is written as text: ISO dates, timestamps with a space and
 * up to microseconds (what Redshift reads), plain decimals, hex for binary. A value of the
 * wrong Java type is a data error naming the row and column.
 */
public final class ValueText {
    private ValueText() {
    }

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
                // toString is the same text when it would not use an exponent, and caches it.
                return d.scale() >= 0 && d.scale() - d.precision() < 6 ? d.toString() : d.toPlainString();
            }
            case BOOLEAN:
                return expect(value, Boolean.class, column, row).toString();
            case DATE:
                return expect(value, LocalDate.class, column, row).toString();
            case TIMESTAMP:
                return timestamp(new StringBuilder(32), expect(value, LocalDateTime.class, column, row)).toString();
            case TIMESTAMP_TZ: {
                OffsetDateTime t = expect(value, OffsetDateTime.class, column, row);
                return offset(timestamp(new StringBuilder(38), t.toLocalDateTime()), t.getOffset().getTotalSeconds()).toString();
            }
            case BINARY:
                return HexFormat.of().formatHex(expect(value, byte[].class, column, row));
            default:
                throw new IllegalStateException("unhandled kind " + column.type().kind());
        }
    }

    /**
     * {@code 2026-01-02 03:04:05.123456}: ISO date, a space, the time with seconds always and the
     * fraction only as long as it needs. Written by hand: it is the hot path of staging, and
     * {@code DateTimeFormatter} costs several times as much per value.
     */
    static StringBuilder timestamp(StringBuilder b, LocalDateTime t) {
        b.append(t.toLocalDate()).append(' ');
        twoDigits(b, t.getHour()).append(':');
        twoDigits(b, t.getMinute()).append(':');
        twoDigits(b, t.getSecond());
        int nano = t.getNano();
        if (nano != 0) {
            int digits = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                digits--;
            }
            b.append('.');
            String fraction = Integer.toString(nano);
            for (int i = fraction.length(); i < digits; i++) {
                b.append('0');
            }
            b.append(fraction);
        }
        return b;
    }

    /** {@code +HH:MM} ({@code +00:00} for UTC): Redshift's TIMESTAMPTZ input; an offset's seconds are dropped. */
    private static StringBuilder offset(StringBuilder b, int totalSeconds) {
        b.append(totalSeconds < 0 ? '-' : '+');
        int abs = Math.abs(totalSeconds);
        twoDigits(b, abs / 3600).append(':');
        return twoDigits(b, abs / 60 % 60);
    }

    private static StringBuilder twoDigits(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
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
