package dev.stageway.redshift;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.redshift.RedshiftProperties.LoadMode;
import dev.stageway.s3.Transfers;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TargetWriter;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads records into a Redshift table: they are staged as gzip CSV files in S3 while they
 * arrive; at commit one transaction runs pre-SQL, creates the table when missing, COPYs (into a
 * temporary staging table for upsert and delete), applies the load mode and runs post-SQL. Any
 * failure rolls all of it back, so the table is exactly as it was, and names the rejected
 * record's file, line, column and reason from stl_load_errors.
 */
public final class RedshiftTargetWriter implements TargetWriter {
    private static final Logger LOG = LoggerFactory.getLogger(RedshiftTargetWriter.class);
    static final long PART_SIZE = 8L * 1024 * 1024;
    static final int CONCURRENCY = 4;
    /** Default staged files at most: one per slice, but each filling file may hold a part (8 MiB) of memory. */
    static final int DEFAULT_FILES_CAP = 32;
    private static final Pattern PART = Pattern.compile("part-(\\d+)\\.csv\\.gz");

    /** What a target needs from its properties. */
    record Options(String table, LoadMode mode, List<String> keys, Optional<String> preSql, Optional<String> postSql,
                   Optional<Integer> stagingFiles) {
    }

    private final RedshiftConnection cluster;
    private final Options options;
    private final Schema schema;
    private final String runId;
    private final ExecutorService pool;
    private final StagingFiles staging;
    private boolean done;

    RedshiftTargetWriter(RedshiftConnection cluster, Options options, Schema schema, String runId) {
        this.cluster = cluster;
        this.options = options;
        this.schema = schema;
        this.runId = runId;
        this.pool = Transfers.pool("stageway-redshift-staging", CONCURRENCY);
        try (Connection c = cluster.jdbc()) {
            checkStagingAccess();
            int files = options.stagingFiles().orElse(Math.min(cluster.slices(c), DEFAULT_FILES_CAP));
            this.staging = new StagingFiles(cluster.s3(), cluster.stagingFolder(runId, "load"), schema, files, PART_SIZE, CONCURRENCY, pool);
        } catch (SQLException e) {
            release();
            throw database("read the cluster's slices", e);
        } catch (IOException | RuntimeException e) {
            release();
            throw e instanceof StagewayException se ? se : new StagewayException(ErrorKind.STORAGE, false,
                    "Cannot start staging in " + cluster.stagingFolder(runId, "load") + ": " + e.getMessage(), e);
        }
    }

    /** Fails before any record is staged when the connection's identity cannot use the staging folder. */
    private void checkStagingAccess() {
        var folder = cluster.stagingFolder(runId, "load");
        try {
            cluster.s3().client().listObjectsV2(b -> b.bucket(folder.bucket()).prefix(folder.prefix()).maxKeys(1));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new StagewayException(ErrorKind.AUTHENTICATION, false, "Cannot use the staging folder " + folder + " (redshift."
                    + "staging-path) as " + cluster.s3().identityArn().orElse(cluster.s3().credentials().strategy().describe())
                    + ": " + e.getMessage(), null);
        }
    }

