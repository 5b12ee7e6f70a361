package dev.stageway.spark;

import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.TargetWrite;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of a write: opens the connector's two-phase write with one task per Spark
 * partition, and commits exactly the messages of the attempts Spark's commit coordinator let
 * commit, once (the connector records the run id, so a driver retried with the same
 * {@code run-id} loads nothing twice). A failed job aborts it: the target is unchanged, and what
 * the tasks staged is removed.
 */
final class StagewayWrite implements Write, BatchWrite {
    private static final Logger LOG = LoggerFactory.getLogger(StagewayWrite.class);
    private final StagewayOptions options;
    private final StructType struct;
    private final String runId;
    private TargetWrite target;
    private RunSummary committed = RunSummary.EMPTY;

    StagewayWrite(StagewayOptions options, StructType struct, String runId) {
        this.options = options;
        this.struct = struct;
        this.runId = runId;
    }

    @Override
    public String description() {
        return "stageway " + options.connector() + " target, run " + runId;
    }

    @Override
    public String toString() {
        return description();
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
        return StagewayMetrics.supported();
    }

    /** The commit's rows and STS calls (the tasks' and the driver's). */
    @Override
    public synchronized CustomTaskMetric[] reportDriverMetrics() {
        return StagewayMetrics.of(committed);
    }

    @Override
    public BatchWrite toBatch() {
        return this;
    }

    @Override
    public synchronized DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
        if (target != null) {
            throw new IllegalStateException("the Stageway write of run " + runId + " was already started");
        }
        RunContext context = new RunContext(runId, PluginHost.runtime(), info.numPartitions());
        target = options.factory().openWrite(context, options.connection(), options.side(false), SparkTypes.schema(struct));
        try {
            return new StagewayWriterFactory(options, struct, runId, info.numPartitions(), target.taskPlan());
        } catch (RuntimeException e) {
            target.abort(e);
            throw e;
        }
    }

    @Override
    public synchronized void commit(WriterCommitMessage[] messages) {
        try {
            committed = target.commit(messages(messages));
            LOG.info("Stageway run {} committed: {} rows to the {} target ({})", runId, committed.rows(), options.connector(),
                    committed.details());
        } finally {
            target.close();
        }
    }

    @Override
    public synchronized void abort(WriterCommitMessage[] messages) {
        if (target != null) {
            try {
                target.abort(null, messages(messages));
            } finally {
                target.close();
            }
        }
    }

    /** The connector's messages of the tasks that committed (Spark leaves a null for each that did not). */
    private static List<CommitMessage> messages(WriterCommitMessage[] messages) {
        return Arrays.stream(messages).filter(Objects::nonNull).map(m -> ((StagewayDataWriter.Committed) m).message()).toList();
    }
}
