package dev.stageway.spark;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.Split;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * A read of a connector's source. Where planning creates nothing (the S3 source lists and reads a
 * header) the driver plans when Spark asks for partitions, one per split. Where it creates what the
 * splits read (the Redshift source UNLOADs), Spark asking is not a run: it asks again for each
 * {@code explain()} and each new query of a DataFrame. Such a source is planned by
 * {@link ReadPlans} when the first task of an execution asks, and its splits are shared out among
 * as many partitions as Spark runs tasks at once, each a run of consecutive splits.
 */
final class StagewayScan implements ScanBuilder, Scan, Batch {
    private final StagewayOptions options;
    private final StructType schema;

    StagewayScan(StagewayOptions options, StructType schema) {
        this.options = options;
        this.schema = schema;
    }

    /** The source's schema, as the connector describes it without creating anything. */
    static StructType schema(StagewayOptions options) {
        return SparkTypes.struct(options.factory().describeSource(context(), options.connection(), options.side(true)));
    }

    static SourcePlan plan(StagewayOptions options) {
        return options.factory().planSource(context(), options.connection(), options.side(true));
    }

    /**
     * A read's own run: a new id each time, as what a run id makes happen once (a load) does not
     * apply to reading, and two plans must never share what they create (an UNLOAD's folder).
     */
    static RunContext context() {
        return new RunContext("spark-" + UUID.randomUUID(), PluginHost.runtime());
    }

    @Override
    public Scan build() {
        return this;
    }

    @Override
    public StructType readSchema() {
        return schema;
    }

    @Override
    public String description() {
        return "stageway " + options.connector() + " source";
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
        return StagewayMetrics.supported();
    }

    @Override
    public Batch toBatch() {
        return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
        if (options.factory().planningCreates()) {
            String readId = UUID.randomUUID().toString();
            int slots = Math.max(1, SparkContext.getOrCreate().defaultParallelism());
            return IntStream.range(0, slots).mapToObj(slot -> new DeferredPartition(readId, slot, slots)).toArray(InputPartition[]::new);
        }
        try (SourcePlan plan = plan(options)) {
            checkSchema(plan, schema);
            return plan.splits().stream().map(SplitPartition::new).toArray(InputPartition[]::new);
        }
    }

    /** Refuses a plan whose records are not of the schema the DataFrame has. */
    static void checkSchema(SourcePlan plan, StructType expected) {
        StructType found = SparkTypes.struct(plan.schema());
        if (!found.equals(expected)) {
            throw new StagewayException(ErrorKind.DATA, "The source's records are " + found.simpleString() + ", and the DataFrame "
                    + "expects " + expected.simpleString() + ": a read takes its schema from the source (give no .schema(...)), "
                    + "and the source changed since the DataFrame was made if it gave none; read it again");
        }
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new StagewayReaderFactory(options, schema);
    }

    /** One split of the plan. */
    record SplitPartition(Split split) implements InputPartition {
        private static final long serialVersionUID = 1L;
    }

    /** Slot {@code slot} of {@code slots} of a read the driver plans when a task first asks. */
    record DeferredPartition(String readId, int slot, int slots) implements InputPartition {
        private static final long serialVersionUID = 1L;

        /** This slot's run of consecutive splits. */
        List<Split> of(List<Split> splits) {
            return splits.subList(slot * splits.size() / slots, (slot + 1) * splits.size() / slots);
        }
    }
}
