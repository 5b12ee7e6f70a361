package dev.stageway.spi;

import java.util.Objects;

/**
 * What the host gives every reader and writer of one run.
 *
 * @param runId   identifies the run in logs, object names, the default role session name, and the
 *                record that makes a commit happen once
 * @param runtime the plugin's runtime from {@link ConnectorFactory#newRuntime()}, shared by all runs
 * @param tasks   how many tasks write the run's target: with more than one, each writes objects of its own
 */
public record RunContext(String runId, ConnectorRuntime runtime, int tasks) {
    public RunContext {
        Objects.requireNonNull(runId, "runId is null");
        Objects.requireNonNull(runtime, "runtime is null");
        if (tasks < 1) {
            throw new IllegalArgumentException("Cannot run with " + tasks + " tasks");
        }
    }

    /** What a run id a user gives may be, as a host says it: it names folders, objects and role sessions' requests. */
    public static final String RUN_ID_RULE = "1 to 64 letters, digits, '.', '_' or '-'";

    /** Whether {@code id} is a run id a user may give ({@link #RUN_ID_RULE}). */
    public static boolean isValidRunId(String id) {
        return id.matches("[A-Za-z0-9._-]{1,64}");
    }

    /** A run whose target is written by one task. */
    public RunContext(String runId, ConnectorRuntime runtime) {
        this(runId, runtime, 1);
    }
}
