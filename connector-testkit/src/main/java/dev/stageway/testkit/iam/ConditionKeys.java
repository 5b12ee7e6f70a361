package dev.stageway.testkit.iam;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The condition keys the sandbox supplies. A policy that tests any other key is refused when it
 * is loaded: AWS might supply that key where the sandbox cannot, so evaluating it here would
 * prove nothing. Which of these keys a request carries is decided where the request is
 * understood (the S3, STS and KMS stand-ins), as AWS's Service Authorization Reference lists them.
 */
public final class ConditionKeys {
    private ConditionKeys() {
    }

    private static final Set<String> KEYS = Set.of(
            "aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:userid", "aws:username",
            "aws:principalisawsservice", "aws:principalservicename", "aws:currenttime", "aws:epochtime",
            "aws:securetransport", "aws:sourceip", "aws:tokenissuetime", "aws:requestedregion", "aws:tagkeys", "aws:sourceidentity",
            "s3:prefix", "s3:delimiter", "s3:max-keys", "s3:x-amz-server-side-encryption",
            "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:authtype", "s3:signatureversion", "s3:signatureage",
            "s3:x-amz-content-sha256", "s3:tlsversion", "s3:resourceaccount", "s3:x-amz-acl", "s3:x-amz-copy-source",
            "s3:x-amz-metadata-directive", "s3:x-amz-storage-class",
            "sts:externalid", "sts:rolesessionname", "sts:sourceidentity", "sts:transitivetagkeys",
            "kms:viaservice", "kms:calleraccount", "kms:encryptioncontextkeys");

    /** Keys with a name after the prefix, such as {@code aws:PrincipalTag/team}. */
    private static final List<String> PREFIXES = List.of("aws:principaltag/", "aws:requesttag/", "kms:encryptioncontext:");

    public static boolean modelled(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return KEYS.contains(k) || PREFIXES.stream().anyMatch(p -> k.startsWith(p) && k.length() > p.length());
    }
}
