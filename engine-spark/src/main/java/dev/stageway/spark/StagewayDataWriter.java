package dev.stageway.spark;

import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TaskWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;

/** One task attempt's rows, handed to the connector's task writer in batches; its message goes to the driver. */
final class StagewayDataWriter implements DataWriter<InternalRow> {
    private static final int BATCH = 10_000;
    private final TaskWriter writer;
    private final StructType struct;
    private final Schema schema;
    private List<Object[]> rows = new ArrayList<>();

    StagewayDataWriter(TaskWriter writer, StructType struct, Schema schema) {
        this.writer = writer;
        this.struct = struct;
        this.schema = schema;
    }

    /** The connector's message of a task attempt that committed. */
    record Committed(CommitMessage message) implements WriterCommitMessage {
        private static final long serialVersionUID = 1L;
    }

    @Override
    public void write(InternalRow row) {
        rows.add(SparkTypes.values(row, struct, schema));
        if (rows.size() == BATCH) {
            flush();
        }
    }

    private void flush() {
        if (!rows.isEmpty()) {
            writer.write(new RecordBatch(schema, rows));
            rows = new ArrayList<>();
        }
    }

    @Override
    public WriterCommitMessage commit() {
        flush();
        return new Committed(writer.prepare());
    }

    @Override
    public void abort() {
        writer.abort();
    }

    @Override
    public void close() {
        writer.close();
    }
}
