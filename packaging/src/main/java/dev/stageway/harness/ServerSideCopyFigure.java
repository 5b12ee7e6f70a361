package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.rounds;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;
import static dev.stageway.testkit.DefaultSandbox.customerAdminS3;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.ConnectorRuntime;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.testkit.Sandbox;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

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
        try (S3Client admin = customerAdminS3(sandbox); ConnectorRuntime runtime = s3.newRuntime()) {
            put(sandbox, admin, size);
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

    /** One CSV object of about {@code size} bytes, written with shaping off since only the runs are measured. */
    private static void put(Sandbox sandbox, S3Client admin, long size) throws IOException {
        Path file = Files.createTempFile("stageway-bench-copy", ".csv");
        try {
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write("id,name,note\n");
                for (long row = 1, written = 0; written < size; row++) {
                    String line = row + ",name " + row + ",\"a note, quoted\"\n";
                    out.write(line);
                    written += line.length();
                }
            }
            Bench.unshaped(sandbox, () -> admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(PREFIX + "in/rows.csv"),
                    RequestBody.fromFile(file)));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
