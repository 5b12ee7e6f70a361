package dev.stageway.spark;

import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Opens, in a task, the connector's reader of one split. */
final class StagewayReaderFactory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;
    private final StagewayOptions options;
    private final StructType struct;

    StagewayReaderFactory(StagewayOptions options, StructType struct) {
        this.options = options;
        this.struct = struct;
    }

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        SourceReader reader = options.factory().openReader(StagewayScan.context(options), options.connection(), options.side(true),
                ((StagewayScan.SplitPartition) partition).split());
        return new Rows(reader, SparkTypes.schema(struct));
    }

    /** The split's records, batch by batch, as Spark rows. */
    private static final class Rows implements PartitionReader<InternalRow> {
        private final SourceReader reader;
        private final Schema schema;
        private List<Object[]> batch = List.of();
        private int next;
        private InternalRow current;

        Rows(SourceReader reader, Schema schema) {
            this.reader = reader;
            this.schema = schema;
        }

        @Override
        public boolean next() {
            while (next == batch.size()) {
                Optional<RecordBatch> more = reader.next();
                if (more.isEmpty()) {
                    return false;
                }
                batch = more.get().rows();
                next = 0;
            }
            current = SparkTypes.row(batch.get(next++), schema);
            return true;
        }

        @Override
        public InternalRow get() {
            return current;
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
