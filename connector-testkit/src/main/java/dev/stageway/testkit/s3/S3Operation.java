package dev.stageway.testkit.s3;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An S3 API operation as the request names it (method, bucket and key, sub-resource, copy
 * source), the IAM action S3 authorises it as, and how the sandbox serves it. Every request
 * is classified here before anything answers it; one that names no operation the sandbox
 * knows is refused.
 *
 * @param name     the API operation, as AWS's API reference names it
 * @param action   the IAM action S3 authorises it as, on the bucket or the object
 * @param handling who answers it
 */
record S3Operation(String name, String action, Scope scope, Handling handling) {

    enum Scope { SERVICE, BUCKET, OBJECT }

    enum Handling {
        /** s3proxy, behind the sandbox's checks. */
        PROXY,
        /** The sandbox itself (bucket policies and lifecycle rules, listing uploads with their initiators, object tags). */
        SANDBOX,
        /** Authorised as S3 would, then refused: the sandbox does not model what it does. */
        REFUSED
    }

    /** Bucket configuration sub-resources: operation names and actions for GET, PUT and DELETE. */
    private record Config(String get, String getAction, String put, String putAction, String delete, String deleteAction,
                          Handling handling) {
    }

    private static final Map<String, Config> BUCKET_CONFIG = Map.ofEntries(
            Map.entry("policy", new Config("GetBucketPolicy", "s3:GetBucketPolicy", "PutBucketPolicy", "s3:PutBucketPolicy",
                    "DeleteBucketPolicy", "s3:DeleteBucketPolicy", Handling.SANDBOX)),
            Map.entry("versioning", new Config("GetBucketVersioning", "s3:GetBucketVersioning", "PutBucketVersioning",
                    "s3:PutBucketVersioning", null, null, Handling.PROXY)),
            Map.entry("encryption", new Config("GetBucketEncryption", "s3:GetEncryptionConfiguration", "PutBucketEncryption",
                    "s3:PutEncryptionConfiguration", "DeleteBucketEncryption", "s3:PutEncryptionConfiguration", Handling.PROXY)),
            Map.entry("acl", new Config("GetBucketAcl", "s3:GetBucketAcl", "PutBucketAcl", "s3:PutBucketAcl", null, null,
                    Handling.REFUSED)),
            Map.entry("lifecycle", new Config("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration",
                    "PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", "DeleteBucketLifecycle",
                    "s3:PutLifecycleConfiguration", Handling.SANDBOX)),
            Map.entry("tagging", new Config("GetBucketTagging", "s3:GetBucketTagging", "PutBucketTagging", "s3:PutBucketTagging",
                    "DeleteBucketTagging", "s3:PutBucketTagging", Handling.REFUSED)),
            Map.entry("cors", new Config("GetBucketCors", "s3:GetBucketCORS", "PutBucketCors", "s3:PutBucketCORS",
                    "DeleteBucketCors", "s3:PutBucketCORS", Handling.REFUSED)),
            Map.entry("website", new Config("GetBucketWebsite", "s3:GetBucketWebsite", "PutBucketWebsite", "s3:PutBucketWebsite",
                    "DeleteBucketWebsite", "s3:DeleteBucketWebsite", Handling.REFUSED)),
            Map.entry("logging", new Config("GetBucketLogging", "s3:GetBucketLogging", "PutBucketLogging", "s3:PutBucketLogging",
                    null, null, Handling.REFUSED)),
            Map.entry("notification", new Config("GetBucketNotificationConfiguration", "s3:GetBucketNotification",
                    "PutBucketNotificationConfiguration", "s3:PutBucketNotification", null, null, Handling.REFUSED)),
            Map.entry("replication", new Config("GetBucketReplication", "s3:GetReplicationConfiguration", "PutBucketReplication",
                    "s3:PutReplicationConfiguration", "DeleteBucketReplication", "s3:PutReplicationConfiguration", Handling.REFUSED)),
            Map.entry("ownershipControls", new Config("GetBucketOwnershipControls", "s3:GetBucketOwnershipControls",
                    "PutBucketOwnershipControls", "s3:PutBucketOwnershipControls", "DeleteBucketOwnershipControls",
                    "s3:PutBucketOwnershipControls", Handling.REFUSED)),
            Map.entry("publicAccessBlock", new Config("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", "PutPublicAccessBlock",
                    "s3:PutBucketPublicAccessBlock", "DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", Handling.REFUSED)),
            Map.entry("accelerate", new Config("GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration",
                    "PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration", null, null, Handling.REFUSED)),
            Map.entry("requestPayment", new Config("GetBucketRequestPayment", "s3:GetBucketRequestPayment", "PutBucketRequestPayment",
                    "s3:PutBucketRequestPayment", null, null, Handling.REFUSED)),
            Map.entry("object-lock", new Config("GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration",
                    "PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", null, null, Handling.REFUSED)),
            Map.entry("policyStatus", new Config("GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", null, null, null, null,
                    Handling.REFUSED)),
            Map.entry("intelligent-tiering", new Config("GetBucketIntelligentTieringConfiguration",
                    "s3:GetIntelligentTieringConfiguration", "PutBucketIntelligentTieringConfiguration",
                    "s3:PutIntelligentTieringConfiguration", "DeleteBucketIntelligentTieringConfiguration",
                    "s3:PutIntelligentTieringConfiguration", Handling.REFUSED)),
            Map.entry("analytics", new Config("GetBucketAnalyticsConfiguration", "s3:GetAnalyticsConfiguration",
                    "PutBucketAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", "DeleteBucketAnalyticsConfiguration",
                    "s3:PutAnalyticsConfiguration", Handling.REFUSED)),
            Map.entry("metrics", new Config("GetBucketMetricsConfiguration", "s3:GetMetricsConfiguration",
                    "PutBucketMetricsConfiguration", "s3:PutMetricsConfiguration", "DeleteBucketMetricsConfiguration",
                    "s3:PutMetricsConfiguration", Handling.REFUSED)),
            Map.entry("inventory", new Config("GetBucketInventoryConfiguration", "s3:GetInventoryConfiguration",
                    "PutBucketInventoryConfiguration", "s3:PutInventoryConfiguration", "DeleteBucketInventoryConfiguration",
                    "s3:PutInventoryConfiguration", Handling.REFUSED)));

