package dev.stageway.spi;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The ordered columns of the records a reader produces or a writer accepts. */
public record Schema(List<Column> columns) {
    public Schema {
        columns = List.copyOf(columns);
        Set<String> seen = new HashSet<>();
        for (Column c : columns) {
            // Redshift folds unquoted names to lower case, so names differing only in case collide.
            if (!seen.add(c.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Cannot make a schema with two columns named " + c.name());
            }
        }
    }

    public static Schema of(Column... columns) {
        return new Schema(List.of(columns));
    }

    public int size() {
        return columns.size();
    }

    public Column column(int index) {
        return columns.get(index);
    }

    /** The position of the column named {@code name} (case-insensitive), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
