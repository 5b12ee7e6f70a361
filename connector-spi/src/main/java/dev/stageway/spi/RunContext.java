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

    /** A run whose target is written by one task. */
    public RunContext(String runId, ConnectorRuntime runtime) {
        this(runId, runtime, 1);
    }
}
