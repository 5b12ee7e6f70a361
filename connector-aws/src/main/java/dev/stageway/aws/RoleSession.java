package dev.stageway.aws;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;

/**
 * One assumed-role session, shared by every connection with the same {@link RoleSessionKey}.
 * One AssumeRole call serves all requests until the session nears its end; the next session
 * is fetched in the background, and callers wait only if the current one is about to expire.
 */
final class RoleSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleSession.class);

    /** Credentials of one AssumeRole call, with when to renew them. */
    record Session(AwsSessionCredentials credentials, SessionTiming timing, String assumedRoleArn) {
    }

    private final RoleSessionKey key;
    private final AssumeRoleSpec spec;
    private final PrimaryIdentity primary;
    private final StsClient sts;
    private final Executor renewer;
    private final Clock clock;
    private final AtomicLong calls;
    private final AtomicLong ownCalls = new AtomicLong();
    private final AtomicBoolean renewing = new AtomicBoolean();
    /** When a failed background renewal may be tried again: no back-to-back STS calls during an outage. */
    private volatile Instant retryBackgroundAt = Instant.MIN;
    private final Object lock = new Object();
    private volatile Session current;

    RoleSession(RoleSessionKey key, AssumeRoleSpec spec, PrimaryIdentity primary, StsClient sts, Executor renewer,
                Clock clock, AtomicLong totalCalls) {
        this.key = key;
        this.spec = spec;
        this.primary = primary;
        this.sts = sts;
        this.renewer = renewer;
        this.clock = clock;
        this.calls = totalCalls;
    }

    RoleSessionKey key() {
        return key;
    }

    /** Current credentials; starts a background renewal when due, waits only when stale. */
    AwsSessionCredentials resolve() {
        Session s = current;
        Instant now = clock.instant();
        if (s == null || s.timing().isStale(now)) {
            return renewUnless(fresh -> !fresh.timing().isStale(clock.instant())).credentials();
        }
        if (s.timing().shouldPrefetch(now)) {
            renewInBackground(s);
        }
        return s.credentials();
    }

    /** A session whose credentials stay valid for {@code needed}, renewing first if they would not. */
    Session validFor(Duration needed) {
        Predicate<Session> enough = s -> !s.timing().isStale(clock.instant()) && s.timing().covers(clock.instant(), needed);
        Session s = current;
        if (s == null || !enough.test(s)) {
            s = renewUnless(enough);
        }
        if (!s.timing().covers(clock.instant(), needed)) {
            throw new StagewayException(ErrorKind.CONFIGURATION, false, "Cannot obtain credentials for " + spec.roleArn()
                    + " that stay valid for " + needed.toSeconds() + " s: a new session expires at "
                    + s.timing().expiration() + "; raise " + AwsProperties.DURATION.name() + " (now "
                    + spec.duration().toSeconds() + " s) up to the role's maximum session duration", null);
        }
        return s;
    }

    /** No credentials yet, or only ones a caller would have to renew before use. */
    boolean isStale() {
        Session s = current;
        return s == null || s.timing().isStale(clock.instant());
    }

    long calls() {
        return ownCalls.get();
    }

    private Session renewUnless(Predicate<Session> goodEnough) {
        synchronized (lock) {
            Session s = current;
            if (s != null && goodEnough.test(s)) {
                return s;   // another caller renewed while we waited
            }
            current = assumeRole();
            return current;
        }
    }

    private void renewInBackground(Session seen) {
        if (clock.instant().isBefore(retryBackgroundAt) || !renewing.compareAndSet(false, true)) {
            return;
        }
        try {
            renewer.execute(() -> {
                try {
                    renewUnless(s -> s != seen);
                } catch (RuntimeException e) {
                    // Callers still hold valid credentials; try again after a pause, and the first caller past the
                    // stale point renews in the foreground and reports the failure.
                    Duration lifetime = Duration.between(seen.timing().prefetchAt(), seen.timing().expiration());
                    retryBackgroundAt = clock.instant().plus(lifetime.dividedBy(10));
                    LOG.warn("Background renewal of the session {} failed; it will be retried: {}", key, e.getMessage());
                } finally {
                    renewing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            renewing.set(false);
        }
    }

    private Session assumeRole() {
        try {
            primary.provider().resolveCredentials();
        } catch (SdkException e) {
            throw AwsFailures.primaryUnavailable(e, primary);
        }
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(spec.roleArn())
                .roleSessionName(spec.sessionName())
                .durationSeconds((int) spec.duration().toSeconds());
        spec.externalId().ifPresent(request::externalId);
        spec.sessionPolicy().ifPresent(request::policy);
        calls.incrementAndGet();
        ownCalls.incrementAndGet();
        AssumeRoleResponse response;
        try {
            response = sts.assumeRole(request.build());
        } catch (SdkException e) {
            throw AwsFailures.assumeRole(e, spec, primary.description());
        }
        var c = response.credentials();
        AwsSessionCredentials credentials = AwsSessionCredentials.builder()
                .accessKeyId(c.accessKeyId())
                .secretAccessKey(c.secretAccessKey())
                .sessionToken(c.sessionToken())
                .expirationTime(c.expiration())
                .build();
        LOG.debug("Assumed {} as {} until {}", spec.roleArn(), response.assumedRoleUser().arn(), c.expiration());
        return new Session(credentials, SessionTiming.of(clock.instant(), c.expiration()), response.assumedRoleUser().arn());
    }

    @Override
    public void close() {
        sts.close();
        primary.close();
    }
}
