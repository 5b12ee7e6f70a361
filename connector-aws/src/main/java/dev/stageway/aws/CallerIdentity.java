package dev.stageway.aws;

import java.util.Optional;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** Who a connection's credentials are, as STS GetCallerIdentity says (needs no permission). */
public final class CallerIdentity {
    private CallerIdentity() {
    }

    /** The caller's ARN and account. */
    public static GetCallerIdentityResponse of(AwsSettings settings, ConnectorCredentials credentials) {
        try (StsClient sts = StsClient.builder()
                .region(settings.region())
                .endpointOverride(StsEndpoints.resolve(settings.region(), settings.stsEndpoint()))
                .credentialsProvider(credentials)
                .httpClientBuilder(AwsHttp.client(settings, 2))
                .overrideConfiguration(o -> o.putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, AwsHttp.userAgent(settings)))
                .build()) {
            return sts.getCallerIdentity();
        } catch (SdkException e) {
            throw AwsFailures.client(e, "ask STS who the credentials of " + credentials.strategy().describe() + " are");
        }
    }

    /** The caller's ARN, or empty when it cannot be learnt; for error messages, never throws. */
    public static Optional<String> arn(AwsSettings settings, ConnectorCredentials credentials) {
        try {
            return Optional.of(of(settings, credentials).arn());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
