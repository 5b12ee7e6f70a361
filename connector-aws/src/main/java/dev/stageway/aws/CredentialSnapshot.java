package dev.stageway.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Credentials fixed at one moment, for text that embeds them (a Redshift COPY). Its
 * {@link #toString()} shows the access key ID and expiry only.
 */
public record CredentialSnapshot(AwsCredentials credentials, Optional<Instant> expiration) {
    public CredentialSnapshot {
        Objects.requireNonNull(credentials, "credentials is null");
        Objects.requireNonNull(expiration, "expiration is null");
    }

    public String accessKeyId() {
        return credentials.accessKeyId();
    }

    /** The session token of temporary credentials; empty for permanent keys. */
    public Optional<String> sessionToken() {
        return credentials instanceof AwsSessionCredentials s ? Optional.of(s.sessionToken()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "CredentialSnapshot[accessKeyId=" + credentials.accessKeyId()
                + ", expiration=" + expiration.map(Instant::toString).orElse("never") + "]";
    }
}
