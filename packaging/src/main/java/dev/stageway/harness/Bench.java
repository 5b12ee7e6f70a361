package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.bench.StagingBench;
import dev.stageway.spi.bench.TransferBench;
import dev.stageway.testkit.Sandbox;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code stageway bench}: figures measured on the in-memory sandbox, each next to a baseline
 * measured in the same run (these machines are shared and noisy, so ratios are what count). The
 * plugin's side runs inside the bundle, found as services ({@link TransferBench}, {@link StagingBench});
 * the baselines run here ({@link TransferBaseline}, {@link StagingBaseline}, {@link HeapProbe}).
 * Every client reaches the sandbox's S3 over HTTPS, trusting its certificate by configuration, not
 * JVM-wide: over plain HTTP the SDK's sync client signs every 128 KiB chunk of a body (SHA-256 on
 * both ends) where its async client sends it unsigned.
 */
final class Bench {
    private Bench() {
    }

    static final int MIB = 1024 * 1024;
    static final long PART_SIZE = 8L * MIB;
    static final int CONCURRENCY = 8;
    /**
     * S3 as a client in its region sees it, after AWS's "Best Practices Design Patterns: Optimizing
     * Amazon S3 Performance": small requests answer in tens of milliseconds, and each connection
     * carries 85-90 MB/s.
     */
    static final Duration LATENCY = Duration.ofMillis(30);
    static final long BANDWIDTH = 85_000_000L;

