package dev.stageway.s3;

import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.aws.AwsConnectorFactory;
import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.AwsSettings;
import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyTable;
import dev.stageway.spi.CheckStep;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.S3Checks;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.Split;
import dev.stageway.spi.TargetWrite;
import dev.stageway.spi.TaskWriter;
import dev.stageway.s3.transfer.Leftovers;
import dev.stageway.spi.Leftover;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

/** The S3 connector: CSV objects under a folder, read and written with multipart transfers. */
public final class S3ConnectorFactory implements AwsConnectorFactory {

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public String description() {
        return "Reads and writes CSV objects (optionally gzip) in an Amazon S3 folder.";
    }

    @Override
    public PropertyTable connectionProperties() {
        return AwsProperties.CONNECTION;
    }

    @Override
    public PropertyTable sourceProperties() {
        return S3Properties.SOURCE;
    }

    @Override
    public PropertyTable targetProperties() {
        return S3Properties.TARGET;
    }

    @Override
    public List<CheckStep> check(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource) {
        List<Problem> problems = asSource ? validateSource(connection, side) : validateTarget(connection, side);
        if (!problems.isEmpty()) {
            return CheckStep.ofProblems(problems);
        }
        List<CheckStep> steps = new ArrayList<>();
        S3Location folder = S3Location.parse((asSource ? S3Properties.SOURCE : S3Properties.TARGET).parse(side)
                .get(S3Properties.FOLDER_PATH));
        AwsSettings settings = AwsSettings.parse(connection, AwsProperties.ADVANCED.select(side), context.runId());
        try (S3Connection s3 = S3Connection.open(context, settings, 1)) {
            S3Checks.add(steps, s3, folder, !asSource, context.runId());
            if (!asSource) {
                S3Checks.lifecycle(steps, s3, folder);
            }
        } catch (RuntimeException e) {
            steps.add(CheckStep.failed("open the S3 connection", e.getMessage(), "check the AWS connection properties"));
        }
        return steps;
    }

    @Override
    public List<Problem> validateSource(Map<String, String> connection, Map<String, String> source) {
        List<Problem> problems = new ArrayList<>(AwsConnectorFactory.super.validateSource(connection, source));
        regionProblem(connection, source, S3Properties.SOURCE).ifPresent(problems::add);
        return problems;
    }

    @Override
    public List<Problem> validateTarget(Map<String, String> connection, Map<String, String> target) {
        List<Problem> problems = new ArrayList<>(AwsConnectorFactory.super.validateTarget(connection, target));
        regionProblem(connection, target, S3Properties.TARGET).ifPresent(problems::add);
        return problems;
    }

    @Override
    public SourcePlan planSource(RunContext context, Map<String, String> connection, Map<String, String> source) {
        ConfigurationException.throwIfAny(validateSource(connection, source));
        return S3Properties.source(S3Properties.SOURCE.parse(source)).plan(context, CsvObjectSource.settings(context, connection, source),
                () -> { });
    }

    @Override
    public SourceReader openReader(RunContext context, Map<String, String> connection, Map<String, String> source, Split split) {
        ConfigurationException.throwIfAny(validateSource(connection, source));
        return S3Properties.source(S3Properties.SOURCE.parse(source)).open(context, CsvObjectSource.settings(context, connection, source),
                split);
    }

    @Override
    public TargetWrite openWrite(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema) {
        ConfigurationException.throwIfAny(validateTarget(connection, target));
        return new S3Write(context, CsvObjectSource.settings(context, connection, target), connection,
                S3Properties.target(S3Properties.TARGET.parse(target)), schema);
    }

    /** A task writer of an S3 write coordinated elsewhere; the coordinator hears of its message through the host. */
    @Override
    public TaskWriter openTaskWriter(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema,
                                     Map<String, String> taskPlan, int task, int attempt) {
        ConfigurationException.throwIfAny(validateTarget(connection, target));
        return S3Write.taskWriter(context, CsvObjectSource.settings(context, connection, target),
                S3Properties.target(S3Properties.TARGET.parse(target)), schema, task, attempt, message -> { });
    }

    /** A target's uploads left open: those of its object names that Stageway started as this connection. */
    @Override
    public List<Leftover> cleanUp(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource,
                                  Instant before, boolean dryRun) {
        if (asSource) {
            ConfigurationException.throwIfAny(validateSource(connection, side));
            return List.of();   // reading leaves nothing behind
        }
        ConfigurationException.throwIfAny(validateTarget(connection, side));
        S3Target target = S3Properties.target(S3Properties.TARGET.parse(side));
        try (S3Connection s3 = S3Connection.open(context, CsvObjectSource.settings(context, connection, side), 1)) {
            return Leftovers.uploads(s3, target.location(), name -> target.names().couldBe(name), before, dryRun);
        }
    }

    /** A region named in the folder URL must be the connection's, or every request would be redirected. */
    private static Optional<Problem> regionProblem(Map<String, String> connection, Map<String, String> side, PropertyTable table) {
        if (!table.validate(side).isEmpty() || !AwsProperties.CONNECTION.validate(connection).isEmpty()) {
            return Optional.empty();   // reported by the tables' own checks
        }
        try {
            var location = S3Location.parse(table.parse(side).get(S3Properties.FOLDER_PATH));
            var region = AwsSettings.parse(connection, Map.of(), "validate").region();
            if (location.region().isPresent() && !location.region().get().equals(region)) {
                return Optional.of(new Problem(List.of(S3Properties.FOLDER_PATH.name(), AwsProperties.REGION.name()),
                        "the folder is in " + location.region().get().id() + " but aws.region is " + region.id()
                                + "; set aws.region=" + location.region().get().id()));
            }
        } catch (RuntimeException e) {
            return Optional.empty();   // reported by the tables' own checks
        }
        return Optional.empty();
    }

    /**
     * Objects of the target's names replaced ({@code s3.write-mode=overwrite}); {@code fail-if-exists}
     * contradicts it. Objects of other names in the folder stay.
     */
    @Override
    public Map<String, String> replacing(Map<String, String> target) {
        String given = target.get(S3Properties.WRITE_MODE.name());
        if (given != null && !given.equalsIgnoreCase("overwrite")) {
            throw new ConfigurationException(Problem.of(S3Properties.WRITE_MODE.name(), "is " + given
                    + ", which replacing objects contradicts: add objects with it instead"));
        }
        Map<String, String> replaced = new TreeMap<>(target);
        replaced.put(S3Properties.WRITE_MODE.name(), "overwrite");
        return replaced;
    }
}
