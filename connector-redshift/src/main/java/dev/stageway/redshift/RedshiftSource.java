package dev.stageway.redshift;

import dev.stageway.csv.CsvOptions;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.transfer.Compression;
import dev.stageway.s3.transfer.CsvObjectReader;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.Glob;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourcePlan;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A table or query as a source: planning UNLOADs it (CSV, header, gzip) to the run's staging
 * folder, and the unloaded files are then a CSV object source, split as S3 splits are. Closing the
 * plan removes the unloaded files.
 */
final class RedshiftSource {
    private static final long SPLIT_BYTES = 128L * 1024 * 1024;
    private static final long PART_SIZE = 8L * 1024 * 1024;
    private static final int CONCURRENCY = 4;
    private static final long DOWNLOAD_THRESHOLD = 10L * 1024 * 1024;

    private RedshiftSource() {
    }

    /** What UNLOAD writes below the staging path: gzip CSV with a header, NULL as Redshift's marker, parts named {@code *_part_*}. */
    static CsvObjectSource unloaded(S3Location folder) {
        return new CsvObjectSource(folder, Glob.compile("*_part_*"), SPLIT_BYTES, new CsvObjectReader.Options(folder.bucket(),
                Compression.GZIP, PART_SIZE, CONCURRENCY, DOWNLOAD_THRESHOLD, false, "UNLOAD wrote a row the reader cannot read",
                new CsvOptions(',', '"', RedshiftStatements.NULL_MARKER, true, StandardCharsets.UTF_8), List.of()),
                "the source's files are an UNLOAD's, read as records");
    }

    /**
     * The columns UNLOAD would write for {@code query} (in its header, each read as a string), as
     * the database describes the query without running it.
     */
    static Schema describe(RedshiftConnection cluster, String query) {
        try (Connection c = cluster.jdbc(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT * FROM (" + query + ") AS described LIMIT 0")) {
            ResultSetMetaData m = r.getMetaData();
            List<Column> columns = new ArrayList<>();
            for (int i = 1; i <= m.getColumnCount(); i++) {
                columns.add(Column.of(m.getColumnLabel(i), ColumnType.string()));
            }
            return new Schema(columns);
        } catch (SQLException e) {
            throw new StagewayException(ErrorKind.DATABASE, false, "Cannot describe " + SqlRedactor.redact(query) + ": "
                    + SqlRedactor.redact(e.getMessage()), null);
        }
    }

    /** UNLOADs {@code query} and plans its files; {@code cluster} is closed when the plan is. */
    static SourcePlan plan(RedshiftConnection cluster, RunContext context, String query) {
        S3Location folder = cluster.stagingFolder(context.runId(), StagingLayout.UNLOAD);
        String prefix = folder.toString();
        Runnable cleanup = () -> {
            try {
                cluster.removeFolder(folder, List.of());
            } finally {
                cluster.close();
            }
        };
        try (Connection c = cluster.jdbc(); Statement s = c.createStatement()) {
            s.execute(RedshiftStatements.unload(query, prefix, cluster.authorization(), cluster.region(), cluster.stagingObjects()));
        } catch (SQLException e) {
            cleanup.run();
            throw new StagewayException(ErrorKind.DATABASE, false, "Cannot UNLOAD " + SqlRedactor.redact(query) + " to " + prefix
                    + ": " + SqlRedactor.redact(e.getMessage()), null);
        } catch (RuntimeException e) {
            cleanup.run();
            throw e;
        }
        try {
            return unloaded(folder).plan(context, cluster.aws(), cleanup);
        } catch (RuntimeException e) {
            cleanup.run();
            throw e;
        }
    }
}