    @Override
    public void write(RecordBatch batch) {
        checkOpen();
        try {
            staging.write(batch);
        } catch (IOException e) {
            abort(e);
            throw new StagewayException(ErrorKind.STORAGE, false, "Cannot stage records in " + cluster.stagingFolder(runId, "load")
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abort(e);
            throw e;
        }
    }

    @Override
    public RunSummary commit() {
        checkOpen();
        boolean succeeded = false;
        try {
            String manifest;
            try {
                manifest = staging.publish();
            } catch (IOException | RuntimeException e) {
                staging.abort();
                throw e instanceof StagewayException se ? se : new StagewayException(ErrorKind.STORAGE, false,
                        "Cannot stage records in " + cluster.stagingFolder(runId, "load") + ": " + e.getMessage(), e);
            }
            long loaded = load(manifest);
            succeeded = true;
            return new RunSummary(staging.rows(), 0, staging.bytes(), Map.of("files staged", (long) staging.files(),
                    "rows loaded", loaded, "sts calls", cluster.s3().credentials().stsCalls()));
        } finally {
            if (succeeded || !cluster.keepStagingOnFailure()) {
                staging.delete();
            } else {
                LOG.warn("Load into {} failed; staged files kept in {}", options.table(), cluster.stagingFolder(runId, "load"));
            }
            release();
        }
    }

    /** The whole load in one transaction; returns the rows COPY reported. */
    private long load(String manifest) {
        String step = "connect";
        try (Connection c = cluster.jdbc()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (options.preSql().isPresent()) {
                    step = "run redshift.pre-sql";
                    s.execute(options.preSql().get());
                }
                if (!tableExists(c)) {
                    step = "create the table";
                    s.execute(RedshiftStatements.createTable(options.table(), schema, staging.maxStringBytes()));
                }
                String stage = "stageway_stage_" + Integer.toHexString(runId.hashCode());
                String into = options.table();
                if (options.mode() == LoadMode.UPSERT || options.mode() == LoadMode.DELETE) {
                    step = "create the staging table";
                    s.execute(RedshiftStatements.createStage(stage, options.table()));
                    into = stage;
                }
                if (options.mode() == LoadMode.TRUNCATE) {
                    step = "empty the table";
                    s.execute(RedshiftStatements.deleteAll(options.table()));
                }
                step = "COPY";
                long loaded = s.executeLargeUpdate(RedshiftStatements.copy(into, schema, manifest, cluster.authorization(),
                        cluster.region()));
                if (options.mode() == LoadMode.UPSERT || options.mode() == LoadMode.DELETE) {
                    step = "delete the matching rows";
                    s.execute(RedshiftStatements.deleteMatching(options.table(), stage, options.keys()));
                }
                if (options.mode() == LoadMode.UPSERT) {
                    step = "insert the staged rows";
                    s.execute(RedshiftStatements.insertFromStage(options.table(), stage, schema));
                }
                if (options.postSql().isPresent()) {
                    step = "run redshift.post-sql";
                    s.execute(options.postSql().get());
                }
                step = "commit";
                c.commit();
                return loaded;
            } catch (SQLException e) {
                rollback(c);
                if (step.equals("COPY")) {
                    throw loadFailure(c, e);
                }
                throw database(step + " of the load into " + options.table() + " (rolled back; the table is unchanged)", e);
            }
        } catch (SQLException e) {
            throw database(step + " of the load into " + options.table(), e);
        }
    }

    private boolean tableExists(Connection c) throws SQLException {
        String[] parts = options.table().toLowerCase(java.util.Locale.ROOT).split("\\.");
        String schemaName = parts.length == 2 ? parts[0] : "public";
        String name = parts[parts.length - 1];
        try (PreparedStatement p = c.prepareStatement(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?")) {
            p.setString(1, schemaName);
            p.setString(2, name);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    /** The COPY failed: name the rejected record from stl_load_errors (it survives the rollback, as in Redshift). */
    private StagewayException loadFailure(Connection c, SQLException e) {
        String folder = "s3://" + cluster.stagingFolder(runId, "load").bucket() + "/" + cluster.stagingFolder(runId, "load").prefix();
        List<String> details = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT TRIM(filename), line_number, TRIM(colname), TRIM(err_reason), "
                + "TRIM(raw_field_value) FROM stl_load_errors WHERE filename LIKE ? ORDER BY starttime DESC LIMIT 5")) {
            p.setString(1, folder + "%");
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    String file = r.getString(1);
                    long line = r.getLong(2);
                    Matcher m = PART.matcher(file);
                    String record = m.find() ? "record " + staging.record(Integer.parseInt(m.group(1)) - 1, line) + " ("
                            + file + ", line " + line + ")" : file + ", line " + line;
                    details.add(record + ", column " + r.getString(3) + ": " + r.getString(4) + " (value '" + r.getString(5) + "')");
                }
            }
            c.commit();
        } catch (SQLException lookup) {
            details.add("the load errors could not be read: " + SqlRedactor.redact(lookup.getMessage()));
        }
        String what = details.isEmpty() ? SqlRedactor.redact(e.getMessage()) : String.join("; ", details);
        return new StagewayException(ErrorKind.DATA, false, "Cannot load into " + options.table() + ": Redshift rejected " + what
                + ". Nothing was loaded; the table is unchanged." + (cluster.keepStagingOnFailure()
                ? " The staged files are kept in " + folder + "." : ""), null);
    }

    private static StagewayException database(String action, SQLException e) {
        return new StagewayException(ErrorKind.DATABASE, false, "Cannot " + action + ": " + SqlRedactor.redact(e.getMessage())
                + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), null);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is going back to the pool as broken; the load's own error is what matters.
        }
    }

    @Override
    public void abort(Throwable cause) {
        if (done) {
            return;
        }
        staging.abort();
        release();
    }

    @Override
    public void close() {
        if (!done) {
            abort(null);
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the Redshift writer is already committed or aborted");
        }
    }

    private void release() {
        done = true;
        pool.shutdownNow();
        cluster.close();
    }
}
