package dev.stageway.redshift;

import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.RoleSessions;
import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.bench.StagingBench;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The Redshift connector's side of {@code stageway bench}: the rows it measures with, and one timed
 * staging of them (records to gzip CSV files in S3, as a load stages them). JDK types only at its
 * surface, so a host can call it across the plugin's class loader. Not an API for loading data.
 */
public final class RedshiftBench implements StagingBench {

    static final Schema SCHEMA = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.BIGINT)),
            Column.of("customer", ColumnType.string()), Column.of("amount", ColumnType.decimal(12, 2)),
            Column.of("day", ColumnType.of(ColumnType.Kind.DATE)), Column.of("at", ColumnType.of(ColumnType.Kind.TIMESTAMP)),
            Column.of("paid", ColumnType.of(ColumnType.Kind.BOOLEAN)), Column.of("score", ColumnType.of(ColumnType.Kind.DOUBLE)),
            Column.of("quantity", ColumnType.of(ColumnType.Kind.INTEGER)), Column.of("city", ColumnType.string()),
            Column.of("note", ColumnType.string()));

    static final String[] CITIES = {"Lisboa", "Zürich", "Kraków", "München", "São Paulo", "Tōkyō", "Oslo", "Dublin"};

    @Override
    public List<Object[]> rows(int count) {
        List<Object[]> rows = new ArrayList<>(count);
        LocalDate day = LocalDate.of(2026, 1, 1);
        LocalDateTime at = LocalDateTime.of(2026, 1, 1, 0, 0);
        for (int i = 0; i < count; i++) {
            rows.add(new Object[] {(long) i, "customer-" + (i % 10_007), BigDecimal.valueOf(i * 37L % 10_000_000, 2),
                    day.plusDays(i % 1000), at.plusSeconds(i * 7L), i % 3 == 0, (i % 1000) / 7.0, i % 500,
                    CITIES[i % CITIES.length], i % 5 == 0 ? null : "order \"" + i + "\", priority " + (i % 4)});
        }
        return rows;
    }

    @Override
    public int gzipLevel() {
        return StagingFiles.GZIP_LEVEL;
    }

    @Override
    public double[] staging(Map<String, String> connection, String stagingFolder, List<Object[]> rows, int files) throws Exception {
        try (RoleSessions sessions = new RoleSessions();
             S3Connection s3 = S3Connection.open(new RunContext("bench", sessions), AwsSettings.parse(connection, Map.of(), "bench"), 4)) {
            ExecutorService pool = Transfers.pool("bench-staging", RedshiftWrite.CONCURRENCY);
            try {
                long start = System.nanoTime();
                StagingFiles staging = new StagingFiles(s3, S3Location.parse(stagingFolder), SCHEMA, StagingFiles.Widths.of(SCHEMA, List.of(), false),
                        ObjectOptions.PLAIN, files, RedshiftWrite.PART_SIZE,
                        RedshiftWrite.CONCURRENCY, pool);
                for (int i = 0; i < rows.size(); i += 10_000) {
                    staging.write(new RecordBatch(SCHEMA, rows.subList(i, Math.min(rows.size(), i + 10_000))));
                }
                staging.publish();
                double seconds = (System.nanoTime() - start) / 1e9;
                staging.delete();
                return new double[] {seconds, staging.csvBytes()};
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
