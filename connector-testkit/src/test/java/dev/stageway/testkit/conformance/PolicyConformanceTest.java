package dev.stageway.testkit.conformance;

import static dev.stageway.testkit.conformance.ConformanceSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * IAM's policy evaluation as S3 and STS apply it, each rule sent over HTTP with the AWS SDK: a
 * request AWS allows and one it refuses.
 */
class PolicyConformanceTest {
    private static ConformanceSandbox aws;

    @BeforeAll
    static void start() throws Exception {
        aws = new ConformanceSandbox();
        try (S3Client admin = aws.s3(user("admin"))) {
            for (String key : List.of("allowed/a.csv", "secret/s.csv", "public/p.csv", "data/t.csv", "other/o.csv")) {
                admin.putObject(b -> b.bucket(DATA).key(key), RequestBody.fromString(key));
            }
            admin.putObject(b -> b.bucket(TLS_ONLY).key("k"), RequestBody.fromString("tls"));
            admin.putObject(b -> b.bucket(SHARED).key("k"), RequestBody.fromString("shared"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        aws.close();
    }

    private static void get(AwsCredentials who, String bucket, String key) {
        try (S3Client s3 = aws.s3(who)) {
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        }
    }

    private static void list(AwsCredentials who, String prefix) {
        try (S3Client s3 = aws.s3(who)) {
            s3.listObjectsV2(b -> b.bucket(DATA).prefix(prefix));
        }
    }

    private static AwsCredentials session(String json) {
        return aws.assume(user("admin"), roleArn(OWNER, "session-role"), b -> {
            if (json != null) {
                b.policy(json);
            }
        });
    }

    @TestFactory
    Stream<DynamicNode> rules() {
        String sessionPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\","
                + "\"Resource\":\"*\"}]}";
        return Rule.tests(List.of(
                new Rule("s3:prefix is supplied to s3:ListBucket, so a prefix-scoped grant lists its prefix only",
                        () -> list(user("lister"), "allowed/"), () -> list(user("lister"), "other/"),
                        403, "AccessDenied", "is not authorized to perform: s3:ListBucket on resource: \"arn:aws:s3:::conf-data\" because no "
                        + "identity-based policy allows the s3:ListBucket action"),
                new Rule("A condition on a key the request does not carry does not hold (a listing without a prefix)",
                        () -> list(user("lister"), "allowed/x"), () -> list(user("lister"), null),
                        403, "AccessDenied", "s3:ListBucket"),
                new Rule("NotResource allows every resource but those it names",
                        () -> get(user("notresource"), DATA, "public/p.csv"), () -> get(user("notresource"), DATA, "secret/s.csv"),
                        403, "AccessDenied", "no identity-based policy allows the s3:GetObject action"),
                new Rule("NotAction allows every action but those it names",
                        () -> get(user("notaction"), DATA, "public/p.csv"),
                        () -> {
                            try (S3Client s3 = aws.s3(user("notaction"))) {
                                s3.deleteObject(b -> b.bucket(DATA).key("public/p.csv"));
                            }
                        }, 403, "AccessDenied", "s3:DeleteObject"),
                new Rule("aws:SecureTransport is true only over HTTPS; a bucket policy's explicit deny wins over the caller's allow",
                        () -> get(user("admin"), TLS_ONLY, "k"),
                        () -> {
                            try (S3Client http = aws.s3(user("admin"), false, REGION)) {
                                http.getObjectAsBytes(b -> b.bucket(TLS_ONLY).key("k"));
                            }
                        }, 403, "AccessDenied", "with an explicit deny in a resource-based policy"),
                new Rule("Across accounts the identity policy and the bucket policy must both allow (and S3 says no more)",
                        () -> get(user("outsider"), SHARED, "k"), () -> get(user("outsider"), DATA, "public/p.csv"),
                        403, "AccessDenied", "Access Denied"),
                new Rule("A session policy narrows the session, whatever the role allows",
                        () -> get(session(null), DATA, "public/p.csv"), () -> get(session(sessionPolicy), DATA, "public/p.csv"),
                        403, "AccessDenied", "because no session policy allows the s3:GetObject action"),
                new Rule("An explicit deny of sts:AssumeRole in the caller's own policy wins over a trust policy naming the caller",
                        () -> aws.assume(user("assumer"), roleArn(OWNER, "session-role"), b -> { }),
                        () -> aws.assume(user("assumer"), roleArn(OWNER, "denied-role"), b -> { }),
                        403, "AccessDenied", "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/denied-role with an explicit deny "
                        + "in an identity-based policy"),
                new Rule("A role can only be assumed when its trust policy allows the caller",
                        () -> aws.assume(user("admin"), roleArn(OWNER, "session-role"), b -> { }),
                        () -> aws.assume(user("outsider"), roleArn(OWNER, "session-role"), b -> { }),
                        403, "AccessDenied", "because no role trust policy allows the sts:AssumeRole action"),
                new Rule("STS refuses a session policy with a Principal (MalformedPolicyDocument)",
                        () -> session(sessionPolicy),
                        () -> session("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                                + "\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"),
                        400, "MalformedPolicyDocument", "Policy document should not specify a principal."),
                new Rule("STS refuses a session policy over 2,048 characters",
                        () -> session(sessionPolicy),
                        () -> session("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                                + "\"Resource\":[" + "\"arn:aws:s3:::a-long-bucket-name-for-padding/*\",".repeat(50) + "\"*\"]}]}"),
                        400, "PackedPolicyTooLarge", "of allotted space"),
                new Rule("Session tags need sts:TagSession in the trust policy, and become aws:PrincipalTag",
                        () -> get(aws.assume(user("admin"), roleArn(OWNER, "tagged-role"),
                                b -> b.tags(Tag.builder().key("team").value("data").build())), DATA, "data/t.csv"),
                        () -> aws.assume(user("admin"), roleArn(OWNER, "tagged-role"),
                                b -> b.tags(Tag.builder().key("team").value("sales").build())),
                        403, "AccessDenied", "sts:TagSession"),
                new Rule("STS refuses what the sandbox does not model (PolicyArns) rather than ignoring it",
                        () -> session(null),
                        () -> aws.assume(user("admin"), roleArn(OWNER, "session-role"),
                                b -> b.policyArns(p -> p.arn("arn:aws:iam::aws:policy/ReadOnlyAccess"))),
                        501, "NotImplemented", "PolicyArns"),
                new Rule("ListBuckets needs s3:ListAllMyBuckets and shows only the caller's account's buckets",
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                List<String> names = s3.listBuckets().buckets().stream().map(b -> b.name()).toList();
                                assertTrue(names.contains(DATA), names.toString());
                                assertFalse(names.contains(OTHERS_BUCKET), names.toString());
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("reader"))) {
                                s3.listBuckets();
                            }
                        }, 403, "AccessDenied", "s3:ListAllMyBuckets because no identity-based policy allows"),
                new Rule("GetObject of a missing key is 404 NoSuchKey to a caller that may list the bucket, 403 to others",
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                var e = assertThrows(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class,
                                        () -> s3.getObjectAsBytes(b -> b.bucket(DATA).key("missing")));
                                assertEquals(404, e.statusCode());
                            }
                        },
                        () -> get(user("reader"), DATA, "missing"), 403, "AccessDenied", "Access Denied"),
                new Rule("Every operation is authorised as its own IAM action (GetBucketVersioning as s3:GetBucketVersioning)",
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                s3.getBucketVersioning(b -> b.bucket(DATA));
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("reader"))) {
                                s3.getBucketVersioning(b -> b.bucket(DATA));
                            }
                        }, 403, "AccessDenied", "s3:GetBucketVersioning"),
                new Rule("An operation the sandbox does not model is authorised first, then refused, never passed through",
                        () -> {
                            try (S3Client s3 = aws.s3(user("reader"))) {
                                var e = assertThrows(software.amazon.awssdk.services.s3.model.S3Exception.class,
                                        () -> s3.getBucketTagging(b -> b.bucket(DATA)));
                                assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
                                assertTrue(e.awsErrorDetails().errorMessage().contains("s3:GetBucketTagging"));
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                s3.getBucketTagging(b -> b.bucket(DATA));
                            }
                        }, 501, "NotImplemented", "GetBucketTagging"),
                new Rule("CopyObject needs s3:GetObject on the source and s3:PutObject on the destination (aws s3 cp between buckets)",
                        () -> {
                            try (S3Client s3 = aws.s3(user("notaction"))) {
                                s3.copyObject(b -> b.sourceBucket(DATA).sourceKey("public/p.csv").destinationBucket(DATA)
                                        .destinationKey("copies/p.csv"));
                                assertEquals(0, s3.getObjectTagging(b -> b.bucket(DATA).key("copies/p.csv")).tagSet().size());
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("uploader"))) {
                                s3.copyObject(b -> b.sourceBucket(DATA).sourceKey("public/p.csv").destinationBucket(DATA)
                                        .destinationKey("up/p.csv"));
                            }
                        }, 403, "AccessDenied", "s3:GetObject on resource: \"arn:aws:s3:::conf-data/public/p.csv\""),
                new Rule("ListMultipartUploads names each upload's real initiator, and needs s3:ListBucketMultipartUploads "
                        + "(which no s3:prefix condition can narrow)",
                        () -> {
                            String id;
                            try (S3Client s3 = aws.s3(user("uploader"))) {
                                id = s3.createMultipartUpload(b -> b.bucket(DATA).key("up/listed")).uploadId();
                            }
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                var upload = s3.listMultipartUploads(b -> b.bucket(DATA).prefix("up/listed")).uploads().stream()
                                        .filter(u -> u.uploadId().equals(id)).findFirst().orElseThrow();
                                assertEquals("arn:aws:iam::" + OWNER + ":user/uploader", upload.initiator().id());
                                s3.abortMultipartUpload(b -> b.bucket(DATA).key("up/listed").uploadId(id));
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("lister"))) {
                                s3.listMultipartUploads(b -> b.bucket(DATA).prefix("allowed/"));
                            }
                        }, 403, "AccessDenied", "s3:ListBucketMultipartUploads"),
                new Rule("A request to a bucket that does not exist is 404 NoSuchBucket",
                        () -> get(user("admin"), DATA, "public/p.csv"), () -> get(user("admin"), "no-such-bucket", "k"),
                        404, "NoSuchBucket", "The specified bucket does not exist"),
                new Rule("GetCallerIdentity names the caller; the unique id is IAM's, never the access key",
                        () -> {
                            try (StsClient sts = aws.sts(user("reader"))) {
                                var id = sts.getCallerIdentity();
                                assertEquals("arn:aws:iam::" + OWNER + ":user/reader", id.arn());
                                assertTrue(id.userId().startsWith("AIDA"), id.userId());
                            }
                        },
                        () -> {
                            try (StsClient sts = aws.sts(software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                    "AKIAUNKNOWN000000000", SECRET))) {
                                sts.getCallerIdentity();
                            }
                        }, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")));
    }
}
