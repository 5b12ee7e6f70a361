package dev.stageway.aws;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.config.ConfigurationException;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.testkit.Sandbox;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Each of the four strategies against the sandbox, with the real SDK clients. */
class CredentialStrategiesTest {
    static Sandbox sandbox;
    RoleSessions sessions;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        try (S3Client admin = s3(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY)));
             S3Client agent = s3(StaticCredentialsProvider.create(AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY)))) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("orders.csv"), RequestBody.fromString("customer data"));
            agent.putObject(b -> b.bucket(AGENT_BUCKET).key("staged.csv"), RequestBody.fromString("agent data"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    @BeforeEach
    void openSessions() {
        sessions = new RoleSessions();
    }

    @AfterEach
    void closeSessions() {
        sessions.close();
    }

    static S3Client s3(AwsCredentialsProvider credentials) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(credentials).build();
    }

    static Map<String, String> endpoints() {
        Map<String, String> p = new HashMap<>();
        p.put("aws.region", REGION);
        p.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        p.put("aws.s3.endpoint", sandbox.s3Endpoint().toString());
        p.put("aws.imds.endpoint", sandbox.imdsEndpoint().toString());
        return p;
    }

    static Map<String, String> agentKeys() {
        Map<String, String> p = endpoints();
        p.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        p.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        return p;
    }

    static Map<String, String> customerRoleWithKeys() {
        Map<String, String> p = agentKeys();
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        return p;
    }

    ConnectorCredentials open(Map<String, String> connection) {
        return AwsCredentialsFactory.open(AwsSettings.parse(connection, Map.of(), "run-1"), sessions);
    }

    static String read(ConnectorCredentials credentials, String bucket, String key) {
        try (S3Client s3 = s3(credentials)) {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
        }
    }

    @Test
    void staticKeysReadTheAgentBucketAndAreDeniedOnTheCustomerBucket() {
        try (ConnectorCredentials c = open(agentKeys())) {
            assertInstanceOf(CredentialStrategy.StaticKeys.class, c.strategy());
            assertEquals("agent data", read(c, AGENT_BUCKET, "staged.csv"));
            S3Exception denied = assertThrows(S3Exception.class, () -> read(c, CUSTOMER_BUCKET, "orders.csv"));
            assertEquals(403, denied.statusCode());
            assertEquals(0, c.stsCalls());
        }
    }

    @Test
    void keysAssumeTheCustomerRoleCrossAccountWithExternalId() {
        long before = sandbox.assumeRoleCalls();
        try (ConnectorCredentials c = open(customerRoleWithKeys())) {
            assertInstanceOf(CredentialStrategy.AssumeRoleWithKeys.class, c.strategy());
            assertEquals("customer data", read(c, CUSTOMER_BUCKET, "orders.csv"));
            assertEquals("customer data", read(c, CUSTOMER_BUCKET, "orders.csv"));
            assertEquals(1, c.stsCalls());
        }
        assertEquals(1, sandbox.assumeRoleCalls() - before);
    }

    @Test
    void keysAssumeASameAccountRoleWithoutExternalId() {
        Map<String, String> p = agentKeys();
        p.put("aws.role-arn", roleArn(AGENT_ACCOUNT, SAME_ACCOUNT_ROLE));
        try (ConnectorCredentials c = open(p)) {
            assertEquals("agent data", read(c, AGENT_BUCKET, "staged.csv"));
            assertThrows(S3Exception.class, () -> read(c, CUSTOMER_BUCKET, "orders.csv"));
        }
    }

    @Test
    void ec2InstanceRoleAssumesTheCustomerRole() {
        Map<String, String> p = endpoints();
        p.put("aws.use-ec2-role-to-assume-role", "true");
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        String instanceSession = "arn:aws:sts::" + AGENT_ACCOUNT + ":assumed-role/" + INSTANCE_ROLE + "/" + INSTANCE_ID;
        long before = sandbox.assumeRoleCalls(instanceSession);
        try (ConnectorCredentials c = open(p)) {
            assertInstanceOf(CredentialStrategy.AssumeRoleWithEc2Role.class, c.strategy());
            assertEquals("customer data", read(c, CUSTOMER_BUCKET, "orders.csv"));
        }
        assertEquals(1, sandbox.assumeRoleCalls(instanceSession) - before);
    }

    @Test
    void ambientIdentityIsTheInstanceRole() {
        try (ConnectorCredentials c = open(endpoints())) {
            assertInstanceOf(CredentialStrategy.AmbientIdentity.class, c.strategy());
            assertEquals("agent data", read(c, AGENT_BUCKET, "staged.csv"));
            S3Exception denied = assertThrows(S3Exception.class, () -> read(c, CUSTOMER_BUCKET, "orders.csv"));
            // Across accounts S3 says no more than this; within the owner's account it names the caller.
            assertEquals("Access Denied", denied.awsErrorDetails().errorMessage());
            S3Exception own = assertThrows(S3Exception.class, () -> read(c, AGENT_BUCKET, "missing.csv"));
            assertEquals("NoSuchKey", own.awsErrorDetails().errorCode(), "the instance role may list its own bucket");
        }
    }

    @Test
    void wrongExternalIdIsDeniedWithWhoAndWhatInTheMessage() {
        Map<String, String> p = customerRoleWithKeys();
        p.put("aws.external-id", "someone-elses-id");
        try (ConnectorCredentials c = open(p)) {
            StagewayException e = assertThrows(StagewayException.class, c::resolveCredentials);
            assertEquals(ErrorKind.AUTHENTICATION, e.kind());
            assertTrue(e.getMessage().startsWith("Cannot assume role arn:aws:iam::444455556666:role/stageway-customer-access: "
                    + "STS denied arn:aws:iam::111122223333:user/stageway-agent (an External Id was sent)."), e.getMessage());
            assertFalse(e.getMessage().contains(AGENT_SECRET_ACCESS_KEY));
        }
    }

    @Test
    void missingExternalIdIsDeniedAndSaysNoneWasSent() {
        Map<String, String> p = customerRoleWithKeys();
        p.remove("aws.external-id");
        try (ConnectorCredentials c = open(p)) {
            StagewayException e = assertThrows(StagewayException.class, c::resolveCredentials);
            assertTrue(e.getMessage().contains("(no External Id was sent)"), e.getMessage());
        }
    }

    @Test
    void durationAboveTheRolesMaximumNamesTheProperty() {
        Map<String, String> p = customerRoleWithKeys();
        p.put("aws.temporary-credential-duration", String.valueOf(CUSTOMER_ROLE_MAX_SESSION + 1));
        try (ConnectorCredentials c = open(p)) {
            ConfigurationException e = assertThrows(ConfigurationException.class, c::resolveCredentials);
            assertEquals("aws.temporary-credential-duration", e.problems().get(0).properties().get(0));
            assertTrue(e.getMessage().contains("more than the maximum session duration set on role "
                    + roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)), e.getMessage());
        }
    }

    @Test
    void durationWithinTheRolesMaximumIsGranted() {
        Map<String, String> p = customerRoleWithKeys();
        p.put("aws.temporary-credential-duration", String.valueOf(CUSTOMER_ROLE_MAX_SESSION));
        try (ConnectorCredentials c = open(p)) {
            CredentialSnapshot s = c.snapshot(java.time.Duration.ofMinutes(100));
            assertTrue(s.expiration().isPresent());
        }
    }

    @Test
    void roleChainingAboveOneHourIsRefusedBeforeAnyCall() {
        Map<String, String> p = endpoints();
        p.put("aws.use-ec2-role-to-assume-role", "true");
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.temporary-credential-duration", "3601");
        long before = sandbox.assumeRoleCalls();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(p));
        assertTrue(e.getMessage().contains("role chaining, which STS limits to 3600 s"), e.getMessage());
        assertEquals(before, sandbox.assumeRoleCalls());
    }

    @Test
    void advancedDurationOverridesTheConnectionsAndIsCheckedToo() {
        Map<String, String> p = endpoints();
        p.put("aws.use-ec2-role-to-assume-role", "true");
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> AwsSettings.parse(p, Map.of("aws.temporary-credential-duration", "7200"), "run-1"));
        assertEquals("aws.temporary-credential-duration", e.problems().get(0).properties().get(0));
        AwsSettings ok = AwsSettings.parse(p, Map.of("aws.temporary-credential-duration", "1800"), "run-1");
        assertEquals(1800, ok.strategy().assumeRole().get().duration().toSeconds());
    }

    @Test
    void unreachableImdsSaysSo() {
        Map<String, String> p = endpoints();
        p.put("aws.imds.endpoint", "http://127.0.0.1:9");
        p.put("aws.use-ec2-role-to-assume-role", "true");
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        try (ConnectorCredentials c = open(p)) {
            StagewayException e = assertThrows(StagewayException.class, c::resolveCredentials);
            assertEquals(ErrorKind.AUTHENTICATION, e.kind());
            assertTrue(e.getMessage().startsWith("Cannot read the credentials of the EC2 instance role (IMDSv2 at http://127.0.0.1:9)"),
                    e.getMessage());
        }
    }
}
