package dev.stageway.harness;

import static dev.stageway.harness.Bench.CONCURRENCY;
import static dev.stageway.harness.Bench.MIB;
import static dev.stageway.harness.Bench.PART_SIZE;
import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.bench.TransferBench;
import dev.stageway.testkit.Sandbox;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The memory figure: the peak heap of the plugin's transfers, each run in a child JVM with a small heap. */
final class HeapProbe {
    static final String CHILD_HEAP = "-Xmx192m";

    private HeapProbe() {
    }

    /**
     * Peak heap of a 2 GiB upload+download against a 256 MiB one, each in its own JVM limited to
     * 192 MiB, against a sandbox that keeps objects on disk: memory must not grow with object size.
     */
    static Figure measure(Path bundle, Map<String, String> connection) throws Exception {
        Path data = java.nio.file.Files.createTempDirectory("stageway-bench-");
        try (Sandbox sandbox = Sandbox.builder().dataDirectory(data).build()) {
            Map<String, String> here = Demo.endpoints(sandbox, connection);
            long small = peakHeap(bundle, here, 256L * MIB);
            long large = peakHeap(bundle, here, 2048L * MIB);
            return figure("memory", large / (double) MIB, "MiB", small / (double) MIB, "<= 1.1, 2 GiB with " + CHILD_HEAP);
        } finally {
            try (var files = java.nio.file.Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs {@code bench-transfer} in a child JVM; returns its peak heap in bytes. */
    private static long peakHeap(Path bundle, Map<String, String> connection, long bytes) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), CHILD_HEAP));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Stageway.class.getName(), "--plugin", bundle.toString(),
                "bench-transfer", String.valueOf(bytes)));
        connection.forEach((k, v) -> command.add(k + "=" + v));
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
    static int child(Path bundle, long bytes, Map<String, String> connection, PrintStream out) throws Exception {
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
        try (PluginBundle plugin = PluginBundle.open(bundle, HeapProbe.class.getClassLoader())) {
            TransferBench transfers = plugin.service(TransferBench.class);
            transfers.upload(connection, CUSTOMER_BUCKET, "bench/memory.bin", bytes, chunk, PART_SIZE, CONCURRENCY);
            transfers.download(connection, CUSTOMER_BUCKET, "bench/memory.bin", PART_SIZE, CONCURRENCY);
        }
        sampler.interrupt();
        sampler.join();
        out.println("peak-heap-bytes=" + peak.get());
        return Stageway.OK;
    }

}
