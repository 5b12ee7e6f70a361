package dev.stageway.aws;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/** Strategies 1 and 4: the primary identity's own credentials. */
final class DirectCredentials implements ConnectorCredentials {
    private final CredentialStrategy strategy;
    private final PrimaryIdentity primary;

    DirectCredentials(CredentialStrategy strategy, PrimaryIdentity primary) {
        this.strategy = strategy;
        this.primary = primary;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        try {
            return primary.provider().resolveCredentials();
        } catch (SdkException e) {
            throw AwsFailures.primaryUnavailable(e, primary);
        }
    }

    @Override
    public CredentialStrategy strategy() {
        return strategy;
    }

    @Override
    public CredentialSnapshot snapshot(Duration validFor) {
        AwsCredentials credentials = resolveCredentials();
        Optional<Instant> expiration = credentials.expirationTime();
        if (expiration.isPresent() && Clock.systemUTC().instant().plus(validFor).isAfter(expiration.get())) {
            throw new StagewayException(ErrorKind.AUTHENTICATION, false, "The credentials of " + primary.description()
                    + " expire at " + expiration.get() + ", before the " + validFor.toSeconds()
                    + " s needed; assume a role (aws.role-arn) so Stageway can renew them", null);
        }
        return new CredentialSnapshot(credentials, expiration);
    }

    @Override
    public long stsCalls() {
        return 0;
    }

    @Override
    public void close() {
        primary.close();
    }

    @Override
    public String toString() {
        return "ConnectorCredentials[" + strategy.describe() + "]";
    }
}
