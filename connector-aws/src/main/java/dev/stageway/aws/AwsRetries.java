package dev.stageway.aws;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * How the SDK clients retry what AWS documents as retriable (5xx, throttling, a connection
 * reset or timeout): the SDK's standard strategy, exponential backoff with jitter.
 */
public final class AwsRetries {
    private AwsRetries() {
    }

    /** S3: 6 attempts; a transfer's parts are retried alone, so a failure costs one part, not the run. */
    static final int S3_ATTEMPTS = 6;

    /**
     * STS: 8 attempts. Throttled calls wait up to 1 s, then up to twice as long each time (at most
     * 20 s), so tens of seconds of throttling or outage are absorbed before a session (and the
     * run) fails.
     */
    static final int STS_ATTEMPTS = 8;

    static RetryStrategy s3() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(S3_ATTEMPTS).build();
    }

    static RetryStrategy sts() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(STS_ATTEMPTS).build();
    }

    /** The other credential APIs (Redshift's temporary database credentials): as STS, whose outages they share. */
    public static RetryStrategy credentialApis() {
        return sts();
    }
}
