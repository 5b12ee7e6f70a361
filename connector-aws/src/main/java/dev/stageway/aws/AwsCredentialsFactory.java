package dev.stageway.aws;

import java.util.Objects;

/** Opens the {@link ConnectorCredentials} of a connection's strategy ({@link CredentialStrategy#open}). */
public final class AwsCredentialsFactory {
    private AwsCredentialsFactory() {
    }

    public static ConnectorCredentials open(AwsSettings settings, RoleSessions sessions) {
        Objects.requireNonNull(settings, "settings is null");
        Objects.requireNonNull(sessions, "sessions is null");
        return settings.strategy().open(settings, sessions);
    }
}