    static int run(Path bundle, boolean quick, boolean json, Set<String> only, PrintStream out) throws Exception {
        long size = (quick ? 128L : 512L) * MIB;
        int rounds = quick ? 2 : 5;
        int stagingRounds = quick ? 2 : 7;
        List<Figure> figures = new ArrayList<>();
        Map<String, String> credentials = credentials();
        Sandbox.Builder builder = Sandbox.builder().s3Shaping(LATENCY, BANDWIDTH);
        if (only.contains("direct-load")) {
            builder.withRedshift();
        }
        try (Sandbox sandbox = builder.build(); PluginBundle plugin = PluginBundle.open(bundle, Bench.class.getClassLoader())) {
            Map<String, String> connection = Demo.endpoints(sandbox, credentials);
            if (only.contains("small-objects")) {
                figures.add(SmallObjects.measure(sandbox, plugin, connection, quick ? 400 : 2000, rounds));
            }
            if (only.contains("upload") || only.contains("download")) {
                // The download reads what the upload wrote.
                TransferBaseline.measure(sandbox, plugin.service(TransferBench.class), connection, size, rounds).stream()
                        .filter(f -> only.contains(f.figure())).forEach(figures::add);
            }
            if (only.contains("server-side-copy")) {
                figures.add(ServerSideCopyFigure.measure(sandbox, plugin, connection, quick ? 128L * MIB : 1024L * MIB, rounds));
            }
            if (only.contains("direct-load")) {
                figures.add(DirectLoadFigure.measure(sandbox, plugin, connection, directLoadBytes(quick), rounds));
            }
            if (only.contains("staging")) {
                figures.add(StagingBaseline.measure(plugin.service(StagingBench.class), connection, stagingRounds));
            }
            if (only.contains("memory")) {
                figures.add(HeapProbe.measure(bundle, credentials));
            }
            if (only.contains("session-memory")) {
                figures.add(SessionMemory.measure(bundle));
            }
            if (only.contains("sts-calls")) {
                long before = sandbox.assumeRoleCalls();
                MappingRun.run(plugin, Mapping.of(stsJob(sandbox, connection)), "bench-sts", 1, Progress.silent());
                figures.add(figure("sts-calls", sandbox.assumeRoleCalls() - before, "calls", 1, "= 1"));
            }
        }
        if (json) {
            out.println(JsonMapper.builder().changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
                    .build().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        } else {
            out.printf("%-16s %12s %-6s %12s %8s  %-11s %s%n", "figure", "value", "unit", "baseline", "ratio", "spread", "target");
            for (Figure f : figures) {
                out.printf("%-16s %12.1f %-6s %12.1f %8.2f  %-11s %s%s%s%n", f.figure(), f.value(), f.unit(), f.baseline(), f.ratio(),
                        String.format("%.2f-%.2f", f.spread()[0], f.spread()[1]), f.target(),
                        f.agentBytes() == null ? "" : "; agentBytes " + f.agentBytes(), f.standing().note);
            }
            out.println("(S3 over HTTPS, " + LATENCY.toMillis() + " ms before each first byte, " + BANDWIDTH / 1_000_000
                    + " MB/s per connection; small objects: " + (quick ? 400 : 2000) + " of " + SmallObjects.OBJECT_BYTES / 1024
                    + " KiB, " + CONCURRENCY + " requests at once; server-side copy: " + (quick ? 128 : 1024)
                    + " MiB, runs against runs with s3.direct-copy=off; direct load: " + directLoadBytes(quick) / MIB + " MiB in "
                    + DirectLoadFigure.OBJECTS + " objects, runs against runs with redshift.direct-load=off; transfers: " + size / MIB
                    + " MiB, " + rounds + " rounds after a warm-up, "
                    + PART_SIZE / MIB + " MiB parts x " + CONCURRENCY
                    + ", baseline the SDK's S3 Transfer Manager in the same JVM; staging: " + StagingBaseline.ROWS + " rows, "
                    + stagingRounds + " rounds after " + StagingBaseline.WARMUPS + " warm-ups; ratios are medians of each round's "
                    + "own ratio)");
        }
        return Stageway.OK;
    }

    static final List<String> FIGURES = List.of("small-objects", "upload", "download", "server-side-copy", "direct-load", "staging", "memory",
            "session-memory", "sts-calls");

    /**
     * The CSV the direct-load figure loads: less than the copy's, as the stand-in's COPY (one thread
     * parsing every row and handing it to PostgreSQL) takes about as long on both paths.
     */
    static long directLoadBytes(boolean quick) {
        return (quick ? 16L : 128L) * MIB;
    }

    /** The figures {@code --only a,b} names, or every figure. */
    static Set<String> only(List<String> names) {
        if (names == null || names.isEmpty()) {
            return Set.copyOf(FIGURES);
        }
        if (!FIGURES.containsAll(names)) {
            throw new IllegalArgumentException("--only takes figure names from " + String.join(",", FIGURES) + ", not " + names);
        }
        return Set.copyOf(names);
    }

    /** The customer role through the agent's keys. */
    private static Map<String, String> credentials() {
        Map<String, String> m = new TreeMap<>();
        m.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        m.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        m.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        m.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        return m;
    }

    /** Runs {@code work} with shaping off: setting up what a figure measures, which is not measured. */
    static void unshaped(Sandbox sandbox, Runnable work) {
        sandbox.s3Shaping().latency(Duration.ZERO);
        sandbox.s3Shaping().bandwidth(0);
        try {
            work.run();
        } finally {
            sandbox.s3Shaping().latency(LATENCY);
            sandbox.s3Shaping().bandwidth(BANDWIDTH);
        }
    }

    /**
     * Puts {@code keys} in the customer's bucket, each about {@code bytes} of CSV with a header and
     * rows numbered on from one object to the next, written with shaping off since only the runs
     * are measured; returns the rows written.
     */
    static long putCsv(Sandbox sandbox, List<String> keys, long bytes) throws IOException {
        Path file = Files.createTempFile("stageway-bench", ".csv");
        try (S3Client admin = customerAdminS3(sandbox)) {
            long row = 1;
            for (String key : keys) {
                try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    out.write("id,name,note\n");
                    for (long written = 0; written < bytes; row++) {
                        String line = row + ",name " + row + ",\"a note, quoted\"\n";
                        out.write(line);
                        written += line.length();
                    }
                }
                unshaped(sandbox, () -> admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key), RequestBody.fromFile(file)));
            }
            return row - 1;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Removes what a figure wrote under {@code prefix} of the customer's bucket, so the in-memory
     * sandbox holds one figure's objects at a time (a full run writes gigabytes).
     */
    static void remove(Sandbox sandbox, String prefix) {
        try (var admin = customerAdminS3(sandbox)) {
            for (var page : admin.listObjectsV2Paginator(b -> b.bucket(CUSTOMER_BUCKET).prefix(prefix))) {
                if (!page.contents().isEmpty()) {
                    admin.deleteObjects(b -> b.bucket(CUSTOMER_BUCKET).delete(d -> d.objects(page.contents().stream()
                            .map(o -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(o.key()).build()).toList())));
                }
            }
        }
    }

    /** A mapping from one S3 folder to another, both sides with {@code connection}. */
    static Map<String, String> s3ToS3(Map<String, String> connection, String from, String to) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("source.connector", "s3");
        m.put("target.connector", "s3");
        connection.forEach((k, v) -> {
            m.put("source." + k, v);
            m.put("target." + k, v);
        });
        m.put("source.s3.folder-path", from);
        m.put("target.s3.folder-path", to);
        return m;
    }

    /** A job shorter than one session: read the uploaded object's folder as CSV lines and write them back. */
    private static Map<String, String> stsJob(Sandbox sandbox, Map<String, String> connection) {
        Map<String, String> m = s3ToS3(connection, CUSTOMER_BUCKET + "/bench-sts/in/", CUSTOMER_BUCKET + "/bench-sts/out/");
        m.put("target.s3.direct-copy", "off");   // a job that reads and writes, as the figure says
        try (var admin = software.amazon.awssdk.services.s3.S3Client.builder().region(Region.of(sandbox.region()))
                .endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("bench-sts/in/a.csv"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("id\n1\n2\n"));
        }
        return m;
    }
}
