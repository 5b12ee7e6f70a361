package dev.stageway.testkit.kms;

import dev.stageway.testkit.iam.Policy;

/** A symmetric KMS key: its ARN, the account and region it lives in, its key policy, and whether it is enabled. */
public record KmsKey(String arn, String keyId, String account, String region, Policy keyPolicy, boolean enabled) {

    public static String arn(String region, String account, String keyId) {
        return "arn:aws:kms:" + region + ":" + account + ":key/" + keyId;
    }
}
