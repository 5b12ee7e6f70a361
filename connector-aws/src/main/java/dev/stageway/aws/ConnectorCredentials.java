package dev.stageway.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The credentials of one connection, from its {@link CredentialStrategy}. Give it to every
 * AWS client: it renews temporary credentials before they expire, without blocking callers.
 * Close it when the connection closes; shared sessions are released then.
 */
public interface ConnectorCredentials extends AwsCredentialsProvider, AutoCloseable {

    CredentialStrategy strategy();

    /**
     * Credentials that stay valid for at least {@code validFor} from now, renewing the session
     * first if needed. For statements that embed credentials, such as COPY and UNLOAD.
     *
     * @throws dev.stageway.error.StagewayException when no session can last that long
     */
    CredentialSnapshot snapshot(Duration validFor);

    /** STS AssumeRole calls made for these credentials while they were open (by a shared session: its calls then; 0 without a role). */
    long stsCalls();

    @Override
    void close();
}
