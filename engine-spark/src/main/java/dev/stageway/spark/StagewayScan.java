package dev.stageway.spark;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.Split;
import java.util.UUID;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * A read of a connector's source: planned on the driver, one input partition per split. Only
 * sources whose plan creates nothing are read this way: the S3 source lists and reads a header.
 * (A Redshift source UNLOADs at planning, and Spark plans a scan again for {@code explain()} and
 * each new query of a DataFrame, so it would UNLOAD each time; it is refused until its UNLOAD can
 * run once per action.)
 */
final class StagewayScan implements ScanBuilder, Scan, Batch {
    private final StagewayOptions options;
    private final StructType schema;

    StagewayScan(StagewayOptions options, StructType schema) {
        this.options = options;
        this.schema = schema;
    }

    /** The source's schema, from a plan made and closed at once. */
    static StructType schema(StagewayOptions options) {
        try (SourcePlan plan = plan(options)) {
            return SparkTypes.struct(plan.schema());
        }
    }

    private static SourcePlan plan(StagewayOptions options) {
        if (!"s3".equals(options.connector())) {
            throw new ConfigurationException(Problem.of(StagewayOptions.CONNECTOR, "is " + options.connector() + ": on Spark, Stageway "
                    + "reads only the s3 connector's sources for now; read other sources with stageway run"));
        }
        ConnectorFactory factory = options.factory();
        return factory.planSource(context(options), options.connection(), options.side(true));
    }

    static RunContext context(StagewayOptions options) {
        return new RunContext(options.runId().orElseGet(() -> "spark-" + UUID.randomUUID()), PluginHost.runtime());
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
    public Batch toBatch() {
        return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
        try (SourcePlan plan = plan(options)) {
            if (!SparkTypes.struct(plan.schema()).equals(schema)) {
                throw new IllegalStateException("The source's schema changed since the DataFrame was made: it is now "
                        + SparkTypes.struct(plan.schema()).simpleString() + "; read it again");
            }
            return plan.splits().stream().map(SplitPartition::new).toArray(InputPartition[]::new);
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
}
