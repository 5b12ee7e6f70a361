package dev.stageway.testkit.conformance;

import static dev.stageway.testkit.conformance.ConformanceSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.sigv4.SigV4;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * How S3 and STS check signatures, keep multipart uploads whole, and use KMS for SSE-KMS, each
 * rule sent over HTTP: with the AWS SDK, or as a raw signed request where the SDK would not
 * make the bad one.
 */
class ProtocolConformanceTest {
    private static final int PART = 5 * 1024 * 1024;
    private static ConformanceSandbox aws;

    @BeforeAll
    static void start() throws Exception {
        aws = new ConformanceSandbox();
        try (S3Client admin = aws.s3(user("admin"))) {
            admin.putObject(b -> b.bucket(DATA).key("k"), RequestBody.fromString("data"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        aws.close();
    }

    private static Rule.Attempt raw(SdkHttpRequest.Builder request, byte[] body, AwsCredentials who, String service, String region,
                                    Clock clock, Optional<Duration> presign, UnaryOperator<SdkHttpRequest> after) {
        return () -> Rule.expectSuccess(aws.send(request.build(), body, who, service, region, clock, presign, after));
    }

    private static Rule.Attempt getK(String service, String region, UnaryOperator<SdkHttpRequest> after) {
        return raw(aws.s3Request(SdkHttpMethod.GET, "/" + DATA + "/k"), new byte[0], user("admin"), service, region,
                Clock.systemUTC(), Optional.empty(), after);
    }

    /** Uploads two parts of a CRC32 multipart upload and completes it with the parts {@code complete} makes of them. */
    private static void multipart(AwsCredentials who, String bucket, Optional<String> kmsKey,
                                  UnaryOperator<List<CompletedPart>> complete) {
        try (S3Client s3 = aws.s3(who)) {
            String id = s3.createMultipartUpload(b -> {
                b.bucket(bucket).key("up/mp").checksumAlgorithm(ChecksumAlgorithm.CRC32);
                kmsKey.ifPresent(k -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(k));
            }).uploadId();
            List<CompletedPart> parts = new ArrayList<>();
            for (int n = 1; n <= 2; n++) {
                int part = n;
                var r = s3.uploadPart(b -> b.bucket(bucket).key("up/mp").uploadId(id).partNumber(part)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(new byte[part == 1 ? PART : 10]));
                parts.add(CompletedPart.builder().partNumber(part).eTag(r.eTag()).checksumCRC32(r.checksumCRC32()).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key("up/mp").uploadId(id).multipartUpload(m -> m.parts(complete.apply(parts))));
        }
    }

    private static void put(AwsCredentials who, String bucket, boolean https, java.util.function.Consumer<
            software.amazon.awssdk.services.s3.model.PutObjectRequest.Builder> sse) {
        try (S3Client s3 = aws.s3(who, https, REGION)) {
            s3.putObject(b -> {
                b.bucket(bucket).key("enc/o");
                sse.accept(b);
            }, RequestBody.fromString("secret data"));
        }
    }

    @TestFactory
    Stream<DynamicNode> rules() {
        String identity = "Action=GetCallerIdentity&Version=2011-06-15";
        Clock skewed = Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
        return Rule.tests(List.of(
                new Rule("SigV4 (S3): the credential scope's region must be the endpoint's",
                        () -> get(REGION), () -> get("us-east-1"),
                        400, "AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; expecting 'eu-west-1'"),
                new Rule("SigV4 (STS): the credential scope's region must be the endpoint's",
                        () -> stsCall(REGION), () -> stsCall("us-west-2"),
                        403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region."),
                new Rule("SigV4 (S3): the credential scope's service must be s3",
                        getK("s3", REGION, UnaryOperator.identity()), getK("sts", REGION, UnaryOperator.identity()),
                        400, "AuthorizationHeaderMalformed", "incorrect service \"sts\". This endpoint belongs to \"s3\"."),
                new Rule("SigV4 (S3): the scope's date must be the date of X-Amz-Date",
                        getK("s3", REGION, UnaryOperator.identity()),
                        getK("s3", REGION, r -> r.toBuilder().putHeader("Authorization", r.firstMatchingHeader("Authorization").orElseThrow()
                                .replaceFirst("/(\\d{8})/", "/19990101/")).build()),
                        400, "AuthorizationHeaderMalformed", "Invalid credential date. Date is not the same as X-Amz-Date."),
                new Rule("SigV4 (S3): every x-amz-* header present must be signed",
                        getK("s3", REGION, UnaryOperator.identity()),
                        getK("s3", REGION, r -> r.toBuilder().putHeader("x-amz-meta-added", "after signing").build()),
                        403, "AccessDenied", "There were headers present in the request which were not signed"),
                new Rule("SigV4 (S3): a request more than 15 minutes from now is refused",
                        getK("s3", REGION, UnaryOperator.identity()),
                        raw(aws.s3Request(SdkHttpMethod.GET, "/" + DATA + "/k"), new byte[0], user("admin"), "s3", REGION, skewed,
                                Optional.empty(), UnaryOperator.identity()),
                        403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."),
                new Rule("SigV4 (STS): a request more than 15 minutes from now is refused",
                        () -> stsCall(REGION),
                        raw(aws.stsRequest(identity.getBytes(StandardCharsets.UTF_8)), identity.getBytes(StandardCharsets.UTF_8), user("admin"),
                                "sts", REGION, skewed, Optional.empty(), UnaryOperator.identity()),
                        403, "SignatureDoesNotMatch", "Signature expired:"),
                new Rule("SigV2 is refused",
                        getK("s3", REGION, UnaryOperator.identity()),
                        getK("s3", REGION, r -> r.toBuilder().putHeader("Authorization", "AWS " + key("admin") + ":c2lnbmF0dXJl").build()),
                        400, "InvalidRequest", "Please use AWS4-HMAC-SHA256."),
                new Rule("STS hashes the body itself rather than trusting x-amz-content-sha256",
                        () -> Rule.expectSuccess(aws.send(aws.stsRequest(identity.getBytes(StandardCharsets.UTF_8))
                                        .putHeader("x-amz-content-sha256", SigV4.hex(SigV4.sha256(identity.getBytes(StandardCharsets.UTF_8)))).build(),
                                identity.getBytes(StandardCharsets.UTF_8), user("admin"), "sts", REGION, Clock.systemUTC(), Optional.empty(),
                                UnaryOperator.identity())),
                        () -> {
                            byte[] signed = identity.getBytes(StandardCharsets.UTF_8);
                            byte[] sent = (identity + "&Extra=1").getBytes(StandardCharsets.UTF_8);
                            SdkHttpRequest request = aws.stsRequest(signed)
                                    .putHeader("x-amz-content-sha256", SigV4.hex(SigV4.sha256(signed))).build();
                            // Signed over the first body, sent with another: only a server that hashes what it got notices.
                            Rule.expectSuccess(aws.send(request, signed, user("admin"), "sts", REGION, Clock.systemUTC(), Optional.empty(),
                                    r -> r.toBuilder().putHeader("Content-Length", String.valueOf(sent.length)).build(), sent));
                        }, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match"),
                new Rule("A presigned URL stops working when it expires",
                        raw(aws.s3Request(SdkHttpMethod.GET, "/" + DATA + "/k"), new byte[0], user("admin"), "s3", REGION, Clock.systemUTC(),
                                Optional.of(Duration.ofMinutes(5)), UnaryOperator.identity()),
                        raw(aws.s3Request(SdkHttpMethod.GET, "/" + DATA + "/k"), new byte[0], user("admin"), "s3", REGION,
                                Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC), Optional.of(Duration.ofMinutes(5)),
                                UnaryOperator.identity()),
                        403, "AccessDenied", "Request has expired"),
                new Rule("A composite-checksum upload's Complete must list each part's checksum",
                        () -> multipart(user("admin"), DATA, Optional.empty(), parts -> parts),
                        () -> multipart(user("admin"), DATA, Optional.empty(), parts -> parts.stream()
                                .map(p -> p.toBuilder().checksumCRC32(null).build()).toList()),
                        400, "InvalidRequest", "The upload was created using a crc32 checksum. The complete request must include the "
                        + "checksum for each part. It was missing for part 1 in the request."),
                new Rule("A part checksum in Complete must be the one S3 computed for the part",
                        () -> multipart(user("admin"), DATA, Optional.empty(), parts -> parts),
                        () -> multipart(user("admin"), DATA, Optional.empty(), parts -> parts.stream()
                                .map(p -> p.toBuilder().checksumCRC32("AAAAAA==").build()).toList()),
                        400, "InvalidPart", "One or more of the specified parts could not be found."),
                new Rule("UploadPart to an upload id S3 does not know is 404 NoSuchUpload",
                        () -> multipart(user("admin"), DATA, Optional.empty(), parts -> parts),
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                s3.uploadPart(b -> b.bucket(DATA).key("up/mp").uploadId("no-such-upload").partNumber(1),
                                        RequestBody.fromString("x"));
                            }
                        }, 404, "NoSuchUpload", "The specified upload does not exist."),
                new Rule("UploadPart to an aborted upload is 404 NoSuchUpload",
                        () -> multipart(user("admin"), DATA, Optional.empty(), parts -> parts),
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                String id = s3.createMultipartUpload(b -> b.bucket(DATA).key("up/aborted")).uploadId();
                                s3.abortMultipartUpload(b -> b.bucket(DATA).key("up/aborted").uploadId(id));
                                s3.uploadPart(b -> b.bucket(DATA).key("up/aborted").uploadId(id).partNumber(1), RequestBody.fromString("x"));
                            }
                        }, 404, "NoSuchUpload", "The specified upload does not exist."),
                new Rule("A wrong Content-MD5 is 400 BadDigest",
                        () -> put(user("admin"), DATA, true, b -> b.contentMD5(md5("secret data"))),
                        () -> put(user("admin"), DATA, true, b -> b.contentMD5(md5("other data"))),
                        400, "BadDigest", "The Content-MD5 you specified did not match what we received."),
                new Rule("A wrong CRC32 checksum is 400 BadDigest",
                        () -> put(user("admin"), DATA, true, b -> b.checksumAlgorithm(ChecksumAlgorithm.CRC32)),
                        () -> put(user("admin"), DATA, true, b -> b.checksumCRC32("AAAAAA==")),
                        400, "BadDigest", "The CRC32 you specified did not match the calculated checksum."),
                new Rule("A multipart upload under a prefix needs s3:PutObject on its key only (none of S3's bookkeeping is the caller's)",
                        () -> multipart(user("uploader"), DATA, Optional.empty(), parts -> parts),
                        () -> {
                            try (S3Client s3 = aws.s3(user("uploader"))) {
                                s3.createMultipartUpload(b -> b.bucket(DATA).key("down/mp"));
                            }
                        }, 403, "AccessDenied", "s3:PutObject on resource: \"arn:aws:s3:::conf-data/down/mp\""),
                new Rule("AbortMultipartUpload needs s3:AbortMultipartUpload",
                        () -> abort(user("aborter")), () -> abort(user("uploader")),
                        403, "AccessDenied", "because no identity-based policy allows the s3:AbortMultipartUpload action"),
                new Rule("SSE-KMS puts need kms:GenerateDataKey on the key; reads need kms:Decrypt",
                        () -> put(user("encryptor"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(KEY)),
                        () -> {
                            put(user("encryptor"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(KEY));
                            try (S3Client s3 = aws.s3(user("encryptor"))) {
                                s3.getObjectAsBytes(b -> b.bucket(DATA).key("enc/o"));
                            }
                        }, 403, "AccessDenied", "kms:Decrypt on resource: " + KEY_ARN + " because no identity-based policy allows"),
                new Rule("A key policy must allow: an identity policy alone does not open another key",
                        () -> put(user("admin"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(KEY)),
                        () -> put(user("admin"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS)
                                .ssekmsKeyId(DECRYPT_ONLY_KEY)),
                        403, "AccessDenied", "kms:GenerateDataKey"),
                new Rule("A multipart upload with SSE-KMS needs kms:Decrypt too",
                        () -> multipart(user("admin"), DATA, Optional.of(KEY), parts -> parts),
                        () -> multipart(user("encryptor"), DATA, Optional.of(KEY), parts -> parts),
                        403, "AccessDenied", "kms:Decrypt"),
                new Rule("An SSE-KMS key S3 cannot find fails as S3 relays KMS's error",
                        () -> put(user("admin"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("alias/conformance")),
                        () -> put(user("admin"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("alias/none")),
                        400, "KMS.NotFoundException", "Invalid keyId 'alias/none'"),
                new Rule("SSE-KMS must be asked for over HTTPS",
                        () -> put(user("admin"), DATA, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(KEY)),
                        () -> put(user("admin"), DATA, false, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(KEY)),
                        400, "InvalidArgument", "must be made over a secure connection"),
                new Rule("A bucket's default SSE-KMS key is the key a put is judged by; a policy denying other keys refuses SSE-S3",
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                var r = s3.putObject(b -> b.bucket(SECURE).key("o"), RequestBody.fromString("x"));
                                assertEquals(KEY_ARN, r.ssekmsKeyId());
                            }
                        },
                        () -> put(user("admin"), SECURE, true, b -> b.serverSideEncryption(ServerSideEncryption.AES256)),
                        403, "AccessDenied", "with an explicit deny in a resource-based policy"),
                new Rule("A lifecycle rule must have an action, and AbortIncompleteMultipartUpload a positive number of days",
                        () -> lifecycle(LifecycleRule.builder().id("abort").filter(f -> f.prefix("up/")).status(ExpirationStatus.ENABLED)
                                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(7)).build()),
                        () -> lifecycle(LifecycleRule.builder().id("abort").filter(f -> f.prefix("up/")).status(ExpirationStatus.ENABLED)
                                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(0)).build()),
                        400, "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"),
                new Rule("Lifecycle rule IDs are unique within a bucket",
                        () -> lifecycle(abortRule("a", "up/"), abortRule("b", "down/")),
                        () -> lifecycle(abortRule("a", "up/"), abortRule("a", "down/")),
                        400, "InvalidArgument", "Rule ID must be unique"),
                new Rule("A bucket without a lifecycle configuration answers 404 NoSuchLifecycleConfiguration",
                        () -> {
                            lifecycle(abortRule("a", "up/"), abortRule("b", ""));
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                var rules = s3.getBucketLifecycleConfiguration(b -> b.bucket(DATA)).rules();
                                assertEquals(List.of("a", "b"), rules.stream().map(LifecycleRule::id).toList());
                                assertEquals(7, rules.get(0).abortIncompleteMultipartUpload().daysAfterInitiation());
                                assertEquals("up/", rules.get(0).filter().prefix());
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                s3.deleteBucketLifecycle(b -> b.bucket(DATA));
                                s3.getBucketLifecycleConfiguration(b -> b.bucket(DATA));
                            }
                        }, 404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
                new Rule("Reading a bucket's lifecycle configuration needs s3:GetLifecycleConfiguration",
                        () -> {
                            lifecycle(abortRule("a", "up/"));
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                s3.getBucketLifecycleConfiguration(b -> b.bucket(DATA));
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("reader"))) {
                                s3.getBucketLifecycleConfiguration(b -> b.bucket(DATA));
                            }
                        }, 403, "AccessDenied", "s3:GetLifecycleConfiguration on resource: \"arn:aws:s3:::conf-data\""),
                new Rule("Listing multipart uploads needs s3:ListBucketMultipartUploads (s3:ListBucket is not enough)",
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                s3.listMultipartUploads(b -> b.bucket(DATA).prefix("allowed/"));
                            }
                        },
                        () -> {
                            try (S3Client s3 = aws.s3(user("lister"))) {
                                s3.listMultipartUploads(b -> b.bucket(DATA).prefix("allowed/"));
                            }
                        }, 403, "AccessDenied", "s3:ListBucketMultipartUploads"),
                new Rule("No key id means the account's aws/s3 key",
                        () -> {
                            try (S3Client s3 = aws.s3(user("admin"))) {
                                var r = s3.putObject(b -> b.bucket(DATA).key("o").serverSideEncryption(ServerSideEncryption.AWS_KMS),
                                        RequestBody.fromString("x"));
                                assertEquals(aws.sandbox.kms().awsManagedS3Key(OWNER).arn(), r.ssekmsKeyId());
                            }
                        },
                        () -> put(user("admin"), SECURE, true, b -> b.serverSideEncryption(ServerSideEncryption.AWS_KMS)),
                        403, "AccessDenied", "with an explicit deny in a resource-based policy")));
    }

    private static void get(String region) {
        try (S3Client s3 = aws.s3(user("admin"), true, region)) {
            s3.getObjectAsBytes(b -> b.bucket(DATA).key("k"));
        }
    }

    private static void stsCall(String region) {
        try (StsClient sts = aws.sts(user("admin"), region)) {
            sts.getCallerIdentity();
        }
    }

    private static void abort(AwsCredentials who) {
        try (S3Client s3 = aws.s3(who)) {
            String id = s3.createMultipartUpload(b -> b.bucket(DATA).key("up/abort")).uploadId();
            s3.abortMultipartUpload(b -> b.bucket(DATA).key("up/abort").uploadId(id));
        }
    }

    private static LifecycleRule abortRule(String id, String prefix) {
        return LifecycleRule.builder().id(id).filter(f -> f.prefix(prefix)).status(ExpirationStatus.ENABLED)
                .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(7)).build();
    }

    private static void lifecycle(LifecycleRule... rules) {
        try (S3Client s3 = aws.s3(user("admin"))) {
            s3.putBucketLifecycleConfiguration(b -> b.bucket(DATA).lifecycleConfiguration(c -> c.rules(rules)));
        }
    }

    private static String md5(String s) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
