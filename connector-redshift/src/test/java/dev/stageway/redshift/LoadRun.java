package dev.stageway.redshift;

import static dev.stageway.redshift.RedshiftFixture.props;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.testkit.Sandbox;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the figures of one load and one read on the Redshift stand-in: rows, files staged,
 * bytes, times. Run:
 * {@code ./mvnw -q -pl connector-redshift exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.stageway.redshift.LoadRun -Dexec.args=200000}
 */
public final class LoadRun {
    private LoadRun() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Schema schema = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.BIGINT)), Column.of("customer", ColumnType.string()),
                Column.of("total", ColumnType.decimal(12, 2)), Column.of("day", ColumnType.of(ColumnType.Kind.DATE)),
                Column.of("at", ColumnType.of(ColumnType.Kind.TIMESTAMP)));
        long t0 = System.nanoTime();
        try (RedshiftFixture fx = new RedshiftFixture(Sandbox.builder().withRedshift().build())) {
            System.out.printf("sandbox with Redshift stand-in up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            long start = System.nanoTime();
            RunSummary s;
            try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), fx.connection(), props("redshift.table", "orders"), schema)) {
                List<Object[]> batch = new ArrayList<>();
                for (int i = 0; i < rows; i++) {
                    batch.add(new Object[] {(long) i, "customer-" + (i % 9973), BigDecimal.valueOf(i % 100_000, 2),
                            LocalDate.of(2026, 1, 1).plusDays(i % 365), LocalDateTime.of(2026, 1, 1, 0, 0).plusSeconds(i)});
                    if (batch.size() == 10_000) {
                        w.write(new RecordBatch(schema, batch));
                        batch = new ArrayList<>();
                    }
                }
                w.write(new RecordBatch(schema, batch));
                s = w.commit();
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("load: %d rows, %d files staged, %.1f MB staged (gzip), %d rows loaded by COPY, %d STS calls, %.2f s "
                            + "(%.0f rows/s)%n", s.rows(), s.details().get("files staged"), s.bytes() / 1e6, s.details().get("rows loaded"),
                    s.details().get("sts calls"), loadSeconds, s.rows() / loadSeconds);
            start = System.nanoTime();
            long read = fx.read(fx.connection(), props("redshift.table", "orders")).size();
            double readSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("read through UNLOAD: %d rows, %.2f s (%.0f rows/s)%n", read, readSeconds, read / readSeconds);
        }
    }
}
