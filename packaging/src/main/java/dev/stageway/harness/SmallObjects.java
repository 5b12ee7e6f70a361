package dev.stageway.harness;

import static dev.stageway.harness.Bench.CONCURRENCY;
import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.rounds;
import static dev.stageway.harness.BenchStatistics.seconds;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.ConnectorRuntime;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.Split;
import dev.stageway.testkit.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/**
 * The small-objects figure: the S3 source reading a folder of many 16 KiB CSV objects, against
 * the Transfer Manager downloading the same folder to disk, both at {@link Bench#CONCURRENCY}
 * requests at once. On S3 each request waits tens of milliseconds for its first byte, so this
 * measures how well a reader keeps requests in flight, not bandwidth.
 */
final class SmallObjects {
    private SmallObjects() {
    }

    static final int OBJECT_BYTES = 16 * 1024;
    private static final String PREFIX = "bench-small/";

    static Figure measure(Sandbox sandbox, PluginBundle plugin, Map<String, String> connection, int objects, int rounds)
            throws Exception {
        Path downloads = Files.createTempDirectory("stageway-bench-small");
        ConnectorFactory s3 = plugin.connector("connector", "s3");
        // A runtime of its own: the role session it caches is not the one the sts-calls figure counts.
        try (S3AsyncClient crt = TransferBaseline.crtClient(sandbox);
             S3TransferManager tm = S3TransferManager.builder().s3Client(crt).build();
             ConnectorRuntime runtime = s3.newRuntime()) {
            put(sandbox, crt, objects);
            RunContext context = new RunContext("bench-small-objects", runtime);
            Map<String, String> source = Map.of("s3.folder-path", CUSTOMER_BUCKET + "/" + PREFIX,
                    "s3.multipart.concurrency", Integer.toString(CONCURRENCY));
            Callable<Double> ours = () -> seconds(() -> read(s3, context, connection, source));
            AtomicInteger round = new AtomicInteger();
            Callable<Double> theirs = () -> seconds(() -> {
                Path into = downloads.resolve("round-" + round.incrementAndGet());   // a new one each round: nothing to replace
                var done = tm.downloadDirectory(d -> d.bucket(CUSTOMER_BUCKET).destination(into)
                        .listObjectsV2RequestTransformer(l -> l.prefix(PREFIX))).completionFuture().join();
                if (!done.failedTransfers().isEmpty()) {
                    throw new IllegalStateException("the Transfer Manager failed to download "
                            + done.failedTransfers().get(0).request().getObjectRequest().key(), done.failedTransfers().get(0).exception());
                }
            });
            double[][] seconds = rounds(rounds, ours, theirs);
            return figure("small-objects", Arrays.stream(seconds[0]).map(t -> objects / t).toArray(), "obj/s",
                    Arrays.stream(seconds[1]).map(t -> objects / t).toArray(), ">= 1.0");
        } finally {
            delete(downloads);
            Bench.remove(sandbox, PREFIX);
        }
    }

    /** Plans the folder and reads every split to its end, as a run with one task does. */
    private static void read(ConnectorFactory s3, RunContext context, Map<String, String> connection, Map<String, String> source) {
        try (SourcePlan plan = s3.planSource(context, connection, source)) {
            for (Split split : plan.splits()) {
                try (SourceReader reader = s3.openReader(context, connection, source, split)) {
                    while (reader.next().isPresent()) {
                        // Records are read and dropped: the figure is the reading.
                    }
                }
            }
        }
    }

    /** The folder's objects: each one header and rows up to 16 KiB. Written with shaping off, since only reads are measured. */
    private static void put(Sandbox sandbox, S3AsyncClient client, int objects) {
        StringBuilder csv = new StringBuilder("id,payload\n");
        for (int row = 0; csv.length() < OBJECT_BYTES - 80; row++) {
            csv.append(row).append(",value of row ").append(row).append(" with some text to carry\n");
        }
        byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);
        Bench.unshaped(sandbox, () -> {
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < objects; i++) {
                String key = PREFIX + String.format("part-%05d.csv", i);
                puts.add(client.putObject(p -> p.bucket(CUSTOMER_BUCKET).key(key), AsyncRequestBody.fromBytes(body)));
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
        });
    }

    private static void delete(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
