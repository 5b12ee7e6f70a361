package dev.stageway.testkit.conformance;

import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.SandboxConfig;
import dev.stageway.testkit.s3.SandboxCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * A sandbox built for the conformance suite: an owner account whose users each hold one kind of
 * least-privilege policy, a second account for cross-account rules, buckets with policies and
 * default encryption, and KMS keys; plus SDK clients and a raw SigV4 signer for the requests the
 * SDK will not make.
 */
final class ConformanceSandbox implements AutoCloseable {
    static final String OWNER = "123456789012";
    static final String OTHER = "210987654321";
    static final String REGION = "eu-west-1";
    static final String DATA = "conf-data";
    static final String TLS_ONLY = "conf-tls";
    static final String SHARED = "conf-shared";
    static final String SECURE = "conf-secure";
    static final String OTHERS_BUCKET = "other-data";
    static final String KEY = "0a1b2c3d-1111-4222-8333-444455556666";
    static final String KEY_ARN = "arn:aws:kms:" + REGION + ":" + OWNER + ":key/" + KEY;
    static final String DECRYPT_ONLY_KEY = "0a1b2c3d-2222-4222-8333-444455556666";
    static final String SECRET = "conformance/Secret/Key/0000000000000000000";

    final Sandbox sandbox;
    private final SdkHttpClient http;

