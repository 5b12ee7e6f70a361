package dev.stageway.spi;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A connector, as a host finds it: through {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.stageway.spi.ConnectorFactory} entry in the plugin). The host
 * shows the property tables in its UI, validates what the user entered, plans sources and opens
 * writes with two flat maps: the connection's properties and the source's or target's own
 * (advanced) properties, the latter overriding the former where both define a property.
 * Implementations are stateless and thread-safe.
 *
 * <p>A run: {@link #planSource} gives the schema and the splits; each split is read by its own
 * {@link #openReader reader}, anywhere; {@link #openWrite} gives the coordinator, whose task
 * writers stage each task's records and whose commit publishes them once.
 */
public interface ConnectorFactory {

    /** The connector's short name, as used in mapping files ({@code s3}, {@code redshift}). */
    String name();

    /** One sentence for a host's UI. */
    String description();

    /** Properties of a connection (credentials, region, endpoints). */
    PropertyTable connectionProperties();

    /** Properties of one source (what to read and how). */
    PropertyTable sourceProperties();

    /** Properties of one target (where to write and how). */
    PropertyTable targetProperties();

    /** State shared by this plugin's connectors across runs; create one per host, close it on shutdown. */
    ConnectorRuntime newRuntime();

    /** Settings of the runtime, given once by the host for all its runs; none by default. */
    default PropertyTable runtimeProperties() {
        return PropertyTable.of("runtime", List.of(), List.of());
    }

    /**
     * A runtime with the host's settings ({@link #runtimeProperties()} names them).
     *
     * @throws dev.stageway.config.ConfigurationException naming a setting that is unknown or invalid
     */
    default ConnectorRuntime newRuntime(Map<String, String> settings) {
        dev.stageway.config.ConfigurationException.throwIfAny(runtimeProperties().validate(settings));
        return newRuntime();
    }

    /** Of one flat map of a side's properties (as a mapping file gives them), those of the connection. */
    default Map<String, String> connectionOf(Map<String, String> properties) {
        return connectionProperties().select(properties);
    }

    /**
     * Of one flat map of a side's properties, the source's ({@code asSource}) or target's own:
     * everything the connection table does not hold, and what both hold.
     */
    default Map<String, String> sideOf(Map<String, String> properties, boolean asSource) {
        PropertyTable own = asSource ? sourceProperties() : targetProperties();
        Map<String, String> out = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (!connectionProperties().contains(k) || own.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Tests a connection for a source ({@code asSource}) or a target: each step passed or failed
     * with a hint, never throwing for a failed step.
     */
    List<CheckStep> check(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource);

    /** Every problem of a source's configuration, without any network call. */
    default List<Problem> validateSource(Map<String, String> connection, Map<String, String> source) {
        List<Problem> problems = new ArrayList<>(connectionProperties().validate(connection));
        problems.addAll(sourceProperties().validate(source));
        return problems;
    }

    /** Every problem of a target's configuration, without any network call. */
    default List<Problem> validateTarget(Map<String, String> connection, Map<String, String> target) {
        List<Problem> problems = new ArrayList<>(connectionProperties().validate(connection));
        problems.addAll(targetProperties().validate(target));
        return problems;
    }

    /**
     * Plans a source: lists what it holds, reads its schema, and splits it into parts that can be
     * read independently.
     *
     * @throws dev.stageway.config.ConfigurationException with every problem, before any network call
     * @throws dev.stageway.error.StagewayException       when the source cannot be reached or read
     */
    SourcePlan planSource(RunContext context, Map<String, String> connection, Map<String, String> source);

    /**
     * Whether planning a source creates what its splits read, which closing the plan removes (the
     * Redshift source UNLOADs): a host that plans a query only to show it (Spark's
     * {@code explain()}) must not plan such a source, and plans it once per run.
     */
    default boolean planningCreates() {
        return false;
    }

    /**
     * The schema {@link #planSource} would give, without planning where planning creates anything
     * ({@link #planningCreates()}).
     *
     * @throws dev.stageway.config.ConfigurationException with every problem, before any network call
     * @throws dev.stageway.error.StagewayException       when the source cannot be reached or read
     */
    default Schema describeSource(RunContext context, Map<String, String> connection, Map<String, String> source) {
        try (SourcePlan plan = planSource(context, connection, source)) {
            return plan.schema();
        }
    }

    /** Opens a reader of one split of a plan made with the same properties. */
    SourceReader openReader(RunContext context, Map<String, String> connection, Map<String, String> source, Split split);

    /**
     * Opens a two-phase write of records of {@code schema}.
     *
     * @throws dev.stageway.config.ConfigurationException with every problem, before any network call
     * @throws dev.stageway.error.StagewayException       when the target cannot be reached
     */
    TargetWrite openWrite(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema);

    /**
     * {@code target} changed so that a write replaces what the target holds rather than adding to
     * it (Spark's {@code Overwrite} mode); entries that are not the target's are kept as they are.
     *
     * @throws dev.stageway.config.ConfigurationException naming the property that contradicts
     *         replacing, or when this connector's targets cannot be replaced
     */
    default Map<String, String> replacing(Map<String, String> target) {
        throw new ConfigurationException(Problem.of("mode", "the " + name()
                + " connector cannot replace what a target holds: add to it instead"));
    }

    /**
     * Opens the writer of one task attempt of a write whose coordinator runs in another process
     * (a Spark executor's task, say): {@code taskPlan} is the coordinator's
     * {@link TargetWrite#taskPlan()}, the properties and schema are the coordinator's, and
     * {@code context} has the run's id and task count. Its message goes to the coordinator's
     * {@link TargetWrite#commit}.
     *
     * @throws UnsupportedOperationException when the connector's task writers run only in the coordinator's process
     */
    default TaskWriter openTaskWriter(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema,
                                      Map<String, String> taskPlan, int task, int attempt) {
        throw new UnsupportedOperationException("the " + name() + " connector's task writers run only in the coordinator's process");
    }

    /**
     * Finds what runs of this connector left behind under a source's ({@code asSource}) or a
     * target's locations when their process died (a run that fails or is stopped removes its own),
     * made before {@code before}, and removes it unless {@code dryRun}. Only what the connector
     * recognises as its own is touched. A connector that leaves nothing behind finds nothing.
     *
     * @throws dev.stageway.config.ConfigurationException with every problem, before any network call
     * @throws dev.stageway.error.StagewayException       when the locations cannot be listed
     */
    default List<Leftover> cleanUp(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource,
                                   Instant before, boolean dryRun) {
        return List.of();
    }
}
