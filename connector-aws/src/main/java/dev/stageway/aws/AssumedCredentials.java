package dev.stageway.aws;

import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/** Strategies 2 and 3: a shared, renewing assumed-role session. */
final class AssumedCredentials implements ConnectorCredentials {
    private final CredentialStrategy strategy;
    private final RoleSessions sessions;
    private final RoleSession session;
    /** The shared session's calls before this connection: it reports only those made while it was open. */
    private final long callsBefore;
    private boolean closed;

    AssumedCredentials(CredentialStrategy strategy, RoleSessions sessions, RoleSession session) {
        this.strategy = strategy;
        this.sessions = sessions;
        this.session = session;
        this.callsBefore = session.calls();
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
        return session.calls() - callsBefore;
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
