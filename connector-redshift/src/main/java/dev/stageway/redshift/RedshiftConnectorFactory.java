package dev.stageway.redshift;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyTable;
import dev.stageway.aws.RoleSessions;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.S3Checks;
import dev.stageway.spi.CheckStep;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.ConnectorRuntime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.TargetWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Redshift connector: loads through S3-staged COPY, reads through UNLOAD. */
public final class RedshiftConnectorFactory implements ConnectorFactory {

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
    public ConnectorRuntime newRuntime() {
        return new RoleSessions();
    }

    @Override
    public List<CheckStep> check(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource) {
        List<Problem> problems = asSource ? validateSource(connection, side) : validateTarget(connection, side);
        if (!problems.isEmpty()) {
            return CheckStep.ofProblems(problems);
        }
        List<CheckStep> steps = new ArrayList<>();
        try (RedshiftConnection cluster = RedshiftConnection.open(context, connection, side, 1)) {
            S3Checks.add(steps, cluster.s3(), cluster.stagingFolder(context.runId(), "check"), true, context.runId());
            S3Checks.step(steps, "select 1 on " + RedshiftProperties.CONNECTION.parse(connection).get(RedshiftProperties.JDBC_URL), () -> {
                try (Connection c = cluster.jdbc(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
                    r.next();
                    return "answered " + r.getInt(1) + "; " + cluster.slices(c) + " slices";
                } catch (SQLException e) {
                    throw new StagewayException(ErrorKind.DATABASE, false, SqlRedactor.redact(e.getMessage()), null);
                }
            }, "check redshift.jdbc-url, redshift.user and redshift.password, and that the cluster accepts connections from here");
        } catch (RuntimeException e) {
            steps.add(CheckStep.failed("open the Redshift connection", e.getMessage(), "check the connection properties"));
        }
        return steps;
    }

    @Override
    public SourceReader openReader(RunContext context, Map<String, String> connection, Map<String, String> source) {
        ConfigurationException.throwIfAny(validateSource(connection, source));
        ParsedProperties p = RedshiftProperties.SOURCE.parse(source);
        // A trailing ';' is natural to type but not allowed inside UNLOAD ('...').
        String query = p.find(RedshiftProperties.QUERY).map(q -> q.strip().replaceAll(";+\\s*$", ""))
                .orElseGet(() -> "SELECT * FROM " + p.get(RedshiftProperties.TABLE));
        return new RedshiftSourceReader(RedshiftConnection.open(context, connection, source, 4), context, connection, query);
    }

    @Override
    public TargetWriter openWriter(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema) {
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
        ParsedProperties p = RedshiftProperties.TARGET.parse(target);
        RedshiftTargetWriter.Options options = new RedshiftTargetWriter.Options(p.get(RedshiftProperties.TABLE),
                p.get(RedshiftProperties.LOAD_MODE), RedshiftProperties.keyColumns(p), p.find(RedshiftProperties.PRE_SQL),
                p.find(RedshiftProperties.POST_SQL), p.find(RedshiftProperties.STAGING_FILES).map(Long::intValue));
        return new RedshiftTargetWriter(RedshiftConnection.open(context, connection, target, 4), options, schema, context.runId());
    }
}
