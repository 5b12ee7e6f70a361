package dev.stageway.testkit.redshift;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.redshift.model.ClusterNotFoundException;
import software.amazon.awssdk.services.redshift.model.GetClusterCredentialsWithIamResponse;
import software.amazon.awssdk.services.redshiftserverless.RedshiftServerlessClient;
import software.amazon.awssdk.services.redshiftserverless.model.GetCredentialsResponse;
import software.amazon.awssdk.services.redshiftserverless.model.ResourceNotFoundException;
import software.amazon.awssdk.services.redshiftserverless.model.ValidationException;
import software.amazon.awssdk.services.sts.StsClient;

/** The Redshift and Redshift Serverless credential APIs, through the SDK's own clients, and the database's side of their logins. */
class CredentialsApisTest {
    static Sandbox sandbox;
    static RedshiftClient admin;
    static RedshiftClient agent;
    static RedshiftServerlessClient serverless;
    static RedshiftServerlessClient agentServerless;

    static StaticCredentialsProvider keys(String id, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().withRedshift().build();
        StaticCredentialsProvider customer = keys(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY);
        StaticCredentialsProvider agentKeys = keys(AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY);
        admin = RedshiftClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.redshift().apiEndpoint())
                .credentialsProvider(customer).build();
        agent = RedshiftClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.redshift().apiEndpoint())
                .credentialsProvider(agentKeys).build();
        serverless = RedshiftServerlessClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.redshift().serverlessApiEndpoint())
                .credentialsProvider(customer).build();
        agentServerless = RedshiftServerlessClient.builder().region(Region.US_EAST_1)
                .endpointOverride(sandbox.redshift().serverlessApiEndpoint()).credentialsProvider(agentKeys).build();
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        agent.close();
        serverless.close();
        agentServerless.close();
        sandbox.close();
    }

    static String currentUser(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
             ResultSet r = c.createStatement().executeQuery("select current_user")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void theIdentitysOwnUserLogsInToTheClusterOnlyWithItsPasswordAndOnlyThere() throws Exception {
        Instant before = Instant.now();
        GetClusterCredentialsWithIamResponse r = admin.getClusterCredentialsWithIAM(b -> b.clusterIdentifier(REDSHIFT_CLUSTER)
                .dbName("dev").durationSeconds(1800));
        assertEquals("IAM:customer-admin", r.dbUser());
        assertFalse(r.expiration().isBefore(before.plusSeconds(1800).minusSeconds(1)), r.expiration().toString());
        assertEquals("IAM:customer-admin", currentUser(sandbox.redshift().jdbcUrl(), r.dbUser(), r.dbPassword()));
        SQLException elsewhere = assertThrows(SQLException.class, () -> currentUser(sandbox.redshift().serverlessJdbcUrl(), r.dbUser(),
                r.dbPassword()));
        assertEquals("28000", elsewhere.getSQLState());
        SQLException asAnother = assertThrows(SQLException.class, () -> currentUser(sandbox.redshift().jdbcUrl(), REDSHIFT_USER,
                r.dbPassword()));
        assertEquals("28000", asAnother.getSQLState());
    }

    @Test
    void aNamedUserLogsInAsItselfUnderItsPrefixedName() throws Exception {
        var r = admin.getClusterCredentials(b -> b.clusterIdentifier(REDSHIFT_CLUSTER).dbUser(REDSHIFT_USER).dbName("dev"));
        assertEquals("IAM:" + REDSHIFT_USER, r.dbUser());
        assertEquals(REDSHIFT_USER, currentUser(sandbox.redshift().jdbcUrl(), r.dbUser(), r.dbPassword()));
    }

    @Test
    void requestsOutsideRedshiftsRulesAreRefusedAsRedshiftRefusesThem() {
        AwsServiceException duration = assertThrows(AwsServiceException.class, () -> admin.getClusterCredentialsWithIAM(b -> b
                .clusterIdentifier(REDSHIFT_CLUSTER).durationSeconds(899)));
        assertEquals("InvalidParameterValue", duration.awsErrorDetails().errorCode());
        assertThrows(ClusterNotFoundException.class, () -> admin.getClusterCredentialsWithIAM(b -> b.clusterIdentifier("no-such")));
        AwsServiceException user = assertThrows(AwsServiceException.class, () -> admin.getClusterCredentials(b -> b
                .clusterIdentifier(REDSHIFT_CLUSTER).dbUser("IAM:colon")));
        assertEquals("InvalidParameterValue", user.awsErrorDetails().errorCode());
        AwsServiceException unmodelled = assertThrows(AwsServiceException.class, () -> admin.describeClusters());
        assertEquals(501, unmodelled.statusCode());

        assertThrows(ResourceNotFoundException.class, () -> serverless.getCredentials(b -> b.workgroupName("no-such-workgroup")));
        assertThrows(ValidationException.class, () -> serverless.getCredentials(b -> b.workgroupName(REDSHIFT_WORKGROUP)
                .durationSeconds(3601)));
    }

    /** The customer's role, assumed with a session policy that leaves it S3 only. */
    static StaticCredentialsProvider customerRoleWithS3Only() {
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.stsEndpoint())
                .credentialsProvider(keys(AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY)).build()) {
            var c = sts.assumeRole(b -> b.roleArn(roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)).roleSessionName("s3-only")
                    .externalId(CUSTOMER_EXTERNAL_ID).policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                            + "\"Action\":\"s3:*\",\"Resource\":\"*\"}]}")).credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        }
    }

    @Test
    void iamDecidesOnTheResourcesRedshiftDefines() {
        String session = "arn:aws:sts::" + CUSTOMER_ACCOUNT + ":assumed-role/" + CUSTOMER_ROLE + "/s3-only";
        try (RedshiftClient role = RedshiftClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.redshift().apiEndpoint())
                .credentialsProvider(customerRoleWithS3Only()).build();
             RedshiftServerlessClient roleServerless = RedshiftServerlessClient.builder().region(Region.US_EAST_1)
                     .endpointOverride(sandbox.redshift().serverlessApiEndpoint()).credentialsProvider(customerRoleWithS3Only()).build()) {
            AwsServiceException named = assertThrows(AwsServiceException.class, () -> role.getClusterCredentials(b -> b
                    .clusterIdentifier(REDSHIFT_CLUSTER).dbUser(REDSHIFT_USER).dbName("dev")));
            assertEquals(403, named.statusCode());
            assertEquals("AccessDenied", named.awsErrorDetails().errorCode());
            assertEquals("User: " + session + " is not authorized to perform: redshift:GetClusterCredentials on resource: "
                    + "arn:aws:redshift:us-east-1:" + CUSTOMER_ACCOUNT + ":dbuser:" + REDSHIFT_CLUSTER + "/" + REDSHIFT_USER
                    + " because no identity-based policy allows the redshift:GetClusterCredentials action",
                    named.awsErrorDetails().errorMessage());
            AwsServiceException own = assertThrows(AwsServiceException.class, () -> role.getClusterCredentialsWithIAM(b -> b
                    .clusterIdentifier(REDSHIFT_CLUSTER).dbName("dev")));
            assertTrue(own.awsErrorDetails().errorMessage().endsWith(":dbname:" + REDSHIFT_CLUSTER + "/dev because no session policy "
                    + "allows the redshift:GetClusterCredentialsWithIAM action"), own.awsErrorDetails().errorMessage());
            AwsServiceException workgroup = assertThrows(AwsServiceException.class, () -> roleServerless.getCredentials(b -> b
                    .workgroupName(REDSHIFT_WORKGROUP)));
            assertEquals("AccessDeniedException", workgroup.awsErrorDetails().errorCode());
            assertTrue(workgroup.awsErrorDetails().errorMessage().contains("redshift-serverless:GetCredentials on resource: "
                    + sandbox.redshift().workgroupArn()), workgroup.awsErrorDetails().errorMessage());
        }
        // Another account's identity: Redshift looks in that account, and finds no such cluster or workgroup.
        assertThrows(ClusterNotFoundException.class, () -> agent.getClusterCredentialsWithIAM(b -> b.clusterIdentifier(REDSHIFT_CLUSTER)));
        assertThrows(ResourceNotFoundException.class, () -> agentServerless.getCredentials(b -> b.workgroupName(REDSHIFT_WORKGROUP)));
    }

    @Test
    void aPasswordIssuedForADatabaseLogsInToThatDatabaseOnly() throws Exception {
        var r = admin.getClusterCredentialsWithIAM(b -> b.clusterIdentifier(REDSHIFT_CLUSTER).dbName("dev"));
        SQLException other = assertThrows(SQLException.class, () -> currentUser(sandbox.redshift().jdbcUrl().replace("/dev?", "/postgres?"),
                r.dbUser(), r.dbPassword()));
        assertEquals("28000", other.getSQLState());
        assertEquals(r.dbUser(), currentUser(sandbox.redshift().jdbcUrl(), r.dbUser(), r.dbPassword()));
    }

    @Test
    void aWorkgroupLoginIsTheIdentitysOwnUserCreatedAtFirstLogin() throws Exception {
        GetCredentialsResponse r = serverless.getCredentials(b -> b.workgroupName(REDSHIFT_WORKGROUP).durationSeconds(900));
        assertEquals("IAM:customer-admin", r.dbUser());
        assertTrue(Duration.between(Instant.now(), r.expiration()).toSeconds() > 890, r.expiration().toString());
        assertEquals("IAM:customer-admin", currentUser(sandbox.redshift().serverlessJdbcUrl(), r.dbUser(), r.dbPassword()));
        SQLException onTheCluster = assertThrows(SQLException.class, () -> currentUser(sandbox.redshift().jdbcUrl(), r.dbUser(),
                r.dbPassword()));
        assertEquals("28000", onTheCluster.getSQLState());
    }
}
