package dev.stageway.harness;

import dev.stageway.spi.PluginBundle;
import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.s3.SandboxCertificate;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code stageway bench}: figures measured on the in-memory sandbox, each next to a baseline
 * measured in the same run (these machines are shared and noisy, so ratios are what count).
 * The connector's side runs inside the plugin through {@code S3Bench}; the baselines (the SDK's
 * S3 Transfer Manager) run here.
 */
final class Bench {
    private Bench() {
    }

    static final int MIB = 1024 * 1024;
    static final long PART_SIZE = 8L * MIB;
    static final int CONCURRENCY = 8;

    record Figure(String figure, double value, String unit, double baseline, double ratio, String target) {
    }

    static int run(Path bundle, boolean quick, boolean json, Set<String> only, PrintStream out) throws Exception {
        long size = (quick ? 128L : 512L) * MIB;
        int rounds = quick ? 2 : 5;
        int stagingRounds = quick ? 2 : 7;
        List<Figure> figures = new ArrayList<>();
        // Over HTTPS, as clients reach S3 itself: over plain HTTP the SDK's sync client signs every 128 KiB
        // chunk of a body (SHA-256 on both ends) where its async client sends it unsigned.
        Map<String, String> trustedBefore = SandboxCertificate.trustInThisJvm();
        try (Sandbox sandbox = Sandbox.start(); PluginBundle plugin = PluginBundle.open(bundle, Bench.class.getClassLoader())) {
            Map<String, String> connection = connection(sandbox);
            if (only.contains("upload") || only.contains("download")) {
                transfers(sandbox, plugin, connection, size, rounds, figures);   // the download reads what the upload wrote
                figures.removeIf(f -> !only.contains(f.figure()));
            }
            if (only.contains("staging")) {
                figures.add(staging(plugin, connection, stagingRounds));
            }
            if (only.contains("memory")) {
                figures.add(memory(bundle, quick));
            }
            if (only.contains("sts-calls")) {
                long before = sandbox.assumeRoleCalls();
                MappingRun.run(plugin, Mapping.of(stsJob(sandbox, connection)), "bench-sts", 1, Progress.silent());
                figures.add(figure("sts-calls", sandbox.assumeRoleCalls() - before, "calls", 1, "= 1"));
            }
        } finally {
            trustedBefore.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        if (json) {
            out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        } else {
            out.printf("%-10s %12s %-6s %12s %8s  %s%n", "figure", "value", "unit", "baseline", "ratio", "target");
            for (Figure f : figures) {
                out.printf("%-10s %12.1f %-6s %12.1f %8.2f  %s%n", f.figure(), f.value(), f.unit(), f.baseline(), f.ratio(), f.target());
            }
            out.println("(S3 over HTTPS; transfers: " + size / MIB + " MiB, " + rounds + " rounds after a warm-up, "
                    + PART_SIZE / MIB + " MiB parts x " + CONCURRENCY
                    + ", baseline the SDK's S3 Transfer Manager in the same JVM; staging: " + STAGING_ROWS + " rows, " + stagingRounds
                    + " rounds after " + STAGING_WARMUPS + " warm-ups; ratios are medians of each round's own ratio)");
        }
        return Stageway.OK;
    }

    /** Upload and download of {@code size} bytes: ours against the SDK's Transfer Manager, median of {@code rounds}. */
    private static void transfers(Sandbox sandbox, PluginBundle plugin, Map<String, String> connection, long size, int rounds,
                                  List<Figure> figures) throws Exception {
        byte[] chunk = new byte[MIB];
        new Random(42).nextBytes(chunk);
        Class<?> s3Bench = Class.forName("dev.stageway.s3.S3Bench", true, plugin.loader());
        Method upload = s3Bench.getMethod("upload", Map.class, String.class, String.class, long.class, byte[].class, long.class, int.class);
        Method download = s3Bench.getMethod("download", Map.class, String.class, String.class, long.class, int.class);
        ExecutorService feed = Executors.newFixedThreadPool(2);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID,
                CUSTOMER_ADMIN_SECRET_ACCESS_KEY));
        // Uploads: the Java multipart client (the CRT client cannot read s3proxy's CreateMultipartUpload answer).
        // Downloads: the CRT client's ranged GETs (the Java client's part-number GETs are not in s3proxy).
        try (S3AsyncClient javaClient = S3AsyncClient.builder().region(Region.of(sandbox.region()))
                .endpointOverride(sandbox.s3TlsEndpoint()).forcePathStyle(true).credentialsProvider(credentials)
                .multipartEnabled(true).multipartConfiguration(m -> m.minimumPartSizeInBytes(PART_SIZE).thresholdInBytes(PART_SIZE))
                .build();
             S3AsyncClient crtClient = S3AsyncClient.crtBuilder().region(Region.of(sandbox.region()))
                .endpointOverride(sandbox.s3TlsEndpoint()).forcePathStyle(true).credentialsProvider(credentials)
                .minimumPartSizeInBytes(PART_SIZE).maxConcurrency(CONCURRENCY).targetThroughputInGbps(20.0)
                // The CRT client cannot be handed a trust store: it skips the check, which changes no figure.
                .httpConfiguration(h -> h.trustAllCertificatesEnabled(true)).build();
             S3TransferManager tm = S3TransferManager.builder().s3Client(javaClient).build();
             S3TransferManager tmDownloads = S3TransferManager.builder().s3Client(crtClient).build()) {
            double[] ours = new double[rounds];
            double[] theirs = new double[rounds];
            double[] oursDown = new double[rounds];
            double[] theirsDown = new double[rounds];
            Callable<Double> oursUp = () -> (double) call(upload, connection, CUSTOMER_BUCKET, "bench/ours.bin", size, chunk, PART_SIZE,
                    CONCURRENCY);
            Callable<Double> tmUp = () -> seconds(() -> tm.upload(u -> u.putObjectRequest(p -> p.bucket(CUSTOMER_BUCKET).key("bench/tm.bin"))
                    .requestBody(AsyncRequestBody.fromInputStream(new Repeating(chunk, size), size, feed))).completionFuture().join());
            Callable<Double> oursDownload = () -> (double) call(download, connection, CUSTOMER_BUCKET, "bench/ours.bin", PART_SIZE,
                    CONCURRENCY);
            Callable<Double> tmDown = () -> seconds(() -> tmDownloads.download(DownloadRequest.builder()
                            .getObjectRequest(g -> g.bucket(CUSTOMER_BUCKET).key("bench/ours.bin"))
                            .responseTransformer(AsyncResponseTransformer.<GetObjectResponse>toPublisher()).build())
                    .completionFuture().thenCompose(result -> drain(result.result())).join());
            for (int r = -1; r < rounds; r++) {   // round -1 warms up both sides
                double[] up = pair(r, oursUp, tmUp);
                double[] down = pair(r, oursDownload, tmDown);
                if (r >= 0) {
                    ours[r] = size / 1e6 / up[0];
                    theirs[r] = size / 1e6 / up[1];
                    oursDown[r] = size / 1e6 / down[0];
                    theirsDown[r] = size / 1e6 / down[1];
                }
            }
            figures.add(figure("upload", ours, "MB/s", theirs, ">= 1.0"));
            figures.add(figure("download", oursDown, "MB/s", theirsDown, ">= 1.0"));
        } finally {
            feed.shutdownNow();
        }
    }

    static final List<String> FIGURES = List.of("upload", "download", "staging", "memory", "sts-calls");

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

    static final int STAGING_ROWS = 1_000_000;
    /** Staging warm-up rounds: our side runs on several threads through more code than the baseline and reaches full speed later. */
    static final int STAGING_WARMUPS = 5;
    static final String CHILD_HEAP = "-Xmx192m";

    /**
     * Peak heap of a 2 GiB upload+download against a 256 MiB one, each in its own JVM limited to
     * 192 MiB, against a sandbox that keeps objects on disk: memory must not grow with object size.
     */
    private static Figure memory(Path bundle, boolean quick) throws Exception {
        Path data = java.nio.file.Files.createTempDirectory("stageway-bench-");
        try (Sandbox sandbox = Sandbox.builder().dataDirectory(data).build()) {
            long small = peakHeap(bundle, sandbox, 256L * MIB);
            long large = peakHeap(bundle, sandbox, 2048L * MIB);
            return figure("memory", large / (double) MIB, "MiB", small / (double) MIB, "<= 1.1, 2 GiB with " + CHILD_HEAP);
        } finally {
            try (var files = java.nio.file.Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs {@code bench-transfer} in a child JVM; returns its peak heap in bytes. */
    private static long peakHeap(Path bundle, Sandbox sandbox, long bytes) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), CHILD_HEAP));
        SandboxCertificate.TRUST_PROPERTIES.forEach(p -> command.add("-D" + p + "=" + System.getProperty(p)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Stageway.class.getName(), "--plugin", bundle.toString(),
                "bench-transfer", String.valueOf(bytes)));
        connection(sandbox).forEach((k, v) -> command.add(k + "=" + v));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (child.waitFor() != 0) {
            throw new IllegalStateException("the " + bytes / MIB + " MiB transfer with " + CHILD_HEAP + " failed:\n" + output);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("peak-heap-bytes=(\\d+)").matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("the child JVM reported no peak heap:\n" + output);
        }
        return Long.parseLong(m.group(1));
    }

    /** The child side of the memory figure: upload and download {@code bytes} through the plugin, print the peak heap. */
    static int transfer(Path bundle, long bytes, Map<String, String> connection, PrintStream out) throws Exception {
        byte[] chunk = new byte[MIB];
        new Random(7).nextBytes(chunk);
        // Heap pools peak at different moments, so their peaks do not add up: sample the whole heap instead.
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try (PluginBundle plugin = PluginBundle.open(bundle, Bench.class.getClassLoader())) {
            Class<?> s3Bench = Class.forName("dev.stageway.s3.S3Bench", true, plugin.loader());
            call(s3Bench.getMethod("upload", Map.class, String.class, String.class, long.class, byte[].class, long.class, int.class),
                    connection, CUSTOMER_BUCKET, "bench/memory.bin", bytes, chunk, PART_SIZE, CONCURRENCY);
            call(s3Bench.getMethod("download", Map.class, String.class, String.class, long.class, int.class),
                    connection, CUSTOMER_BUCKET, "bench/memory.bin", PART_SIZE, CONCURRENCY);
        }
        sampler.interrupt();
        sampler.join();
        out.println("peak-heap-bytes=" + peak.get());
        return Stageway.OK;
    }

    /**
     * Records to staging files in S3 (MB/s of CSV) against the cores' worth of a single-thread
     * baseline: the fastest CSV encoder here (FastCSV) with the same gzip level, into a null sink.
     */
    @SuppressWarnings("unchecked")
    private static Figure staging(PluginBundle plugin, Map<String, String> connection, int rounds) throws Exception {
        Class<?> redshiftBench = Class.forName("dev.stageway.redshift.RedshiftBench", true, plugin.loader());
        List<Object[]> rows = (List<Object[]>) call(redshiftBench.getMethod("rows", int.class), STAGING_ROWS);
        int level = (int) call(redshiftBench.getMethod("gzipLevel"));
        Method staging = redshiftBench.getMethod("staging", Map.class, String.class, List.class, int.class);
        int cores = Runtime.getRuntime().availableProcessors();
        double[] ours = new double[rounds];
        double[] baseline = new double[rounds];
        for (int r = -STAGING_WARMUPS; r < rounds; r++) {
            double[] pair = pair(r, () -> {
                double[] result = (double[]) call(staging, connection, "s3://" + CUSTOMER_STAGING_BUCKET + "/bench-staging/", rows, 4);
                return result[1] / 1e6 / result[0];
            }, () -> singleThreadBaseline(rows, level) * cores);
            if (r >= 0) {
                ours[r] = pair[0];
                baseline[r] = pair[1];
            }
        }
        return figure("staging", ours, "MB/s", baseline, ">= 0.85");
    }

    /**
     * Both sides of a round: ours first in even rounds, the baseline first in odd ones, so neither
     * always runs second (after the other's garbage, on a warmer or busier machine).
     */
    private static double[] pair(int round, Callable<Double> ours, Callable<Double> baseline) throws Exception {
        if (round % 2 == 0) {
            double o = ours.call();
            return new double[] {o, baseline.call()};
        }
        double b = baseline.call();
        return new double[] {ours.call(), b};
    }

    private static double seconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /** FastCSV + gzip at {@code level} of the rows into a null sink, one thread; MB/s of CSV. */
    static double singleThreadBaseline(List<Object[]> rows, int level) throws java.io.IOException {
        long[] csvBytes = new long[1];
        long start = System.nanoTime();
        java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(java.io.OutputStream.nullOutputStream(), 64 * 1024) {
            {
                def.setLevel(level);
            }
        };
        java.io.OutputStream counting = new java.io.FilterOutputStream(gzip) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                csvBytes[0] += len;
                out.write(b, off, len);
            }
        };
        try (de.siegmar.fastcsv.writer.CsvWriter csv = de.siegmar.fastcsv.writer.CsvWriter.builder()
                .build(new java.io.OutputStreamWriter(counting, java.nio.charset.StandardCharsets.UTF_8))) {
            String[] fields = new String[rows.get(0).length];
            for (Object[] row : rows) {
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = row[i] == null ? null : row[i].toString();
                }
                csv.writeRecord(fields);
            }
        }
        return csvBytes[0] / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * A figure from rounds measured in pairs (see {@link #pair}): value and baseline
     * are medians, the ratio is the median of the rounds' own ratios, so a slow spell of this shared
     * machine that hits one round's pair does not skew the comparison.
     */
    private static Figure figure(String name, double[] ours, String unit, double[] baseline, String target) {
        double[] ratios = new double[ours.length];
        for (int i = 0; i < ours.length; i++) {
            ratios[i] = ours[i] / baseline[i];
        }
        return new Figure(name, median(ours), unit, median(baseline), median(ratios), target);
    }

    private static Figure figure(String name, double value, String unit, double baseline, String target) {
        return new Figure(name, value, unit, baseline, baseline == 0 ? 0 : value / baseline, target);
    }

    private static Map<String, String> connection(Sandbox sandbox) {
        Map<String, String> m = new TreeMap<>();
        m.put("aws.region", sandbox.region());
        m.put("aws.s3.endpoint", sandbox.s3TlsEndpoint().toString());
        m.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        m.put("aws.s3.path-style-access", "true");
        m.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        m.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        m.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        m.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        return m;
    }

    /** A job shorter than one session: read the uploaded object's folder as CSV lines and write them back. */
    private static Map<String, String> stsJob(Sandbox sandbox, Map<String, String> connection) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("source.connector", "s3");
        m.put("target.connector", "s3");
        connection.forEach((k, v) -> {
            m.put("source." + k, v);
            m.put("target." + k, v);
        });
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/bench-sts/in/");
        m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/bench-sts/out/");
        try (var admin = software.amazon.awssdk.services.s3.S3Client.builder().region(Region.of(sandbox.region()))
                .endpointOverride(sandbox.s3TlsEndpoint()).forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("bench-sts/in/a.csv"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("id\n1\n2\n"));
        }
        return m;
    }

    private static Object call(Method m, Object... args) throws Exception {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Consumes a download's bytes and discards them, as the connector's side does. */
    private static CompletableFuture<Void> drain(SdkPublisher<ByteBuffer> publisher) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<ByteBuffer>() {
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer b) {
                b.position(b.limit());
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }

    /** {@code total} bytes of {@code chunk} repeated, without holding them all. */
    static final class Repeating extends InputStream {
        private final byte[] chunk;
        private long left;
        private int pos;

        Repeating(byte[] chunk, long total) {
            this.chunk = chunk;
            this.left = total;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, left), chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos = (pos + n) % chunk.length;
            left -= n;
            return n;
        }
    }
}
