package dev.stageway.csv;

import dev.stageway.spi.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Text of a CSV field as the value of a column type (the SPI's Java value of each kind), in the
 * forms Redshift's COPY reads: ISO dates and timestamps (a space or {@code T} between date and
 * time), booleans as true/false, t/f, yes/no, 1/0, binary as hex.
 */
public final class ValueParser {
    private ValueParser() {
    }

    /**
     * The value, or null for an empty field of a type other than a string (as COPY loads it).
     *
     * @throws IllegalArgumentException saying why {@code text} is not a value of {@code type}
     */
    public static Object parse(ColumnType type, String text) {
        String t = text.strip();
        if (t.isEmpty() && type.kind() != ColumnType.Kind.STRING) {
            return null;
        }
        try {
            return switch (type.kind()) {
                case STRING -> fits(type, text, CsvRowWriter.utf8Length(text));
                case SMALLINT -> Short.valueOf(t);
                case INTEGER -> Integer.valueOf(t);
                case BIGINT -> Long.valueOf(t);
                case DOUBLE -> Double.valueOf(t);
                case DECIMAL -> decimal(type, t);
                case BOOLEAN -> bool(t);
                case DATE -> LocalDate.parse(t);
                case TIMESTAMP -> micros(LocalDateTime.parse(t.replaceFirst(" ", "T")));
                case TIMESTAMP_TZ -> timestampTz(t.replaceFirst(" ", "T"));
                case BINARY -> {
                    byte[] bytes = HexFormat.of().parseHex(t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t);
                    yield fits(type, bytes, bytes.length);
                }
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + describe(type), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + describe(type) + ": " + e.getMessage(), e);
        }
    }

    /** A value no longer than a declared length, which Redshift counts in bytes (UTF-8 for text). */
    private static <T> T fits(ColumnType type, T value, int bytes) {
        if (type.precision() > 0 && bytes > type.precision()) {
            throw new IllegalArgumentException("longer than " + type.precision() + " bytes (" + bytes + ")");
        }
        return value;
    }

    /** Redshift keeps microseconds: more digits would be changed silently, so they are refused. */
    private static LocalDateTime micros(LocalDateTime t) {
        if (t.getNano() % 1000 != 0) {
            throw new IllegalArgumentException("finer than the microseconds Redshift keeps");
        }
        return t;
    }

    /** With its offset; without one, UTC, as COPY reads it. An offset with seconds is moved to UTC (the same instant). */
    private static OffsetDateTime timestampTz(String t) {
        OffsetDateTime value;
        try {
            value = OffsetDateTime.parse(t);
        } catch (DateTimeParseException noOffset) {
            value = LocalDateTime.parse(t).atOffset(ZoneOffset.UTC);
        }
        micros(value.toLocalDateTime());
        return value.getOffset().getTotalSeconds() % 60 == 0 ? value : value.withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static BigDecimal decimal(ColumnType type, String t) {
        BigDecimal parsed = new BigDecimal(t);
        // 1.50 is a decimal(12,1): trailing zeros say nothing.
        BigDecimal d = parsed.scale() > type.scale() ? parsed.stripTrailingZeros() : parsed;
        if (d.scale() < 0) {
            d = d.setScale(0);
        }
        if (d.scale() > type.scale()) {
            throw new IllegalArgumentException("more than " + type.scale() + " digits after the point");
        }
        if (d.precision() - d.scale() > type.precision() - type.scale()) {
            throw new IllegalArgumentException("more than " + (type.precision() - type.scale()) + " digits before the point");
        }
        return d;
    }

    private static Boolean bool(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> Boolean.TRUE;
            case "false", "f", "no", "n", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("a boolean is true/false, t/f, yes/no or 1/0");
        };
    }

    private static String describe(ColumnType type) {
        return switch (type.kind()) {
            case DECIMAL -> "a decimal(" + type.precision() + "," + type.scale() + ")";
            case TIMESTAMP -> "a timestamp (yyyy-mm-dd hh:mm:ss[.fff])";
            case TIMESTAMP_TZ -> "a timestamp with a zone offset (yyyy-mm-dd hh:mm:ss[.fff]+hh:mm)";
            case DATE -> "a date (yyyy-mm-dd)";
            case BINARY -> "binary in hex";
            default -> "a" + (type.kind().name().matches("[AEIOU].*") ? "n " : " ") + type.kind().name().toLowerCase(Locale.ROOT);
        };
    }
}
