package dev.stageway.s3.transfer;

import dev.stageway.aws.S3Connection;
import dev.stageway.aws.CallerIdentity;
import dev.stageway.aws.CredentialSnapshot;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.CheckStep;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;

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
            step(steps, "write and delete " + S3Location.url(folder.bucket(), key), () -> {
                s3.client().putObject(b -> b.bucket(folder.bucket()).key(key), RequestBody.fromString("stageway connection check"));
                s3.client().deleteObject(b -> b.bucket(folder.bucket()).key(key));
                return "written and removed";
            }, "the identity needs s3:PutObject and s3:DeleteObject on the folder");
        }
    }

    /**
     * Whether a lifecycle rule of the folder's bucket aborts multipart uploads left open under the
     * folder (by an agent that died mid-run); a warning when none does, or when the rules cannot
     * be read.
     */
    public static void lifecycle(List<CheckStep> steps, S3Connection s3, S3Location folder) {
        String name = "lifecycle rule aborting incomplete uploads under " + folder;
        String advice = "install the rule `stageway trust-policy --folder` or `--staging` prints, or run `stageway cleanup` regularly";
        List<LifecycleRule> rules;
        try {
            rules = s3.client().getBucketLifecycleConfiguration(b -> b.bucket(folder.bucket())).rules();
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                steps.add(CheckStep.warning(name, "the bucket has no lifecycle configuration: uploads left open by an agent that died "
                        + "are billed until removed", advice));
            } else {
                steps.add(CheckStep.warning(name, "cannot read the bucket's lifecycle configuration (" + e.awsErrorDetails().errorCode()
                        + "; it needs s3:GetLifecycleConfiguration on arn:aws:s3:::" + folder.bucket() + ")", advice));
            }
            return;
        } catch (SdkException e) {
            steps.add(CheckStep.warning(name, "cannot read the bucket's lifecycle configuration: " + e.getMessage(), advice));
            return;
        }
        Optional<LifecycleRule> covering = rules.stream().filter(r -> r.status() == ExpirationStatus.ENABLED
                && r.abortIncompleteMultipartUpload() != null && ruleCovers(r, folder.prefix())).findFirst();
        steps.add(covering.map(r -> CheckStep.passed(name, "rule " + r.id() + " aborts them "
                        + r.abortIncompleteMultipartUpload().daysAfterInitiation() + " days after they start"))
                .orElseGet(() -> CheckStep.warning(name, "no enabled rule of the bucket aborts incomplete multipart uploads under the "
                        + "folder: uploads left open by an agent that died are billed until removed", advice)));
    }

    /** A rule applies to every upload under {@code prefix}: its own prefix contains it, and it filters on nothing else. */
    @SuppressWarnings("deprecation")   // Rule.prefix: the legacy form, which rules may still use
    private static boolean ruleCovers(LifecycleRule rule, String prefix) {
        LifecycleRuleFilter f = rule.filter();
        if (f == null) {
            return prefix.startsWith(rule.prefix() == null ? "" : rule.prefix());
        }
        if (f.tag() != null || f.objectSizeGreaterThan() != null || f.objectSizeLessThan() != null) {
            return false;
        }
        var and = f.and();
        if (and != null && (and.hasTags() && !and.tags().isEmpty() || and.objectSizeGreaterThan() != null
                || and.objectSizeLessThan() != null)) {
            return false;
        }
        String own = and != null ? and.prefix() : f.prefix();
        return prefix.startsWith(own == null ? "" : own);
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
