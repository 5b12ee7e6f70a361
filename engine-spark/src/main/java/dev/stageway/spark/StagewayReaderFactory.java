package dev.stageway.spark;

import dev.stageway.error.StagewayException;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SplitsReader;
import dev.stageway.spi.Split;
import java.util.List;
import java.util.Optional;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Opens, in a task, the connector's reader of one split. */
final class StagewayReaderFactory implements PartitionReaderFactory {
    private static final long serialVersionUID = 1L;
    /** The local property Spark sets on a task of a SQL execution. */
    private static final String EXECUTION_ID = "spark.sql.execution.id";
    private static final long ASK_AGAIN_MILLIS = 500;
    private final StagewayOptions options;
    private final StructType struct;

    StagewayReaderFactory(StagewayOptions options, StructType struct) {
        this.options = options;
        this.struct = struct;
    }

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        List<Split> splits = partition instanceof StagewayScan.DeferredPartition deferred
                ? plannedOnDriver(new ReadPlans.Request(deferred, executionId(), options, struct))
                : List.of(((StagewayScan.SplitPartition) partition).split());
        return new Rows(options, splits, SparkTypes.schema(struct));
    }

    private static String executionId() {
        TaskContext task = TaskContext.get();
        return task == null ? null : task.getLocalProperty(EXECUTION_ID);
    }

    /** This slot's splits of a read the driver plans for this task's SQL execution; asks again while it plans, unless the task is killed. */
    private static List<Split> plannedOnDriver(ReadPlans.Request request) {
        try {
            while (true) {
                ReadPlans.Reply reply = (ReadPlans.Reply) PluginHost.askDriver(request);
                if (reply.failure() != null) {
                    throw new StagewayException(reply.failureKind(), false, "Cannot plan the read: " + reply.failure(), null);
                }
                if (reply.splits() != null) {
                    return reply.splits();
                }
                Thread.sleep(ASK_AGAIN_MILLIS);
                TaskContext task = TaskContext.get();
                if (task != null) {
                    task.killTaskIfInterrupted();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the driver planned the read", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot ask the driver for the read's splits: " + e.getMessage(), e);
        }
    }

    /** The records of a run of splits, one after another, batch by batch, as Spark rows. */
    private static final class Rows implements PartitionReader<InternalRow> {
        private final SplitsReader reader;
        private final Schema schema;
        private List<Object[]> batch = List.of();
        private int next;
        private InternalRow current;

        Rows(StagewayOptions options, List<Split> splits, Schema schema) {
            this.reader = new SplitsReader(options.factory(), StagewayScan.context(), options.connection(), options.side(true), schema,
                    splits);
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
        public CustomTaskMetric[] currentMetricsValues() {
            return StagewayMetrics.of(reader.summary());
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
