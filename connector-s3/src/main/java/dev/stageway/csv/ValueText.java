package dev.stageway.csv;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
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
        if (column.type().kind() == ColumnType.Kind.STRING) {
            return expect(value, String.class, column, row);
        }
        return append(new StringBuilder(32), value, column, row).toString();
    }

    /**
     * Appends the text {@link #format} gives a non-null {@code value} to {@code b}, without a String
     * of its own for numbers, booleans, dates and timestamps: a writer that keeps {@code b} writes
     * them on with nothing left for the garbage collector.
     */
    public static StringBuilder append(StringBuilder b, Object value, Column column, long row) {
        switch (column.type().kind()) {
            case STRING:
                return b.append(expect(value, String.class, column, row));
            case SMALLINT:
                return b.append(expect(value, Short.class, column, row).shortValue());
            case INTEGER:
                return b.append(expect(value, Integer.class, column, row).intValue());
            case BIGINT:
                return b.append(expect(value, Long.class, column, row).longValue());
            case DOUBLE:
                // The digits Double.toString gives: both are the JDK's FloatingDecimal.
                return b.append(expect(value, Double.class, column, row).doubleValue());
            case DECIMAL: {
                BigDecimal d = expect(value, BigDecimal.class, column, row);
                if (d.scale() > column.type().scale() || d.precision() - d.scale() > column.type().precision() - column.type().scale()) {
                    throw bad(column, row, "value " + d.toPlainString() + " does not fit " + column.type());
                }
                // toString is the same text when it would not use an exponent, and caches it.
                return b.append(d.scale() >= 0 && d.scale() - d.precision() < 6 ? d.toString() : d.toPlainString());
            }
            case BOOLEAN:
                return b.append(expect(value, Boolean.class, column, row).booleanValue());
            case DATE:
                return date(b, expect(value, LocalDate.class, column, row));
            case TIMESTAMP:
                return timestamp(b, expect(value, LocalDateTime.class, column, row));
            case TIMESTAMP_TZ: {
                OffsetDateTime t = expect(value, OffsetDateTime.class, column, row);
                return offset(timestamp(b, t.toLocalDateTime()), t.getOffset().getTotalSeconds());
            }
            case BINARY:
                return b.append(HexFormat.of().formatHex(expect(value, byte[].class, column, row)));
            default:
                throw new IllegalStateException("unhandled kind " + column.type().kind());
        }
    }

    /** {@code 2026-01-02}, as {@link LocalDate#toString()} writes it. */
    static StringBuilder date(StringBuilder b, LocalDate d) {
        int year = d.getYear();
        if (year > 9999 || year < -9999) {
            return b.append(d);   // a sign or a fifth digit: rare enough to leave to the JDK
        }
        if (year < 0) {
            b.append('-');
            year = -year;
        }
        twoDigits(b, year / 100);
        twoDigits(b, year % 100).append('-');
        twoDigits(b, d.getMonthValue()).append('-');
        return twoDigits(b, d.getDayOfMonth());
    }

    /**
     * {@code 2026-01-02 03:04:05.123456}: ISO date, a space, the time with seconds always and the
     * fraction only as long as it needs. Written by hand: it is the hot path of staging, and
     * {@code DateTimeFormatter} costs several times as much per value.
     */
    static StringBuilder timestamp(StringBuilder b, LocalDateTime t) {
        date(b, t.toLocalDate()).append(' ');
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
            int length = 1;
            for (int n = nano; n >= 10; n /= 10) {
                length++;
            }
            for (int i = length; i < digits; i++) {
                b.append('0');
            }
            b.append(nano);
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