    /** Object sub-resources the sandbox knows, with the operations and actions for GET, PUT and DELETE. */
    private static final Map<String, Config> OBJECT_CONFIG = Map.of(
            "acl", new Config("GetObjectAcl", "s3:GetObjectAcl", "PutObjectAcl", "s3:PutObjectAcl", null, null, Handling.REFUSED),
            "tagging", new Config("GetObjectTagging", "s3:GetObjectTagging", "PutObjectTagging", "s3:PutObjectTagging",
                    "DeleteObjectTagging", "s3:DeleteObjectTagging", Handling.REFUSED),
            "retention", new Config("GetObjectRetention", "s3:GetObjectRetention", "PutObjectRetention", "s3:PutObjectRetention",
                    null, null, Handling.REFUSED),
            "legal-hold", new Config("GetObjectLegalHold", "s3:GetObjectLegalHold", "PutObjectLegalHold", "s3:PutObjectLegalHold",
                    null, null, Handling.REFUSED),
            "torrent", new Config("GetObjectTorrent", "s3:GetObject", null, null, null, null, Handling.REFUSED));

    /**
     * The operation {@code r} names. Empty when it names none the sandbox knows (an unknown
     * sub-resource, or a method the resource does not take).
     */
    static Optional<S3Operation> classify(S3Request r) {
        String m = r.method();
        if (r.bucket().isEmpty()) {
            return m.equals("GET") ? op("ListBuckets", "s3:ListAllMyBuckets", Scope.SERVICE, Handling.PROXY) : Optional.empty();
        }
        return r.key().isEmpty() ? bucketOperation(r, m) : objectOperation(r, m);
    }

    private static Optional<S3Operation> bucketOperation(S3Request r, String m) {
        for (Map.Entry<String, Config> e : BUCKET_CONFIG.entrySet()) {
            if (r.has(e.getKey())) {
                return config(e.getValue(), m, Scope.BUCKET, false);
            }
        }
        return switch (m) {
            case "GET" -> r.has("uploads") ? op("ListMultipartUploads", "s3:ListBucketMultipartUploads", Scope.BUCKET, Handling.SANDBOX)
                    : r.has("versions") ? op("ListObjectVersions", "s3:ListBucketVersions", Scope.BUCKET, Handling.PROXY)
                    : r.has("location") ? op("GetBucketLocation", "s3:GetBucketLocation", Scope.BUCKET, Handling.SANDBOX)
                    : op(r.has("list-type") ? "ListObjectsV2" : "ListObjects", "s3:ListBucket", Scope.BUCKET, Handling.PROXY);
            case "HEAD" -> op("HeadBucket", "s3:ListBucket", Scope.BUCKET, Handling.PROXY);
            case "PUT" -> op("CreateBucket", "s3:CreateBucket", Scope.BUCKET, Handling.SANDBOX);
            case "DELETE" -> op("DeleteBucket", "s3:DeleteBucket", Scope.BUCKET, Handling.PROXY);
            case "POST" -> r.has("delete") ? op("DeleteObjects", "s3:DeleteObject", Scope.BUCKET, Handling.PROXY)
                    : op("PostObject", "s3:PutObject", Scope.BUCKET, Handling.REFUSED);
            default -> Optional.empty();
        };
    }

