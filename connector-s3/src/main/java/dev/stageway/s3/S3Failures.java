package dev.stageway.s3;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns S3 failures into messages naming the object and the identity, never a secret. */
final class S3Failures {
    private S3Failures() {
    }

    /**
     * @param action what was attempted, such as "read s3://bucket/key"
     */
    static StagewayException of(SdkException e, String action, S3Connection connection) {
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
