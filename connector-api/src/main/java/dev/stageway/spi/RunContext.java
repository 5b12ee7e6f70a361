package dev.stageway.spi;

import java.util.Objects;

/**
 * What the host gives every reader and writer of one run.
 *
 * @param runId   identifies the run in logs, object names and the default role session name
 * @param runtime the plugin's runtime from {@link ConnectorFactory#newRuntime()}, shared by all runs
 */
public record RunContext(String runId, ConnectorRuntime runtime) {
    public RunContext {
        Objects.requireNonNull(runId, "runId is null");
        Objects.requireNonNull(runtime, "runtime is null");
    }
}
