package dev.stageway.spark;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** A connector's source or target as Spark sees it. Its name shows in plans: the connector only, never a property's value. */
final class StagewayTable implements SupportsRead, SupportsWrite {
    private final StagewayOptions options;
    private final StructType schema;

    StagewayTable(StagewayOptions options, StructType schema) {
        this.options = options;
        this.schema = schema;
    }

    @Override
    public String name() {
        return "stageway " + options.connector();
    }

    @Override
    public StructType schema() {
        return schema;
    }

    /** Batch reads and writes; {@code Overwrite} as a truncate, which each connector does in its commit. */
    @Override
    public Set<TableCapability> capabilities() {
        return Set.of(TableCapability.BATCH_READ, TableCapability.BATCH_WRITE, TableCapability.TRUNCATE);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
        return new StagewayScan(options, schema);
    }

    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
        return new StagewayWriteBuilder(options, info);
    }
}
