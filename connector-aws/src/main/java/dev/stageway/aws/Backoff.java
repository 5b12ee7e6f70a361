package dev.stageway.aws;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Waits between attempts of what the SDK does not retry itself (a body cut short mid-read, a
 * Redshift transaction), as AWS advises: exponential, capped, with full jitter so that clients
 * failing together do not retry together.
 *
 * @param attempts at most this many attempts in all
 * @param base     the cap of the first wait, doubled for each later one
 * @param cap      no wait is longer
 */
public record Backoff(int attempts, Duration base, Duration cap) {

    /** A read of S3 that failed mid-body: up to 4 attempts, waits up to 0.2, 0.4, 0.8 s. */
    public static final Backoff S3_READ = new Backoff(4, Duration.ofMillis(200), Duration.ofSeconds(5));

    /** Whether attempt number {@code attempt} (from 1) may be followed by another. */
    public boolean another(int attempt) {
        return attempt < attempts;
    }

    /** Waits before attempt {@code attempt + 1}; false (without waiting) when the thread was interrupted. */
    public boolean pause(int attempt) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(20, attempt - 1));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
