package dev.stageway.spark;

import java.util.Objects;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;

/**
 * A write in {@code Append} mode, or in {@code Overwrite} mode ({@link #truncate()}), which the
 * connector makes a write that replaces what its target holds: a Redshift table's rows in the load
 * transaction ({@code redshift.load-mode=truncate}), S3 objects of the same names
 * ({@code s3.write-mode=overwrite}).
 */
final class StagewayWriteBuilder implements WriteBuilder, SupportsTruncate {
    private final StagewayOptions options;
    private final LogicalWriteInfo info;
    private boolean overwrite;

    StagewayWriteBuilder(StagewayOptions options, LogicalWriteInfo info) {
        this.options = options;
        this.info = info;
    }

    @Override
    public WriteBuilder truncate() {
        overwrite = true;
        return this;
    }

    @Override
    public Write build() {
        return new StagewayWrite(overwrite ? options.replacing() : options, info.schema(),
                Objects.requireNonNullElse(options.givenRunId(), "spark-" + info.queryId()));
    }
}
