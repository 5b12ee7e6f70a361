package dev.stageway.aws;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/** Opens the {@link ConnectorCredentials} of a connection's strategy. */
public final class AwsCredentialsFactory {
    private AwsCredentialsFactory() {
    }

    public static ConnectorCredentials open(AwsSettings settings, RoleSessions sessions) {
        Objects.requireNonNull(settings, "settings is null");
        Objects.requireNonNull(sessions, "sessions is null");
        CredentialStrategy strategy = settings.strategy();
        if (strategy instanceof CredentialStrategy.StaticKeys s) {
            return new Direct(strategy, PrimaryIdentity.keys(s.keys()));
        }
        if (strategy instanceof CredentialStrategy.AssumeRoleWithKeys k) {
            return new Assumed(strategy, sessions, sessions.acquire(k.role(), PrimaryIdentity.keys(k.keys()),
                    settings.region(), settings.stsEndpoint()));
        }
        if (strategy instanceof CredentialStrategy.AssumeRoleWithEc2Role e) {
            return new Assumed(strategy, sessions, sessions.acquire(e.role(), PrimaryIdentity.instanceRole(settings.imdsEndpoint()),
                    settings.region(), settings.stsEndpoint()));
        }
        return new Direct(strategy, PrimaryIdentity.ambient(settings.imdsEndpoint()));
    }

    /** Strategies 1 and 4: the primary identity's own credentials. */
    private static final class Direct implements ConnectorCredentials {
        private final CredentialStrategy strategy;
        private final PrimaryIdentity primary;

        Direct(CredentialStrategy strategy, PrimaryIdentity primary) {
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

    /** Strategies 2 and 3: a shared, renewing assumed-role session. */
    private static final class Assumed implements ConnectorCredentials {
        private final CredentialStrategy strategy;
        private final RoleSessions sessions;
        private final RoleSession session;
        private boolean closed;

        Assumed(CredentialStrategy strategy, RoleSessions sessions, RoleSession session) {
            this.strategy = strategy;
            this.sessions = sessions;
            this.session = session;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return session.resolve();
        }

        @Override
        public CredentialStrategy strategy() {
            return strategy;
        }

        @Override
        public CredentialSnapshot snapshot(Duration validFor) {
            RoleSession.Session s = session.validFor(validFor);
            return new CredentialSnapshot(s.credentials(), Optional.of(s.timing().expiration()));
        }

        @Override
        public long stsCalls() {
            return session.calls();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                sessions.release(session);
            }
        }

        @Override
        public String toString() {
            return "ConnectorCredentials[" + strategy.describe() + "]";
        }
    }
}
