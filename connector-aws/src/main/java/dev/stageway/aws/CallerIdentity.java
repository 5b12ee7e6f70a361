package dev.stageway.aws;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
                .overrideConfiguration(o -> o.retryStrategy(AwsRetries.sts()).putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, AwsHttp.userAgent(settings)))
                .build()) {
            return sts.getCallerIdentity();
        } catch (SdkException e) {
            throw AwsFailures.client(e, "ask STS who the credentials of " + credentials.strategy().describe() + " are");
        }
    }

    /**
     * Whether {@code initiator}, as S3 names who started a multipart upload, is Stageway acting
     * as {@code callerArn}: the caller itself, or, when the caller is a session of a role,
     * another session of that role under a default Stageway session name (which differs per agent
     * host, as it digests the identity that assumed the role).
     */
    public static boolean isStageway(String callerArn, String initiator) {
        if (initiator.equals(callerArn)) {
            return true;
        }
        Matcher caller = ROLE_SESSION.matcher(callerArn);
        Matcher other = ROLE_SESSION.matcher(initiator);
        return caller.matches() && other.matches() && caller.group(1).equals(other.group(1))
                && AwsSettings.DEFAULT_SESSION_NAME.matcher(other.group(2)).matches();
    }

    /** A role session's ARN: the role's part, and the session name. */
    private static final Pattern ROLE_SESSION = Pattern.compile("(arn:[a-z-]+:sts::\\d{12}:assumed-role/[^/]+)/(.+)");

    /** The caller's ARN, or empty when it cannot be learnt; for error messages, never throws. */
    public static Optional<String> arn(AwsSettings settings, ConnectorCredentials credentials) {
        try {
            return Optional.of(of(settings, credentials).arn());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
