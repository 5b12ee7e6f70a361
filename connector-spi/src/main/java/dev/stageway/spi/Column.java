package dev.stageway.spi;

import java.util.Objects;

/** A named, typed column of a {@link Schema}. */
public record Column(String name, ColumnType type, boolean nullable) {
    public Column {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Cannot make a column without a name");
        }
    }

    public static Column of(String name, ColumnType type) {
        return new Column(name, type, true);
    }
}
