package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Identity;
import dev.stageway.testkit.iam.RequestContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authorises one S3 action as S3 does: the request's condition keys (the global ones, those every
 * S3 action carries, and those AWS's Service Authorization Reference lists for this action
 * only), the caller's policies and the bucket's policy, and AWS's AccessDenied message (the
 * detailed one within the bucket owner's account, plain "Access Denied" across accounts).
 */
final class S3Authorizer {
    /** Keys AWS lists for s3:PutObject beyond those every S3 action carries. */
    private static final List<String> PUT_OBJECT_KEYS = List.of("s3:x-amz-acl", "s3:x-amz-copy-source", "s3:x-amz-metadata-directive",
            "s3:x-amz-storage-class", "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id");

    private final Iam iam;
    private final Buckets buckets;
    private final String region;

    S3Authorizer(Iam iam, Buckets buckets, String region) {
        this.iam = iam;
        this.buckets = buckets;
        this.region = region;
    }

    /** The identity of the request's signer, or the anonymous caller. */
    static Identity identity(Optional<S3Authentication.Signed> signed) {
        return signed.map(s -> s.credential().identity()).orElse(Identity.anonymous());
    }

    /**
     * Refuses with AccessDenied unless {@code action} on {@code bucket} (and {@code key}) is allowed.
     *
     * @param putKeys for s3:PutObject, the SSE and copy keys of the request (key names as in IAM)
     */
    void require(S3Request r, Optional<S3Authentication.Signed> signed, String action, String bucket, Optional<String> key,
                 Map<String, String> putKeys) {
        AccessDecision d = decide(r, signed, action, bucket, key, putKeys);
        if (!d.allowed()) {
            Identity who = identity(signed);
            boolean sameAccount = owner(bucket, who).equals(who.principal().account());
            throw S3Error.accessDenied(sameAccount ? d.message(who.principal(), action, arn(action, bucket, key), true) : "Access Denied");
        }
    }

    boolean allows(S3Request r, Optional<S3Authentication.Signed> signed, String action, String bucket, Optional<String> key) {
        return decide(r, signed, action, bucket, key, Map.of()).allowed();
    }

    private AccessDecision decide(S3Request r, Optional<S3Authentication.Signed> signed, String action, String bucket,
                                  Optional<String> key, Map<String, String> putKeys) {
        Identity who = identity(signed);
        String owner = owner(bucket, who);
        RequestContext.Builder context = global(r, signed, who);
        context.put("s3:ResourceAccount", owner);
        if (S3Operation.LISTING_ACTIONS.contains(action)) {
            context.put("s3:prefix", r.param("prefix"));
            context.put("s3:delimiter", r.param("delimiter"));
            context.put("s3:max-keys", r.param("max-keys"));
        }
        if (action.equals("s3:PutObject")) {
            PUT_OBJECT_KEYS.forEach(k -> context.put(k, Optional.ofNullable(putKeys.get(k))));
        }
        iam.count(action + " " + who.principal().arn());
        return iam.authorize(who, action, arn(action, bucket, key), context.build(), Iam.Owner.bucket(owner, buckets.policy(bucket)));
    }

    /** The bucket's owner; a bucket yet to be created, and the service itself (ListBuckets), are the caller's own. */
    private String owner(String bucket, Identity who) {
        return buckets.owner(bucket).orElse(who.principal().account());
    }

    /** The global keys and those every S3 action carries: how the request was signed and sent. */
    RequestContext.Builder global(S3Request r, Optional<S3Authentication.Signed> signed, Identity who) {
        RequestContext.Builder b = signed.map(s -> iam.globalContext(s.credential(), r.secure(), r.sourceIp(), region))
                .orElseGet(() -> iam.globalContext(who, Optional.empty(), r.secure(), r.sourceIp(), region));
        signed.ifPresent(s -> {
            b.put("s3:authType", s.presigned() ? "REST-QUERY-STRING" : "REST-HEADER");
            b.put("s3:signatureversion", "AWS4-HMAC-SHA256");
            b.put("s3:signatureAge", String.valueOf(s.age().toMillis()));
        });
        b.put("s3:x-amz-content-sha256", r.header("x-amz-content-sha256"));
        if (r.secure() && !r.tlsVersion().isEmpty()) {
            b.put("s3:TlsVersion", r.tlsVersion());
        }
        return b;
    }

    private static String arn(String action, String bucket, Optional<String> key) {
        return action.equals("s3:ListAllMyBuckets") ? "*" : "arn:aws:s3:::" + bucket + key.map(k -> "/" + k).orElse("");
    }
}