    private static Optional<S3Operation> objectOperation(S3Request r, String m) {
        boolean version = r.has("versionId");
        for (Map.Entry<String, Config> e : OBJECT_CONFIG.entrySet()) {
            if (r.has(e.getKey())) {
                return config(e.getValue(), m, Scope.OBJECT, version);
            }
        }
        boolean copy = r.header("x-amz-copy-source").isPresent();
        return switch (m) {
            case "GET" -> r.has("uploadId") ? op("ListParts", "s3:ListMultipartUploadParts", Scope.OBJECT, Handling.PROXY)
                    : r.has("attributes") ? op("GetObjectAttributes", version ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes",
                    Scope.OBJECT, Handling.PROXY)
                    : op("GetObject", version ? "s3:GetObjectVersion" : "s3:GetObject", Scope.OBJECT, Handling.PROXY);
            case "HEAD" -> op("HeadObject", version ? "s3:GetObjectVersion" : "s3:GetObject", Scope.OBJECT, Handling.PROXY);
            case "PUT" -> r.has("uploadId") ? op(copy ? "UploadPartCopy" : "UploadPart", "s3:PutObject", Scope.OBJECT, Handling.PROXY)
                    : op(copy ? "CopyObject" : "PutObject", "s3:PutObject", Scope.OBJECT, Handling.PROXY);
            case "POST" -> r.has("uploads") ? op("CreateMultipartUpload", "s3:PutObject", Scope.OBJECT, Handling.PROXY)
                    : r.has("uploadId") ? op("CompleteMultipartUpload", "s3:PutObject", Scope.OBJECT, Handling.PROXY)
                    : r.has("restore") ? op("RestoreObject", "s3:RestoreObject", Scope.OBJECT, Handling.REFUSED)
                    : r.has("select") ? op("SelectObjectContent", "s3:GetObject", Scope.OBJECT, Handling.REFUSED)
                    : Optional.empty();
            case "DELETE" -> r.has("uploadId") ? op("AbortMultipartUpload", "s3:AbortMultipartUpload", Scope.OBJECT, Handling.PROXY)
                    : op("DeleteObject", version ? "s3:DeleteObjectVersion" : "s3:DeleteObject", Scope.OBJECT, Handling.PROXY);
            default -> Optional.empty();
        };
    }

    private static Optional<S3Operation> config(Config c, String method, Scope scope, boolean version) {
        String name = switch (method) {
            case "GET" -> c.get();
            case "PUT" -> c.put();
            case "DELETE" -> c.delete();
            default -> null;
        };
        if (name == null) {
            return Optional.empty();
        }
        String action = switch (method) {
            case "GET" -> c.getAction();
            case "PUT" -> c.putAction();
            default -> c.deleteAction();
        };
        if (version && scope == Scope.OBJECT) {
            action = action.replace("Object", "ObjectVersion");
        }
        // Object tags: the sandbox keeps none, so it can say truthfully that an object has none.
        Handling handling = name.equals("GetObjectTagging") ? Handling.SANDBOX : c.handling();
        return op(name, action, scope, handling);
    }

    private static Optional<S3Operation> op(String name, String action, Scope scope, Handling handling) {
        return Optional.of(new S3Operation(name, action, scope, handling));
    }

    /** Operations whose IAM action needs the object's key (as opposed to the bucket). */
    boolean onObject() {
        return scope == Scope.OBJECT;
    }

    /** The listing operations whose request carries {@code s3:prefix}, {@code s3:delimiter} and {@code s3:max-keys}. */
    static final List<String> LISTING_ACTIONS = List.of("s3:ListBucket", "s3:ListBucketVersions");
}
