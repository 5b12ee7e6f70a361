package dev.stageway.csv;

import dev.stageway.spi.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
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

    /** @throws IllegalArgumentException saying why {@code text} is not a value of {@code type} */
    public static Object parse(ColumnType type, String text) {
        String t = text.strip();
        try {
            return switch (type.kind()) {
                case STRING -> text;
                case SMALLINT -> Short.valueOf(t);
                case INTEGER -> Integer.valueOf(t);
                case BIGINT -> Long.valueOf(t);
                case DOUBLE -> Double.valueOf(t);
                case DECIMAL -> decimal(type, t);
                case BOOLEAN -> bool(t);
                case DATE -> LocalDate.parse(t);
                case TIMESTAMP -> LocalDateTime.parse(t.replaceFirst(" ", "T"));
                case TIMESTAMP_TZ -> OffsetDateTime.parse(t.replaceFirst(" ", "T"));
                case BINARY -> HexFormat.of().parseHex(t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + describe(type), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not " + describe(type) + ": " + e.getMessage(), e);
        }
    }

    private static BigDecimal decimal(ColumnType type, String t) {
        BigDecimal d = new BigDecimal(t);
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