    ConformanceSandbox() throws Exception {
        this.sandbox = Sandbox.builder().config(config()).build();
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(SandboxCertificate.trustStore());
        this.http = ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).build();
    }

    /** The access key id of the named user; every user's secret is {@link #SECRET}. */
    static String key(String user) {
        String id = ("AKIA" + user.toUpperCase().replaceAll("[^A-Z0-9]", "") + "0000000000000000").substring(0, 20);
        return id;
    }

    static AwsCredentials user(String name) {
        return AwsBasicCredentials.create(key(name), SECRET);
    }

    static String roleArn(String account, String name) {
        return "arn:aws:iam::" + account + ":role/" + name;
    }

    S3Client s3(AwsCredentials c) {
        return s3(c, true, REGION);
    }

    S3Client s3(AwsCredentials c, boolean https, String region) {
        return S3Client.builder().region(Region.of(region)).endpointOverride(https ? sandbox.s3TlsEndpoint() : sandbox.s3Endpoint())
                .forcePathStyle(true).httpClient(http).credentialsProvider(StaticCredentialsProvider.create(c)).build();
    }

    StsClient sts(AwsCredentials c) {
        return sts(c, REGION);
    }

    StsClient sts(AwsCredentials c, String region) {
        return StsClient.builder().region(Region.of(region)).endpointOverride(sandbox.stsEndpoint()).httpClient(http)
                .credentialsProvider(StaticCredentialsProvider.create(c)).build();
    }

    AwsCredentials assume(AwsCredentials caller, String roleArn, Consumer<software.amazon.awssdk.services.sts.model.AssumeRoleRequest.Builder> more) {
        try (StsClient sts = sts(caller)) {
            Credentials c = sts.assumeRole(b -> {
                b.roleArn(roleArn).roleSessionName("conformance");
                more.accept(b);
            }).credentials();
            return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
    }

    /** A response to a raw request: status, body text and headers. */
    record Raw(int status, String body, Map<String, List<String>> headers) {
        boolean has(String code) {
            return body.contains("<Code>" + code + "</Code>");
        }
    }

    /**
     * Signs {@code request} with SigV4 for {@code service} (query-string signing when {@code presign}),
     * lets {@code after} change the signed request, and sends it.
     */
    Raw send(SdkHttpRequest request, byte[] body, AwsCredentials c, String service, String region, Clock clock,
             Optional<java.time.Duration> presign, java.util.function.UnaryOperator<SdkHttpRequest> after) throws IOException {
        return send(request, body, c, service, region, clock, presign, after, body);
    }

    /** As above, but sends {@code sent} rather than the body it signed. */
    Raw send(SdkHttpRequest request, byte[] body, AwsCredentials c, String service, String region, Clock clock,
             Optional<java.time.Duration> presign, java.util.function.UnaryOperator<SdkHttpRequest> after, byte[] sent) throws IOException {
        SignRequest.Builder<AwsCredentials> sign = SignRequest.builder(c)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.SIGNING_CLOCK, clock);
        // S3 signs a payload hash in the header, UNSIGNED-PAYLOAD in a presigned URL.
        sign.putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, presign.isEmpty());
        presign.ifPresent(d -> sign.putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, d));
        SdkHttpRequest signed = after.apply(AwsV4HttpSigner.create().sign(sign.build()).request());
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed)
                .contentStreamProvider(() -> new ByteArrayInputStream(sent)).build()).call();
        String text = response.responseBody().map(b -> {
            try (b) {
                return new String(b.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).orElse("");
        return new Raw(response.httpResponse().statusCode(), text, response.httpResponse().headers());
    }

    SdkHttpRequest.Builder s3Request(SdkHttpMethod method, String path) {
        URI endpoint = sandbox.s3TlsEndpoint();
        return SdkHttpRequest.builder().method(method).protocol("https").host(endpoint.getHost()).port(endpoint.getPort()).encodedPath(path);
    }

    SdkHttpRequest.Builder stsRequest(byte[] body) {
        URI endpoint = sandbox.stsEndpoint();
        return SdkHttpRequest.builder().method(SdkHttpMethod.POST).protocol("http").host(endpoint.getHost()).port(endpoint.getPort())
                .encodedPath("/").putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .putHeader("Content-Length", String.valueOf(body.length));
    }

    @Override
    public void close() throws Exception {
        http.close();
        sandbox.close();
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private static String allow(String actions, String resources) {
        return "{\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Resource\":" + resources + "}";
    }

    private static SandboxConfig.User user(String name, String policy) {
        return new SandboxConfig.User(name, key(name), SECRET, policy);
    }

    private static SandboxConfig config() {
        String data = "\"arn:aws:s3:::" + DATA + "\"";
        SandboxConfig.Account owner = new SandboxConfig.Account(OWNER, "owner", List.of(
                user("admin", policy(allow("[\"s3:*\",\"kms:*\",\"sts:AssumeRole\",\"sts:TagSession\"]", "\"*\""))),
                user("lister", policy("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":" + data
                        + ",\"Condition\":{\"StringLike\":{\"s3:prefix\":\"allowed/*\"}}}")),
                user("reader", policy(allow("\"s3:GetObject\"", "\"arn:aws:s3:::" + DATA + "/*\""))),
                user("uploader", policy(allow("\"s3:PutObject\"", "\"arn:aws:s3:::" + DATA + "/up/*\""))),
                user("aborter", policy(allow("[\"s3:PutObject\",\"s3:AbortMultipartUpload\"]", "\"arn:aws:s3:::" + DATA + "/up/*\""))),
                user("notresource", policy("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"NotResource\":\"arn:aws:s3:::" + DATA
                        + "/secret/*\"}")),
                user("notaction", policy("{\"Effect\":\"Allow\",\"NotAction\":\"s3:Delete*\",\"Resource\":\"arn:aws:s3:::" + DATA + "/*\"}")),
                user("assumer", policy(allow("\"sts:AssumeRole\"", "\"*\""), "{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\","
                        + "\"Resource\":\"" + roleArn(OWNER, "denied-role") + "\"}")),
                user("encryptor", policy(allow("[\"s3:PutObject\",\"s3:GetObject\",\"s3:ListBucket\"]", "\"*\""),
                        allow("\"kms:GenerateDataKey\"", "\"" + KEY_ARN + "\"")))),
                List.of(new SandboxConfig.RoleSpec("session-role", 3600, trust("{\"AWS\":\"" + OWNER + "\"}", ""),
                                policy(allow("[\"s3:GetObject\",\"s3:ListBucket\"]", "[" + data + ",\"arn:aws:s3:::" + DATA + "/*\"]"))),
                        new SandboxConfig.RoleSpec("denied-role", 3600, trust("{\"AWS\":\"arn:aws:iam::" + OWNER + ":user/assumer\"}", ""),
                                policy(allow("\"s3:GetObject\"", "\"*\""))),
                        new SandboxConfig.RoleSpec("tagged-role", 3600, policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OWNER
                                + "\"},\"Action\":\"sts:AssumeRole\"},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OWNER
                                + "\"},\"Action\":\"sts:TagSession\",\"Condition\":{\"StringEquals\":{\"aws:RequestTag/team\":\"data\"}}}"),
                                policy(allow("\"s3:GetObject\"", "\"arn:aws:s3:::" + DATA + "/${aws:PrincipalTag/team}/*\"")))),
                List.of(new SandboxConfig.Bucket(DATA, Optional.empty(), Optional.empty()),
                        new SandboxConfig.Bucket(TLS_ONLY, Optional.of(policy("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                                + "\"Resource\":[\"arn:aws:s3:::" + TLS_ONLY + "\",\"arn:aws:s3:::" + TLS_ONLY + "/*\"],"
                                + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}")), Optional.empty()),
                        new SandboxConfig.Bucket(SHARED, Optional.of(policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::"
                                + OTHER + ":user/outsider\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + SHARED + "/*\"}")),
                                Optional.empty()),
                        new SandboxConfig.Bucket(SECURE, Optional.of(policy("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\","
                                + "\"Resource\":\"arn:aws:s3:::" + SECURE + "/*\",\"Condition\":{\"ArnNotEqualsIfExists\":"
                                + "{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"" + KEY_ARN + "\"}}}")),
                                Optional.of(new SandboxConfig.BucketEncryption("aws:kms", Optional.of(KEY))))),
                List.of(new SandboxConfig.KmsKeySpec(KEY, List.of("alias/conformance"), policy("{\"Effect\":\"Allow\",\"Principal\":"
                                + "{\"AWS\":\"arn:aws:iam::" + OWNER + ":root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"), true),
                        new SandboxConfig.KmsKeySpec(DECRYPT_ONLY_KEY, List.of(), policy("{\"Effect\":\"Allow\",\"Principal\":"
                                + "{\"AWS\":\"arn:aws:iam::" + OWNER + ":user/encryptor\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}"), true)));
        SandboxConfig.Account other = new SandboxConfig.Account(OTHER, "other", List.of(
                user("outsider", policy(allow("[\"s3:GetObject\",\"sts:AssumeRole\"]", "\"*\"")))), List.of(),
                List.of(new SandboxConfig.Bucket(OTHERS_BUCKET, Optional.empty(), Optional.empty())), List.of());
        return new SandboxConfig(REGION, List.of(owner, other), Optional.empty(), Optional.empty());
    }

    private static String trust(String principal, String condition) {
        return policy("{\"Effect\":\"Allow\",\"Principal\":" + principal + ",\"Action\":\"sts:AssumeRole\"" + condition + "}");
    }
}
