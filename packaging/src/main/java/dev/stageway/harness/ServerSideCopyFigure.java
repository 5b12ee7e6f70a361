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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The server-side-copy figure: S3 to S3 of one CSV object without a change of format, by the copy
 * inside S3 against the streamed path on the same object (s3.direct-copy=off), timed as whole runs.
 * Its agentBytes are the bodies the sandbox's S3 carried to and from the agent during the copy's runs.
 */
final class ServerSideCopyFigure {
    private ServerSideCopyFigure() {
    }

    private static final String PREFIX = "bench-copy/";

    static Figure measure(Sandbox sandbox, PluginBundle plugin, Map<String, String> connection, long size, int rounds)
            throws Exception {
        ConnectorFactory s3 = plugin.connector("connector", "s3");
        // A runtime of its own: the role session it caches is not the one the sts-calls figure counts.
        try (ConnectorRuntime runtime = s3.newRuntime()) {
            Bench.putCsv(sandbox, List.of(PREFIX + "in/rows.csv"), size);
            long[] agentBytes = {0};
            Callable<Double> copy = () -> {
                long before = sandbox.s3Shaping().bodyBytes();
                double[] seconds = {0};
                LocalRun.Result r = run(s3, runtime, connection, "copied/", "auto", seconds);
                agentBytes[0] = Math.max(agentBytes[0], sandbox.s3Shaping().bodyBytes() - before);
                Bench.remove(sandbox, PREFIX + "copied/");
                if (!r.path().name().equals("server-side-copy")) {
                    throw new IllegalStateException("the run did not copy inside S3: " + r.path().reason());
                }
                return seconds[0];
            };
            Callable<Double> streamed = () -> {
                double[] seconds = {0};
                run(s3, runtime, connection, "streamed/", "off", seconds);
                Bench.remove(sandbox, PREFIX + "streamed/");
                return seconds[0];
            };
            double[][] seconds = rounds(rounds, copy, streamed);
            return figure("server-side-copy", seconds[0], "s", seconds[1], "<= 0.3").withAgentBytes(agentBytes[0]);
        } finally {
            Bench.remove(sandbox, PREFIX);
        }
    }

    /** One run of the object into {@code out}, timed into {@code seconds}. */
    private static LocalRun.Result run(ConnectorFactory s3, ConnectorRuntime runtime, Map<String, String> connection, String out,
                                       String directCopy, double[] seconds) {
        Map<String, String> source = Map.of("s3.folder-path", CUSTOMER_BUCKET + "/" + PREFIX + "in/");
        Map<String, String> target = Map.of("s3.folder-path", CUSTOMER_BUCKET + "/" + PREFIX + out, "s3.direct-copy", directCopy);
        LocalRun.Result[] result = new LocalRun.Result[1];
        seconds[0] = BenchStatistics.seconds(() -> result[0] = LocalRun.run(new RunContext("bench-" + out.replace("/", ""), runtime),
                new LocalRun.Side(s3, connection, source), new LocalRun.Side(s3, connection, target), 1, (rows, bytes) -> { }));
        return result[0];
    }
}
