package dev.stageway.aws;

import dev.stageway.spi.RunContext;
import java.util.Optional;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One connection to S3: the strategy's renewing credentials, one HTTP client shared by every
 * request of the connection, endpoint and path-style settings, and retries with backoff on
 * throttling (503 SlowDown) and transient network errors. Closing it closes all of them.
 */
public final class S3Connection implements AutoCloseable {
    private final AwsSettings settings;
    private final ConnectorCredentials credentials;
    private final S3Client client;

    private S3Connection(AwsSettings settings, ConnectorCredentials credentials, S3Client client) {
        this.settings = settings;
        this.credentials = credentials;
        this.client = client;
    }

    /** Opens a connection able to run {@code concurrency} transfers at once. */
    public static S3Connection open(RunContext context, AwsSettings settings, int concurrency) {
        ConnectorCredentials credentials = AwsCredentialsFactory.open(settings, RoleSessions.of(context));
        try {
            var builder = S3Client.builder()
                    .region(settings.region())
                    .credentialsProvider(credentials)
                    .forcePathStyle(settings.s3PathStyle() || settings.s3Endpoint().map(S3Connection::needsPathStyle).orElse(false))
                    .httpClientBuilder(AwsHttp.client(settings, Math.max(16, concurrency * 2)))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetries.s3())
                            .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, AwsHttp.userAgent(settings)));
            settings.s3Endpoint().ifPresent(builder::endpointOverride);
            return new S3Connection(settings, credentials, builder.build());
        } catch (RuntimeException e) {
            credentials.close();
            throw e;
        }
    }

    /** Bucket names cannot become host names of an IP address or localhost: such endpoints need path-style requests. */
    public static boolean needsPathStyle(java.net.URI endpoint) {
        String host = String.valueOf(endpoint.getHost());
        return host.equals("localhost") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.startsWith("[");
    }

    public S3Client client() {
        return client;
    }

    public ConnectorCredentials credentials() {
        return credentials;
    }

    public AwsSettings settings() {
        return settings;
    }

    /** Who the connection acts as, for error messages; empty when STS cannot tell. */
    public Optional<String> identityArn() {
        return CallerIdentity.arn(settings, credentials);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            credentials.close();
        }
    }
}
