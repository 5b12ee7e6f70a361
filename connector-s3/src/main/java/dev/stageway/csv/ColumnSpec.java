package dev.stageway.csv;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.ColumnType.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A typed schema written out, as {@code s3.columns} takes it: {@code id bigint, amount
 * decimal(12,2), created timestamp, note varchar}. Type names are case-insensitive and name the
 * SPI's column types.
 */
public final class ColumnSpec {
    private ColumnSpec() {
    }

    /** The type names, for the property's documentation. */
    public static final String TYPES_DOC = "`varchar`/`string`/`text`, `smallint`, `integer`/`int`, `bigint`, `double`/`float8`, "
            + "`decimal(p,s)`/`numeric(p,s)`, `boolean`/`bool`, `date`, `timestamp`, `timestamptz`, `binary`/`varbyte`";

    static final String TYPES = "varchar/string/text, smallint, integer/int, bigint, double/float8, decimal(p,s)/numeric(p,s), "
            + "boolean/bool, date, timestamp, timestamptz, binary/varbyte";

    private static final Pattern COLUMN = Pattern.compile("\\s*(\\S+)\\s+([A-Za-z0-9 ]+?)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?\\s*");

    /** @throws IllegalArgumentException naming the column and what is wrong with it */
    public static List<Column> parse(String text) {
        List<Column> columns = new ArrayList<>();
        for (String part : splitTopLevel(text)) {
            Matcher m = COLUMN.matcher(part);
            String where = "column " + (columns.size() + 1);
            if (!m.matches()) {
                throw new IllegalArgumentException(where + " ('" + part.strip() + "') must be a name and a type, such as 'id bigint'");
            }
            String name = m.group(1);
            Optional<Integer> first = Optional.ofNullable(m.group(3)).map(Integer::valueOf);
            Optional<Integer> second = Optional.ofNullable(m.group(4)).map(Integer::valueOf);
            ColumnType type = type(where + " (" + name + ")", m.group(2).toLowerCase(Locale.ROOT).replaceAll("\\s+", " "), first, second);
            columns.add(new Column(name, type, true));
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("names no column; give each as a name and a type, such as 'id bigint, note varchar'");
        }
        List<String> names = columns.stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i) {
                throw new IllegalArgumentException("names column '" + columns.get(i).name() + "' twice");
            }
        }
        return columns;
    }

    private static ColumnType type(String where, String name, Optional<Integer> first, Optional<Integer> second) {
        Kind kind = switch (name) {
            case "varchar", "string", "text", "character varying" -> Kind.STRING;
            case "smallint", "int2" -> Kind.SMALLINT;
            case "integer", "int", "int4" -> Kind.INTEGER;
            case "bigint", "int8" -> Kind.BIGINT;
            case "double", "float8", "double precision" -> Kind.DOUBLE;
            case "decimal", "numeric" -> Kind.DECIMAL;
            case "boolean", "bool" -> Kind.BOOLEAN;
            case "date" -> Kind.DATE;
            case "timestamp", "timestamp without time zone" -> Kind.TIMESTAMP;
            case "timestamptz", "timestamp with time zone" -> Kind.TIMESTAMP_TZ;
            case "binary", "varbyte" -> Kind.BINARY;
            default -> throw new IllegalArgumentException(where + ": unknown type '" + name + "'; one of " + TYPES);
        };
        if (kind == Kind.DECIMAL) {
            try {
                return ColumnType.decimal(first.orElse(18), second.orElse(0));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        if (second.isPresent() || first.isPresent() && kind != Kind.STRING && kind != Kind.BINARY) {
            throw new IllegalArgumentException(where + ": " + name + " takes no (precision, scale)");
        }
        return first.map(n -> kind == Kind.STRING ? ColumnType.string(n) : new ColumnType(kind, n, 0))
                .orElse(ColumnType.of(kind));
    }

    /** The parts between commas that are not inside parentheses. */
    private static List<String> splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (!text.substring(start).isBlank() || !parts.isEmpty()) {
            parts.add(text.substring(start));
        }
        return parts;
    }
}
