package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.rounds;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.ConnectorRuntime;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.testkit.Sandbox;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The direct-load figure: S3 to Redshift of CSV objects by one COPY straight from them, against the
 * streamed and staged path on the same objects (redshift.direct-load=off), timed as whole runs into
 * a fresh table. Its agentBytes are the bodies the sandbox's S3 carried to and from the agent
 * during the direct runs: COPY's own reads stay inside AWS and are not among them.
 */
final class DirectLoadFigure {
    private DirectLoadFigure() {
    }

    private static final String PREFIX = "bench-direct/";
    static final int OBJECTS = 8;
    private static final String TABLE = "bench_direct";
    private static final AtomicInteger RUNS = new AtomicInteger();

    static Figure measure(Sandbox sandbox, PluginBundle plugin, Map<String, String> connection, long size, int rounds)
            throws Exception {
        ConnectorFactory s3 = plugin.connector("connector", "s3");
        ConnectorFactory redshift = plugin.connector("connector", "redshift");
        Map<String, String> cluster = new HashMap<>(connection);
        Demo.redshift(sandbox, Map.of()).forEach((k, v) -> cluster.putIfAbsent(k, v));
        // A runtime of its own: the role session it caches is not the one the sts-calls figure counts.
        try (ConnectorRuntime runtime = s3.newRuntime()) {
            long rows = Bench.putCsv(sandbox, IntStream.range(0, OBJECTS).mapToObj(i -> PREFIX + String.format("part-%02d.csv", i))
                    .toList(), size / OBJECTS);
            long[] agentBytes = {0};
            Callable<Double> direct = () -> {
                long before = sandbox.s3Shaping().bodyBytes();
                double[] seconds = {0};
                LocalRun.Result r = run(sandbox, s3, redshift, runtime, connection, cluster, "auto", seconds);
                agentBytes[0] = Math.max(agentBytes[0], sandbox.s3Shaping().bodyBytes() - before);
                if (!r.path().name().equals("direct-load")) {
                    throw new IllegalStateException("the run did not load by COPY from the objects: " + r.path().reason());
                }
                return loaded(r, rows, seconds[0]);
            };
            Callable<Double> staged = () -> {
                double[] seconds = {0};
                return loaded(run(sandbox, s3, redshift, runtime, connection, cluster, "off", seconds), rows, seconds[0]);
            };
            double[][] seconds = rounds(rounds, direct, staged);
            return figure("direct-load", seconds[0], "s", seconds[1], "time reported").withAgentBytes(agentBytes[0]);
        } finally {
            Bench.remove(sandbox, PREFIX);
            sandbox.redshift().execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    /** {@code seconds}, once the run is seen to have loaded every row. */
    private static double loaded(LocalRun.Result r, long rows, double seconds) {
        long loaded = r.written().orElseThrow().rows();
        if (loaded != rows) {
            throw new IllegalStateException("the " + r.path().name() + " run loaded " + loaded + " rows of " + rows);
        }
        return seconds;
    }

    /** One run of the objects into a new table, timed into {@code seconds}. */
    private static LocalRun.Result run(Sandbox sandbox, ConnectorFactory s3, ConnectorFactory redshift, ConnectorRuntime runtime,
                                       Map<String, String> connection, Map<String, String> cluster, String directLoad,
                                       double[] seconds) throws Exception {
        // Dropped, not emptied: each run loads hundreds of MB the database would otherwise keep as dead rows.
        sandbox.redshift().execute("DROP TABLE IF EXISTS " + TABLE);
        sandbox.redshift().execute("CREATE TABLE " + TABLE + " (id bigint, name varchar(64), note varchar(64))");
        // A null marker COPY can tell from an empty string, as the direct load asks.
        Map<String, String> source = Map.of("s3.folder-path", CUSTOMER_BUCKET + "/" + PREFIX, "csv.null-value", "NULL");
        Map<String, String> target = Map.of("redshift.table", TABLE, "redshift.direct-load", directLoad);
        LocalRun.Result[] result = new LocalRun.Result[1];
        // A run id of its own each time: the load log would find one used before loaded already.
        String runId = "bench-direct-" + directLoad + "-" + RUNS.incrementAndGet();
        seconds[0] = BenchStatistics.seconds(() -> result[0] = LocalRun.run(new RunContext(runId, runtime),
                new LocalRun.Side(s3, connection, source), new LocalRun.Side(redshift, cluster, target), 2, (rows, bytes) -> { }));
        return result[0];
    }
}
