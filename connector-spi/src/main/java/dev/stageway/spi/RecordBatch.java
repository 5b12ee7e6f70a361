package dev.stageway.spi;

import java.util.List;
import java.util.Objects;

/**
 * A batch of records of one {@link Schema}: each row an array with one value per column, of the
 * Java type {@link ColumnType} names, or null. The batch does not copy its rows: a reader must
 * not change them after handing the batch out, so a writer may keep working on them after
 * {@link TaskWriter#write} returns (encoding in the background, a bounded number of batches),
 * but not after its commit or abort.
 */
public record RecordBatch(Schema schema, List<Object[]> rows) {
    public RecordBatch {
        Objects.requireNonNull(schema, "schema is null");
        Objects.requireNonNull(rows, "rows is null");
    }

    public int size() {
        return rows.size();
    }

    public Object value(int row, int column) {
        return rows.get(row)[column];
    }
}
