package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.pair;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_STAGING_BUCKET;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.bench.StagingBench;
import java.util.List;
import java.util.Map;

/** The staging figure: the plugin's Redshift staging against what the cores could encode and compress with nothing else to do. */
final class StagingBaseline {
    static final int ROWS = 1_000_000;
    /** Warm-up rounds: our side runs on several threads through more code than the baseline and reaches full speed later. */
    static final int WARMUPS = 5;

    private StagingBaseline() {
    }

    /**
     * Records to staging files in S3 (MB/s of CSV) against the cores' worth of a single-thread
     * baseline: the fastest CSV encoder here (FastCSV) with the same gzip level, into a null sink.
     */
    static Figure measure(StagingBench staging, Map<String, String> connection, int rounds) throws Exception {
        List<Object[]> rows = staging.rows(ROWS);
        int level = staging.gzipLevel();
        int cores = Runtime.getRuntime().availableProcessors();
        double[] ours = new double[rounds];
        double[] baseline = new double[rounds];
        for (int r = -WARMUPS; r < rounds; r++) {
            double[] pair = pair(r, () -> {
                double[] result = staging.staging(connection, "s3://" + CUSTOMER_STAGING_BUCKET + "/bench-staging/", rows, 4);
                return result[1] / 1e6 / result[0];
            }, () -> singleThreadBaseline(rows, level) * cores);
            if (r >= 0) {
                ours[r] = pair[0];
                baseline[r] = pair[1];
            }
        }
        return figure("staging", ours, "MB/s", baseline, ">= 0.85");
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

}
