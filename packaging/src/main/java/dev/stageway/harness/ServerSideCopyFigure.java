package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.pair;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;
import static dev.stageway.testkit.DefaultSandbox.customerAdminS3;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import dev.stageway.testkit.Sandbox;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
        try (S3Client admin = customerAdminS3(sandbox)) {
            put(sandbox, admin, size);
            long[] agentBytes = {0};
            Callable<Double> copy = () -> {
                long before = sandbox.s3Shaping().bodyBytes();
                RunResult r = MappingRun.run(plugin, Mapping.of(mapping(connection, "copied/", "auto")), "bench-copy", 1,
                        Progress.silent());
                agentBytes[0] = Math.max(agentBytes[0], sandbox.s3Shaping().bodyBytes() - before);
                if (!r.path().name().equals("server-side-copy")) {
                    throw new IllegalStateException("the run did not copy inside S3: " + r.path().reason());
                }
                return r.elapsedMillis() / 1000.0;
            };
            Callable<Double> streamed = () -> MappingRun.run(plugin, Mapping.of(mapping(connection, "streamed/", "off")),
                    "bench-stream", 1, Progress.silent()).elapsedMillis() / 1000.0;
            double[] ours = new double[rounds];
            double[] theirs = new double[rounds];
            for (int r = -1; r < rounds; r++) {   // round -1 warms up both sides
                double[] t = pair(r, copy, streamed);
                if (r >= 0) {
                    ours[r] = t[0];
                    theirs[r] = t[1];
                }
            }
            return figure("server-side-copy", ours, "s", theirs, "<= 0.3, agentBytes 0").withAgentBytes(agentBytes[0]);
        } finally {
            try (S3Client admin = customerAdminS3(sandbox)) {
                admin.listObjectsV2Paginator(b -> b.bucket(CUSTOMER_BUCKET).prefix(PREFIX)).contents()
                        .forEach(o -> admin.deleteObject(b -> b.bucket(CUSTOMER_BUCKET).key(o.key())));
            }
        }
    }

    private static Map<String, String> mapping(Map<String, String> connection, String out, String directCopy) {
        Map<String, String> m = Bench.s3ToS3(connection, CUSTOMER_BUCKET + "/" + PREFIX + "in/", CUSTOMER_BUCKET + "/" + PREFIX + out);
        m.put("target.s3.direct-copy", directCopy);
        return m;
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
            sandbox.s3Shaping().latency(Duration.ZERO);
            sandbox.s3Shaping().bandwidth(0);
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(PREFIX + "in/rows.csv"), RequestBody.fromFile(file));
        } finally {
            sandbox.s3Shaping().latency(Bench.LATENCY);
            sandbox.s3Shaping().bandwidth(Bench.BANDWIDTH);
            Files.deleteIfExists(file);
        }
    }
}
