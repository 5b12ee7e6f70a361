package dev.stageway.aws;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns AWS failures (STS, IMDS, S3) into messages that say what to fix: the one place that
 * decides what an AWS error means. AWS's own messages name ARNs and codes but never secrets, so
 * they are kept; our text adds which property to change.
 */
public final class AwsFailures {
    private AwsFailures() {
    }

    private static final Pattern CALLER = Pattern.compile("User: (arn:\\S+) is not authorized");

    /** A failed AssumeRole of {@code role} by {@code caller}. */
    static StagewayException assumeRole(SdkException e, AssumeRoleSpec role, String caller) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = String.valueOf(ase.awsErrorDetails().errorCode());
            String awsMessage = String.valueOf(ase.awsErrorDetails().errorMessage());
            switch (code) {
                case "AccessDenied": {
                    Matcher m = CALLER.matcher(awsMessage);
                    String callerArn = m.find() ? m.group(1) : caller;
                    return new StagewayException(ErrorKind.AUTHENTICATION, false,
                            "Cannot assume role " + role.roleArn() + ": STS denied " + callerArn
                                    + (role.externalId().isPresent() ? " (an External Id was sent)" : " (no External Id was sent)")
                                    + ". Check that the role's trust policy names this caller or its account as principal and, "
                                    + "if it has an sts:ExternalId condition, that aws.external-id matches it exactly; the caller "
                                    + "also needs sts:AssumeRole on the role in its own policies. AWS said: " + awsMessage, e);
                }
                case "ValidationError":
                    if (awsMessage.contains("MaxSessionDuration")) {
                        return new ConfigurationException(Problem.of(AwsProperties.DURATION.name(),
                                "is " + role.duration().toSeconds() + " s, more than the maximum session duration set on role "
                                        + role.roleArn() + "; lower it, or raise the role's maximum session duration in IAM "
                                        + "(1 to 12 hours). AWS said: " + awsMessage));
                    }
                    if (awsMessage.contains("role chaining")) {
                        return new ConfigurationException(Problem.of(AwsProperties.DURATION.name(),
                                "is " + role.duration().toSeconds() + " s, but the caller is itself a role session (role chaining), "
                                        + "which STS limits to 3600 s. AWS said: " + awsMessage));
                    }
                    return new StagewayException(ErrorKind.CONFIGURATION, false,
                            "STS rejected the AssumeRole request for " + role.roleArn() + ": " + awsMessage, e);
                default:
                    return service(ase, "assume role " + role.roleArn() + " as " + caller);
            }
        }
        return client(e, "assume role " + role.roleArn() + " as " + caller);
    }

    /** A failed call of any AWS service, described as {@code action}. */
    static StagewayException service(AwsServiceException e, String action) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        String awsMessage = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
        String prefix = "Cannot " + action + ": ";
        switch (code) {
            case "ExpiredToken":
            case "ExpiredTokenException":
                return new StagewayException(ErrorKind.AUTHENTICATION, false, prefix + "the credentials used have expired ("
                        + code + "); temporary credentials must be renewed before use. AWS said: " + awsMessage, e);
            case "InvalidClientTokenId":
            case "InvalidAccessKeyId":
                return new StagewayException(ErrorKind.AUTHENTICATION, false, prefix + "AWS does not know the access key ("
                        + code + "); check aws.access-key-id, or that the key is active. AWS said: " + awsMessage, e);
            case "SignatureDoesNotMatch":
                return new StagewayException(ErrorKind.AUTHENTICATION, false, prefix + "the request signature does not match ("
                        + code + "); check aws.secret-access-key belongs to aws.access-key-id. AWS said: " + awsMessage, e);
            case "AccessDenied":
                return new StagewayException(ErrorKind.AUTHENTICATION, false, prefix + "access denied. AWS said: " + awsMessage, e);
            default:
                boolean retriable = e.isThrottlingException() || e.statusCode() >= 500;
                return new StagewayException(ErrorKind.STORAGE, retriable, prefix + awsMessage + " (" + code + ", HTTP "
                        + e.statusCode() + ")", e);
        }
    }

    /** A failure of any AWS call, described as {@code action}: AWS's answer, or a failure before it answered. */
    public static StagewayException client(SdkException e, String action) {
        if (e instanceof AwsServiceException ase) {
            return service(ase, action);
        }
        return new StagewayException(ErrorKind.STORAGE, e instanceof SdkClientException && e.retryable(),
                "Cannot " + action + ": " + e.getMessage(), e);
    }

    /** The primary identity's credentials could not be read (IMDS unreachable, no instance role, no ambient identity). */
    static StagewayException primaryUnavailable(SdkException e, PrimaryIdentity primary) {
        return new StagewayException(ErrorKind.AUTHENTICATION, false,
                "Cannot read the credentials of " + primary.description() + ": " + e.getMessage()
                        + " Is the agent running on EC2 with an instance profile attached, and can it reach IMDSv2 "
                        + "(a PUT for the token, hop limit 2 inside containers)? Otherwise set aws.access-key-id and "
                        + "aws.secret-access-key, or aws.imds.endpoint.", e);
    }

    /**
     * A failed S3 request, naming the identity that was refused.
     *
     * @param action what was attempted, such as "read s3://bucket/key"
     */
    public static StagewayException s3(SdkException e, String action, S3Connection connection) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = String.valueOf(ase.awsErrorDetails().errorCode());
            String message = ase.awsErrorDetails().errorMessage();
            if (ase.statusCode() == 403 || code.equals("AccessDenied")) {
                String who = connection.identityArn().orElse(connection.credentials().strategy().describe());
                return new StagewayException(ErrorKind.AUTHENTICATION, false, "Cannot " + action + " as " + who
                        + ": access denied. The identity needs the matching s3: permission on that bucket and key (and, across "
                        + "accounts, the bucket policy must allow it too). AWS said: " + message, e);
            }
            if (code.equals("ExpiredToken") || code.equals("InvalidToken")) {
                return new StagewayException(ErrorKind.AUTHENTICATION, false, "Cannot " + action + ": the temporary credentials "
                        + "were refused (" + code + "). AWS said: " + message, e);
            }
            if (code.equals("NoSuchBucket")) {
                return new StagewayException(ErrorKind.CONFIGURATION, false, "Cannot " + action + ": the bucket does not exist; "
                        + "check s3.folder-path and aws.region", e);
            }
            boolean retriable = ase.isThrottlingException() || ase.statusCode() >= 500;
            return new StagewayException(ErrorKind.STORAGE, retriable, "Cannot " + action + ": " + message + " (" + code
                    + ", HTTP " + ase.statusCode() + ")", e);
        }
        return new StagewayException(ErrorKind.STORAGE, e.retryable(), "Cannot " + action + ": " + e.getMessage(), e);
    }
}
