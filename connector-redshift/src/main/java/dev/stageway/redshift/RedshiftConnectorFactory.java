package dev.stageway.redshift;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyTable;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.S3Checks;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.spi.CheckStep;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.Split;
import dev.stageway.spi.TargetWrite;
import dev.stageway.spi.TaskWriter;
import dev.stageway.aws.AwsConnectorFactory;
import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.Leftovers;
import dev.stageway.spi.Leftover;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Redshift connector: loads through S3-staged COPY, reads through UNLOAD. */
public final class RedshiftConnectorFactory implements AwsConnectorFactory {

    @Override
    public String name() {
        return "redshift";
    }

    @Override
    public String description() {
        return "Loads Amazon Redshift tables through S3-staged COPY (append, truncate, upsert, delete) and reads them through UNLOAD.";
    }

    @Override
    public PropertyTable connectionProperties() {
        return RedshiftProperties.CONNECTION;
    }

    @Override
    public PropertyTable sourceProperties() {
        return RedshiftProperties.SOURCE;
    }

    @Override
    public PropertyTable targetProperties() {
        return RedshiftProperties.TARGET;
    }

    @Override
    public List<CheckStep> check(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource) {
        List<Problem> problems = asSource ? validateSource(connection, side) : validateTarget(connection, side);
        if (!problems.isEmpty()) {
            return CheckStep.ofProblems(problems);
        }
        List<CheckStep> steps = new ArrayList<>();
        try (RedshiftConnection cluster = RedshiftConnection.open(context, connection, side, 1)) {
            S3Checks.add(steps, cluster.s3(), cluster.stagingFolder(context.runId(), StagingLayout.CHECK), true, context.runId());
            S3Checks.lifecycle(steps, cluster.s3(), cluster.staging());
            if (!asSource) {
                RedshiftTarget target = RedshiftProperties.target(RedshiftProperties.TARGET.parse(side));
                S3Checks.step(steps, "dry-run COPY into " + target.table(), () -> DryRunCopy.run(cluster, target, context.runId()),
                        "a load's COPY reads the staging folder with the same authorisation: with redshift.copy-auth=iam-role the role "
                        + "must be attached to the cluster, trust redshift.amazonaws.com and read the staging folder (trust-policy "
                        + "--staging ... --redshift-role prints both); otherwise the connection's role must read it. The database "
                        + "user needs INSERT on the table (and, before the table exists, TEMP to stand one in for it)");
            }
            S3Checks.step(steps, "select 1 on "
                    + SqlRedactor.redact(RedshiftProperties.CONNECTION.parse(connection).get(RedshiftProperties.JDBC_URL)), () -> {
                try (Connection c = cluster.jdbc(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
                    r.next();
                    RedshiftConnection.Catalog catalog = cluster.catalog(c);
                    return "answered " + r.getInt(1) + "; " + (catalog.provisioned() ? catalog.slices() + " slices"
                            : "Serverless (no stv_slices; " + catalog.slices() + " staged files per load)");
                } catch (SQLException e) {
                    throw new StagewayException(ErrorKind.DATABASE, false, SqlRedactor.redact(e.getMessage()), null);
                }
            }, (RedshiftProperties.CONNECTION.parse(connection).get(RedshiftProperties.AUTH) == RedshiftProperties.Auth.IAM
                    ? "check redshift.jdbc-url and that the IAM login's user may use the database"
                    : "check redshift.jdbc-url, redshift.user and redshift.password") + ", and that the cluster accepts connections from here");
        } catch (RuntimeException e) {
            steps.add(CheckStep.failed("open the Redshift connection", e.getMessage(), "check the connection properties"));
        }
        return steps;
    }

    /**
     * What runs left under the staging path, as a source (UNLOAD) or a target (loads) alike:
     * uploads of staged files still open, then the folders of runs whose newest file is older.
     * Needs no database connection.
     */
    @Override
    public List<Leftover> cleanUp(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource,
                                  Instant before, boolean dryRun) {
        ConfigurationException.throwIfAny(asSource ? validateSource(connection, side) : validateTarget(connection, side));
        S3Location staging = S3Location.parse(RedshiftProperties.CONNECTION.parse(connection).get(RedshiftProperties.STAGING_PATH));
        try (S3Connection s3 = S3Connection.open(context, CsvObjectSource.settings(context, connection, side), 1)) {
            return Leftovers.staging(s3, staging, StagingLayout::folderOf, before, dryRun);
        }
    }

    @Override
    public SourcePlan planSource(RunContext context, Map<String, String> connection, Map<String, String> source) {
        ConfigurationException.throwIfAny(validateSource(connection, source));
        return RedshiftSource.plan(RedshiftConnection.open(context, connection, source, 1), context, query(source));
    }

    /** Planning UNLOADs the query to the staging path. */
    @Override
    public boolean planningCreates() {
        return true;
    }

    /** The query's columns, from the database's description of it: no UNLOAD. */
    @Override
    public Schema describeSource(RunContext context, Map<String, String> connection, Map<String, String> source) {
        ConfigurationException.throwIfAny(validateSource(connection, source));
        try (RedshiftConnection cluster = RedshiftConnection.open(context, connection, source, 1)) {
            return RedshiftSource.describe(cluster, query(source));
        }
    }

    /** The source's query: {@code redshift.query}, or all of {@code redshift.table}. */
    private static String query(Map<String, String> source) {
        ParsedProperties p = RedshiftProperties.SOURCE.parse(source);
        // A trailing ';' is natural to type but not allowed inside UNLOAD ('...').
        return p.find(RedshiftProperties.QUERY).map(q -> q.strip().replaceAll(";+\\s*$", ""))
                .orElseGet(() -> "SELECT * FROM " + p.get(RedshiftProperties.TABLE));
    }

    @Override
    public SourceReader openReader(RunContext context, Map<String, String> connection, Map<String, String> source, Split split) {
        ConfigurationException.throwIfAny(validateSource(connection, source));
        // The split names its objects: the folder serves only their bucket, which is the staging path's.
        S3Location staging = S3Location.parse(RedshiftProperties.CONNECTION.parse(connection).get(RedshiftProperties.STAGING_PATH));
        return RedshiftSource.unloaded(staging).open(context, CsvObjectSource.settings(context, connection, source), split);
    }

    @Override
    public TargetWrite openWrite(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema) {
        List<Problem> problems = new ArrayList<>(validateTarget(connection, target));
        if (problems.isEmpty()) {
            ParsedProperties p = RedshiftProperties.TARGET.parse(target);
            for (String key : RedshiftProperties.keyColumns(p)) {
                if (schema.indexOf(key) < 0) {
                    problems.add(Problem.of(RedshiftProperties.KEY_COLUMNS.name(), "names column " + key
                            + ", which the records do not have; they have " + schema.columns().stream().map(c -> c.name()).toList()));
                }
            }
        }
        ConfigurationException.throwIfAny(problems);
        RedshiftTarget options = RedshiftProperties.target(RedshiftProperties.TARGET.parse(target));
        return new RedshiftWrite(RedshiftConnection.open(context, connection, target, RedshiftWrite.CONCURRENCY), connection, options, schema,
                context);
    }

    /** A task writer of a load coordinated elsewhere: it stages only, into the folder the coordinator's plan names. */
    @Override
    public TaskWriter openTaskWriter(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema,
                                     Map<String, String> taskPlan, int task, int attempt) {
        ConfigurationException.throwIfAny(validateTarget(connection, target));
        return RedshiftWrite.taskWriter(context, connection, target, schema, taskPlan, task, attempt);
    }

    /** The table's rows replaced in the load transaction: {@code redshift.load-mode=truncate}, unless another mode is asked for. */
    @Override
    public Map<String, String> replacing(Map<String, String> target) {
        return RedshiftProperties.replacing(target);
    }
}
