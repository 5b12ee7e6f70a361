package dev.stageway.aws;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What an STS AssumeRole call asks for. */
public record AssumeRoleSpec(String roleArn, Optional<String> externalId, Duration duration, String sessionName,
                             Optional<String> sessionPolicy) {
    public AssumeRoleSpec {
        Objects.requireNonNull(roleArn, "roleArn is null");
        Objects.requireNonNull(externalId, "externalId is null");
        Objects.requireNonNull(duration, "duration is null");
        Objects.requireNonNull(sessionName, "sessionName is null");
        Objects.requireNonNull(sessionPolicy, "sessionPolicy is null");
    }

    /** The 12-digit account that owns the role. */
    public String roleAccount() {
        return roleArn.split(":")[4];
    }
}
