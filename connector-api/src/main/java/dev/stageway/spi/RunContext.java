package dev.stageway.spi;

import dev.stageway.aws.RoleSessions;
import java.util.Objects;

/**
 * What the host gives every reader and writer of one run.
 *
 * @param runId    identifies the run in logs, object names and the default role session name
 * @param sessions the host's assumed-role sessions, shared by all its runs (see {@link RoleSessions})
 */
public record RunContext(String runId, RoleSessions sessions) {
    public RunContext {
        Objects.requireNonNull(runId, "runId is null");
        Objects.requireNonNull(sessions, "sessions is null");
    }
}
