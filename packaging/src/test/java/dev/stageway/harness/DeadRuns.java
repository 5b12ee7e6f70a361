package dev.stageway.harness;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TargetWrite;
import dev.stageway.spi.TaskWriter;
import java.util.List;
import java.util.Map;

/**
 * What runs leave when their process dies at the worst moment, made through the plugin as a run
 * makes it: task writers prepared and never committed, a plan never closed.
 */
final class DeadRuns {
    private DeadRuns() {
    }

    static final Schema SCHEMA = Schema.of(Column.of("id", ColumnType.string()));
    private static final RecordBatch ROW = new RecordBatch(SCHEMA, List.<Object[]>of(new Object[] {"1"}));

    /** An S3 write of {@code tasks} tasks, each prepared (its objects left as open multipart uploads). */
    static void s3Write(Mapping.Side target, int tasks) {
        try (PluginBundle plugin = PluginBundle.open(CommandsTest.BUNDLE)) {
            ConnectorFactory s3 = plugin.connector("target.connector", "s3");
            TargetWrite write = s3.openWrite(new RunContext("dead-s3-run", plugin.runtime(), tasks), target.connection(s3),
                    target.own(s3, false), SCHEMA);
            for (int task = 0; task < tasks; task++) {
                TaskWriter w = write.writerFor(task, 0);
                w.write(ROW);
                w.prepare();
            }
        }
    }

    /** A Redshift load into {@code table}, prepared (its files staged), never committed. */
    static void redshiftLoad(Mapping.Side side, String table) {
        try (PluginBundle plugin = PluginBundle.open(CommandsTest.BUNDLE)) {
            ConnectorFactory redshift = plugin.connector(side.prefix() + ".connector", "redshift");
            Map<String, String> own = redshift.targetProperties().select(side.properties());
            own.put("redshift.table", table);
            TaskWriter w = redshift.openWrite(new RunContext("dead-load-run", plugin.runtime()), side.connection(redshift), own, SCHEMA)
                    .writerFor(0, 0);
            w.write(ROW);
            w.prepare();
        }
    }

    /** An UNLOAD of the source's query whose plan was never closed (its files left in staging). */
    static void unload(Mapping.Side source) {
        try (PluginBundle plugin = PluginBundle.open(CommandsTest.BUNDLE)) {
            ConnectorFactory redshift = plugin.connector("source.connector", "redshift");
            redshift.planSource(new RunContext("dead-unload-run", plugin.runtime()), source.connection(redshift),
                    source.own(redshift, true));
        }
    }
}
