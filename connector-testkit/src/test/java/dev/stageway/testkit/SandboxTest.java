package dev.stageway.testkit;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.s3.SandboxCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/** The sandbox enforces AWS's rules against the real SDK clients. */
class SandboxTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        try (S3Client admin = s3(AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY))) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("in/data.csv"), RequestBody.fromString("a,b\n1,2\n"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    static S3Client s3(AwsCredentials credentials) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).build();
    }

    static StsClient sts(AwsCredentials credentials) {
        return StsClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.stsEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).build();
    }

    static final AwsBasicCredentials AGENT = AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY);

    private static AssumeRoleResponse assumeCustomerRole(String externalId, int seconds) {
        try (StsClient sts = sts(AGENT)) {
            return sts.assumeRole(r -> r.roleArn(roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)).roleSessionName("test")
                    .externalId(externalId).durationSeconds(seconds));
        }
    }

    @Test
    void agentIdentityIsDeniedOnTheCustomerBucketButTheAssumedRoleReadsIt() {
        try (S3Client agent = s3(AGENT)) {
            S3Exception denied = assertThrows(S3Exception.class,
                    () -> agent.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("in/data.csv")));
            assertEquals(403, denied.statusCode());
            assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
            // S3 details its refusals only within the bucket owner's account.
            assertEquals("Access Denied", denied.awsErrorDetails().errorMessage());
        }
        var c = assumeCustomerRole(CUSTOMER_EXTERNAL_ID, 900).credentials();
        try (S3Client role = s3(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()))) {
            assertEquals("a,b\n1,2\n", role.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("in/data.csv")).asUtf8String());
        }
    }

    @Test
    void wrongOrMissingExternalIdIsDenied() {
        StsException wrong = assertThrows(StsException.class, () -> assumeCustomerRole("not-the-id", 900));
        assertEquals("AccessDenied", wrong.awsErrorDetails().errorCode());
        assertEquals("User: arn:aws:iam::111122223333:user/stageway-agent is not authorized to perform: sts:AssumeRole on "
                + "resource: arn:aws:iam::444455556666:role/stageway-customer-access because no role trust policy allows the "
                + "sts:AssumeRole action", wrong.awsErrorDetails().errorMessage());
        try (StsClient sts = sts(AGENT)) {
            StsException missing = assertThrows(StsException.class, () -> sts.assumeRole(r -> r
                    .roleArn(roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)).roleSessionName("test")));
            assertEquals("AccessDenied", missing.awsErrorDetails().errorCode());
        }
    }

    @Test
    void durationRulesFollowSts() {
        StsException tooShort = assertThrows(StsException.class, () -> assumeCustomerRole(CUSTOMER_EXTERNAL_ID, 899));
        assertEquals("1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 900", tooShort.awsErrorDetails().errorMessage());
        StsException overRoleMax = assertThrows(StsException.class,
                () -> assumeCustomerRole(CUSTOMER_EXTERNAL_ID, (int) CUSTOMER_ROLE_MAX_SESSION + 1));
        assertEquals("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                overRoleMax.awsErrorDetails().errorMessage());
        Instant before = Instant.now();
        Instant expiration = assumeCustomerRole(CUSTOMER_EXTERNAL_ID, 3600).credentials().expiration();
        assertTrue(Duration.between(before, expiration).toSeconds() >= 3599);
    }

    @Test
    void temporaryKeysNeedTheirTokenAndExpire() throws Exception {
        var c = assumeCustomerRole(CUSTOMER_EXTERNAL_ID, 900).credentials();
        try (S3Client noToken = s3(AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()))) {
            S3Exception e = assertThrows(S3Exception.class, () -> noToken.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET)));
            assertEquals("InvalidToken", e.awsErrorDetails().errorCode());
        }
        try (Sandbox shortLived = Sandbox.builder().sessionLifetime(Duration.ofSeconds(1)).build();
             StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(shortLived.stsEndpoint())
                     .credentialsProvider(StaticCredentialsProvider.create(AGENT)).build()) {
            var shortCreds = sts.assumeRole(r -> r.roleArn(roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)).roleSessionName("short")
                    .externalId(CUSTOMER_EXTERNAL_ID)).credentials();
            assertTrue(Duration.between(Instant.now(), shortCreds.expiration()).toMillis() <= 1000);
            Thread.sleep(1100);
            try (S3Client expired = S3Client.builder().region(Region.US_EAST_1).endpointOverride(shortLived.s3Endpoint())
                    .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            shortCreds.accessKeyId(), shortCreds.secretAccessKey(), shortCreds.sessionToken()))).build()) {
                S3Exception e = assertThrows(S3Exception.class, () -> expired.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET)));
                assertEquals("ExpiredToken", e.awsErrorDetails().errorCode());
            }
        }
    }

    @Test
    void wrongSecretFailsTheSignature() {
        try (StsClient sts = sts(AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID, "wrong-secret"))) {
            StsException e = assertThrows(StsException.class, () -> sts.getCallerIdentity());
            assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
        }
        try (S3Client s3 = s3(AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID, "wrong-secret"))) {
            S3Exception e = assertThrows(S3Exception.class, () -> s3.listObjectsV2(b -> b.bucket(AGENT_BUCKET)));
            assertEquals("SignatureDoesNotMatch", e.awsErrorDetails().errorCode());
        }
        try (StsClient sts = sts(AwsBasicCredentials.create("AKIAUNKNOWNKEY000001", "x"))) {
            StsException e = assertThrows(StsException.class, () -> sts.getCallerIdentity());
            assertEquals("InvalidClientTokenId", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void imdsRequiresATokenThenServesTheInstanceRole() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI creds = sandbox.imdsEndpoint().resolve("/latest/meta-data/iam/security-credentials/");
        assertEquals(401, http.send(HttpRequest.newBuilder(creds).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        String token = http.send(HttpRequest.newBuilder(sandbox.imdsEndpoint().resolve("/latest/api/token"))
                .header("X-aws-ec2-metadata-token-ttl-seconds", "60").PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> roleName = http.send(HttpRequest.newBuilder(creds).header("X-aws-ec2-metadata-token", token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(INSTANCE_ROLE, roleName.body());
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(creds.resolve(INSTANCE_ROLE))
                .header("X-aws-ec2-metadata-token", token).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(json.body().contains("\"AccessKeyId\":\"ASIA"), json.body());
    }

    @Test
    void s3OverTlsPresentsTheSandboxCertificateAndChecksTheSameRules() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(SandboxCertificate.trustStore());
        var c = assumeCustomerRole(CUSTOMER_EXTERNAL_ID, 900).credentials();
        try (S3Client role = S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3TlsEndpoint()).forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers))
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                        c.sessionToken()))).build()) {
            assertEquals("https", sandbox.s3TlsEndpoint().getScheme());
            assertEquals("a,b\n1,2\n", role.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("in/data.csv")).asUtf8String());
            S3Exception denied = assertThrows(S3Exception.class, () -> role.listObjectsV2(b -> b.bucket(AGENT_BUCKET)));
            assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
        }
        try (S3Client untrusting = S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3TlsEndpoint())
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AGENT)).build()) {
            SdkClientException e = assertThrows(SdkClientException.class, () -> untrusting.listObjectsV2(b -> b.bucket(AGENT_BUCKET)));
            assertTrue(causes(e).anyMatch(SSLHandshakeException.class::isInstance), e.toString());
        }
    }

    private static java.util.stream.Stream<Throwable> causes(Throwable t) {
        return java.util.stream.Stream.iterate(t, java.util.Objects::nonNull, Throwable::getCause);
    }

    /** Objects kept on disk carry their server-side encryption as in memory: SSE-KMS is not refused for them. */
    @Test
    void sseKmsWorksWhenObjectsAreKeptOnDisk(@TempDir java.nio.file.Path dir) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(SandboxCertificate.trustStore());
        try (Sandbox disk = Sandbox.builder().dataDirectory(dir).build();
             S3Client admin = S3Client.builder().region(Region.US_EAST_1).endpointOverride(disk.s3TlsEndpoint()).forcePathStyle(true)
                     .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers))
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID,
                             CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build()) {
            var put = admin.putObject(b -> b.bucket(CUSTOMER_SECURE_BUCKET).key(CUSTOMER_SECURE_PREFIX + "disk.csv"),
                    RequestBody.fromString("a,b\n"));
            assertEquals(customerKeyArn(), put.ssekmsKeyId(), "the bucket's default key");
            var got = admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_SECURE_BUCKET).key(CUSTOMER_SECURE_PREFIX + "disk.csv"));
            assertEquals("a,b\n", got.asUtf8String());
            assertEquals("aws:kms", got.response().serverSideEncryptionAsString());
            assertEquals(customerKeyArn(), got.response().ssekmsKeyId());
        }
    }

    @Test
    void configFileRoundTrips() {
        SandboxConfig config = DefaultSandbox.config();
        assertEquals(config, SandboxConfig.parse(config.toJson()));
    }
}
