package dev.stageway.spark;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import java.util.Map;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;

/**
 * A write in {@code Append} mode, or in {@code Overwrite} mode ({@link #truncate()}): that replaces
 * a Redshift table's rows in the load transaction ({@code redshift.load-mode=truncate}) and S3
 * objects of the same names ({@code s3.write-mode=overwrite}).
 */
final class StagewayWriteBuilder implements WriteBuilder, SupportsTruncate {
    /** Per connector, the property a save mode sets, and the value {@code Overwrite} gives it. */
    private static final Map<String, String[]> OVERWRITE = Map.of(
            "redshift", new String[] {"redshift.load-mode", "truncate"},
            "s3", new String[] {"s3.write-mode", "overwrite"});
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
        return new StagewayWrite(overwrite ? overwriting(options) : options, info.schema(),
                options.runId().orElse("spark-" + info.queryId()));
    }

    private static StagewayOptions overwriting(StagewayOptions options) {
        String[] mode = OVERWRITE.get(options.connector());
        if (mode == null) {
            throw new ConfigurationException(Problem.of(StagewayOptions.CONNECTOR, "is " + options.connector()
                    + ", which Stageway cannot write in Overwrite mode: use mode(\"append\")"));
        }
        String given = options.properties().get(mode[0]);
        if (given != null && !given.equalsIgnoreCase(mode[1]) && !given.equalsIgnoreCase("append")) {
            throw new ConfigurationException(Problem.of(mode[0], "is " + given + ", which mode(\"overwrite\") contradicts: "
                    + "Overwrite means " + mode[0] + "=" + mode[1] + "; use mode(\"append\") with " + mode[0] + "=" + given));
        }
        return options.with(mode[0], mode[1]);
    }
}
