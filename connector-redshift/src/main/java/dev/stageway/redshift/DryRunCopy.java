package dev.stageway.redshift;

import dev.stageway.aws.AwsFailures;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The connection check's proof that a load would get through: an empty file staged as a load
 * stages its files, then {@code COPY ... NOLOAD} of it into the target table (or, before the
 * table exists, a temporary one) with exactly a load's statement and authorisation (temporary
 * credentials or IAM_ROLE). It exercises the staging folder's permissions, the cluster role's
 * trust and the COPY options, and loads nothing; the staged file is removed after.
 */
final class DryRunCopy {
    private DryRunCopy() {
    }

    private static final String STAND_IN_TABLE = "stageway_dry_run";

    static String run(RedshiftConnection cluster, RedshiftTarget options, String runId) {
        S3Location folder = cluster.stagingFolder(runId, StagingLayout.CHECK);
        String file = folder.key(StagingLayout.DRY_RUN_FILE);
        String manifest = folder.key(StagingLayout.DRY_RUN_MANIFEST);
        try {
            byte[] empty = emptyGzip();
            String url = folder.url(StagingLayout.DRY_RUN_FILE);
            cluster.putObject(folder, file, RequestBody.fromBytes(empty));
            cluster.putObject(folder, manifest, RequestBody.fromString("{\"entries\":[{\"url\":\""
                    + url + "\",\"mandatory\":true,\"meta\":{\"content_length\":" + empty.length + "}}]}"));
            try (Connection c = cluster.jdbc(); Statement s = c.createStatement()) {
                List<Column> columns = columns(c, options.table());
                String table = options.table();
                if (columns.isEmpty()) {
                    s.execute("CREATE TEMP TABLE " + STAND_IN_TABLE + " (c VARCHAR(1))");
                    table = STAND_IN_TABLE;
                    columns = List.of(Column.of("c", ColumnType.string()));
                }
                s.executeUpdate(RedshiftStatements.copy(table, new Schema(columns), folder.url(StagingLayout.DRY_RUN_MANIFEST),
                        cluster.authorization(), cluster.region(), RedshiftStatements.STAGED_FORMAT, options.maxRejected(), options.truncate())
                        + " NOLOAD");
                return "COPY " + table + " ... NOLOAD of a staged file passed with " + (cluster.copiesWithIamRole()
                        ? "the cluster's IAM role" : "the session's temporary credentials") + "; nothing was loaded";
            } catch (SQLException e) {
                throw new StagewayException(ErrorKind.DATABASE, false, SqlRedactor.redact(e.getMessage()), null);
            }
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "stage the dry run's file in " + folder, cluster.s3());
        } finally {
            cluster.removeFolder(folder, List.of(file, manifest));
        }
    }

    /**
     * A table's columns, in order, as strings (only their names matter here, and the width of
     * those that are VARCHAR or CHAR); none when it does not exist.
     */
    static List<Column> columns(Connection c, String table) throws SQLException {
        String[] parts = table.toLowerCase(java.util.Locale.ROOT).split("\\.");
        List<Column> columns = new ArrayList<>();
        // An unqualified name is the session's, as the load's statements resolve it: the first schema of its search_path.
        try (PreparedStatement p = c.prepareStatement("SELECT column_name, character_maximum_length FROM information_schema.columns "
                + "WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ? ORDER BY ordinal_position")) {
            p.setString(1, parts.length == 2 ? parts[0] : null);
            p.setString(2, parts[parts.length - 1]);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    int width = r.getInt(2);
                    columns.add(Column.of(r.getString(1), width > 0 ? ColumnType.string(width) : ColumnType.string()));
                }
            }
        }
        return columns;
    }

    private static byte[] emptyGzip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
