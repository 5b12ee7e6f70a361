package dev.stageway.s3.transfer;

import dev.stageway.aws.S3Connection;
import dev.stageway.aws.CallerIdentity;
import dev.stageway.aws.CredentialSnapshot;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.CheckStep;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;

/** The connection-test steps every S3-backed connector shares. */
public final class S3Checks {
    private S3Checks() {
    }

    /** Strategy, caller identity with expiry, then the folder's listing; for a target or staging, a write+delete probe. */
    public static void add(List<CheckStep> steps, S3Connection s3, S3Location folder, boolean probeWrite, String runId) {
        steps.add(CheckStep.passed("credential strategy", s3.credentials().strategy().describe()));
        if (!step(steps, "STS GetCallerIdentity", () -> {
            var who = CallerIdentity.of(s3.settings(), s3.credentials());
            CredentialSnapshot snapshot = s3.credentials().snapshot(Duration.ZERO);
            return who.arn() + " (account " + who.account() + "), " + snapshot.expiration()
                    .map(e -> "credentials expire at " + e).orElse("permanent keys");
        }, "check the AWS credentials: keys, role ARN, External Id, and that the role trusts the caller")) {
            return;
        }
        step(steps, "list " + folder, () -> {
            var list = s3.client().listObjectsV2(b -> b.bucket(folder.bucket()).prefix(folder.prefix()).maxKeys(1000));
            return list.keyCount() + (Boolean.TRUE.equals(list.isTruncated()) ? "+" : "") + " objects";
        }, "the identity needs s3:ListBucket on the bucket (and the bucket policy must allow it across accounts)");
        if (probeWrite) {
            String key = folder.key(".stageway-check-" + runId.replaceAll("[^A-Za-z0-9._-]", "-"));
            step(steps, "write and delete s3://" + folder.bucket() + "/" + key, () -> {
                s3.client().putObject(b -> b.bucket(folder.bucket()).key(key), RequestBody.fromString("stageway connection check"));
                s3.client().deleteObject(b -> b.bucket(folder.bucket()).key(key));
                return "written and removed";
            }, "the identity needs s3:PutObject and s3:DeleteObject on the folder");
        }
    }

    /** Runs one step; false when it failed. */
    public static boolean step(List<CheckStep> steps, String name, Supplier<String> action, String hint) {
        try {
            steps.add(CheckStep.passed(name, action.get()));
            return true;
        } catch (StagewayException e) {
            steps.add(CheckStep.failed(name, e.getMessage(), hint));
        } catch (SdkException e) {
            steps.add(CheckStep.failed(name, String.valueOf(e.getMessage()), hint));
        }
        return false;
    }
}
