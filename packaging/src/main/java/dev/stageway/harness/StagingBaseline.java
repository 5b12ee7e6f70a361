package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.rounds;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_STAGING_BUCKET;

import de.siegmar.fastcsv.writer.CsvWriter;
import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.bench.StagingBench;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

/** The staging figure: the plugin's Redshift staging against what the cores could encode and compress with nothing else to do. */
final class StagingBaseline {
    static final int ROWS = 1_000_000;
    /** Warm-up rounds: our side runs on several threads through more code than the baseline and reaches full speed later. */
    static final int WARMUPS = 5;

    private StagingBaseline() {
    }

    /**
     * Records to staging files in S3 (MB/s of CSV) against the fastest CSV encoder here (FastCSV)
     * with the same gzip level into a null sink, on as many threads at once as there are cores.
     */
    static Figure measure(StagingBench staging, Map<String, String> connection, int rounds) throws Exception {
        List<Object[]> rows = staging.rows(ROWS);
        int level = staging.gzipLevel();
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService threads = Executors.newFixedThreadPool(cores);
        try {
            double[][] values = rounds(WARMUPS, rounds, () -> {
                double[] result = staging.staging(connection, "s3://" + CUSTOMER_STAGING_BUCKET + "/bench-staging/", rows, 4);
                return result[1] / 1e6 / result[0];
            }, () -> baseline(rows, level, threads, cores));
            return figure("staging", values[0], "MB/s", values[1], ">= 0.85");
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The rows cut into {@code shares} runs of consecutive rows, each encoded and compressed on a
     * thread of its own, all at once; MB/s of CSV. Measured together rather than one thread's speed
     * times the cores: cores share caches and memory, and two such threads here reach only about
     * 0.9 of twice one.
     */
    static double baseline(List<Object[]> rows, int level, ExecutorService threads, int shares) throws IOException {
        long start = System.nanoTime();
        List<Future<Long>> running = new ArrayList<>();
        for (int s = 0; s < shares; s++) {
            List<Object[]> share = rows.subList(s * rows.size() / shares, (s + 1) * rows.size() / shares);
            running.add(threads.submit(() -> encode(share, level)));
        }
        long csvBytes = 0;
        try {
            for (Future<Long> f : running) {
                csvBytes += f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        return csvBytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    /** FastCSV + gzip at {@code level} of the rows into a null sink; the CSV bytes written. */
    private static long encode(List<Object[]> rows, int level) throws IOException {
        long[] csvBytes = new long[1];
        GZIPOutputStream gzip = new GZIPOutputStream(OutputStream.nullOutputStream(), 64 * 1024) {
            {
                def.setLevel(level);
            }
        };
        OutputStream counting = new FilterOutputStream(gzip) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                csvBytes[0] += len;
                out.write(b, off, len);
            }
        };
        try (CsvWriter csv = CsvWriter.builder().build(new OutputStreamWriter(counting, StandardCharsets.UTF_8))) {
            String[] fields = new String[rows.get(0).length];
            for (Object[] row : rows) {
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = row[i] == null ? null : row[i].toString();
                }
                csv.writeRecord(fields);
            }
        }
        return csvBytes[0];
    }
}
