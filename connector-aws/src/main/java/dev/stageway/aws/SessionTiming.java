package dev.stageway.aws;

import java.time.Duration;
import java.time.Instant;

/**
 * When a session of temporary credentials should be renewed. Proportional to the session's
 * lifetime so the same rule serves a 15-minute session and a sandbox's few seconds:
 * renew in the background once a third of the lifetime is left (at most 5 minutes before
 * expiry), and make callers wait for a new session only in the last tenth (at most 1 minute).
 */
public record SessionTiming(Instant prefetchAt, Instant staleAt, Instant expiration) {

    private static final Duration MAX_PREFETCH = Duration.ofMinutes(5);
    private static final Duration MAX_STALE = Duration.ofMinutes(1);

    public static SessionTiming of(Instant issued, Instant expiration) {
        Duration lifetime = Duration.between(issued, expiration);
        if (lifetime.isNegative()) {
            lifetime = Duration.ZERO;
        }
        Duration prefetch = min(MAX_PREFETCH, lifetime.dividedBy(3));
        Duration stale = min(MAX_STALE, lifetime.dividedBy(10));
        return new SessionTiming(expiration.minus(prefetch), expiration.minus(stale), expiration);
    }

    /** True when a background renewal should start. */
    public boolean shouldPrefetch(Instant now) {
        return !now.isBefore(prefetchAt);
    }

    /** True when the credentials are too close to expiry to hand out. */
    public boolean isStale(Instant now) {
        return !now.isBefore(staleAt);
    }

    /** True when the credentials stay valid for at least {@code needed} from {@code now}. */
    public boolean covers(Instant now, Duration needed) {
        return !now.plus(needed).isAfter(expiration);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
