package dev.stageway.testkit.faults;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** Each fault as a client without retries sees it: S3's and STS's errors, a dropped or cut connection, Redshift's. */
class FaultsTest {
    static Sandbox sandbox;
    static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().withRedshift().build();
        s3 = S3Client.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID,
                        CUSTOMER_ADMIN_SECRET_ACCESS_KEY)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1))).build();
        s3.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("faults/a.csv"), RequestBody.fromString("x".repeat(10_000)));
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        sandbox.close();
    }

    @AfterEach
    void disarm() {
        sandbox.faults().clear();
    }

    private static void get(String key) {
        s3.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key(key));
    }

    @Test
    void s3ErrorsStrikeTheNthMatchingRequestAsOftenAsAsked() {
        Fault fault = sandbox.faults().arm(Fault.of(Fault.Kind.SLOW_DOWN).on("GetObject").onKey("faults/*").nth(2).times(2));
        get("faults/a.csv");
        S3Exception e = assertThrows(S3Exception.class, () -> get("faults/a.csv"));
        assertEquals(503, e.statusCode());
        assertEquals("SlowDown", e.awsErrorDetails().errorCode());
        assertThrows(S3Exception.class, () -> get("faults/a.csv"));
        get("faults/a.csv");
        s3.headObject(b -> b.bucket(CUSTOMER_BUCKET).key("faults/a.csv"));
        assertEquals(2, fault.fired());
        sandbox.faults().arm(Fault.of(Fault.Kind.INTERNAL_ERROR).on("HeadObject"));
        S3Exception internal = assertThrows(S3Exception.class, () -> s3.headObject(b -> b.bucket(CUSTOMER_BUCKET).key("faults/a.csv")));
        assertEquals(500, internal.statusCode());
    }

    @Test
    void aResetGivesNoAnswerAndATruncatedBodyEndsEarly() {
        sandbox.faults().arm(Fault.of(Fault.Kind.RESET).on("GetObject"));
        assertThrows(SdkClientException.class, () -> get("faults/a.csv"));
        sandbox.faults().arm(Fault.of(Fault.Kind.TRUNCATE).on("GetObject"));
        Exception cut = assertThrows(Exception.class, () -> get("faults/a.csv"));
        assertFalse(cut instanceof S3Exception, "the headers were a success; the body was cut: " + cut);
        assertEquals(10_000, s3.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("faults/a.csv")).asByteArray().length,
                "each fault struck once");
    }

    @Test
    void stsThrottlesForItsWindowOnly() throws Exception {
        try (StsClient sts = StsClient.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.stsEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID,
                        AGENT_SECRET_ACCESS_KEY)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1))).build()) {
            sandbox.faults().arm(Fault.of(Fault.Kind.THROTTLE).lasting(Duration.ofMillis(300)));
            StsException e = assertThrows(StsException.class, sts::getCallerIdentity);
            assertEquals("Throttling", e.awsErrorDetails().errorCode());
            assertThrows(StsException.class, sts::getCallerIdentity);
            Thread.sleep(400);
            assertNotNull(sts.getCallerIdentity().arn());
            sandbox.faults().clear();
            sandbox.faults().arm(Fault.of(Fault.Kind.UNAVAILABLE).lasting(Duration.ofMinutes(1)));
            assertEquals(503, assertThrows(StsException.class, sts::getCallerIdentity).statusCode());
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
    }

    private static long rows(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void redshiftDropsRollBackUnlessTheCommitWasCarriedOutAndError1023AbortsTheTransaction() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fault_t (id int)");
        }
        sandbox.faults().arm(Fault.of(Fault.Kind.DROP).on("COMMIT"));
        assertThrows(SQLException.class, () -> insertAndCommit(1));
        assertEquals(0, rows("fault_t"), "dropped before COMMIT: rolled back");
        sandbox.faults().arm(Fault.of(Fault.Kind.DROP_AFTER).on("COMMIT"));
        assertThrows(SQLException.class, () -> insertAndCommit(2));
        assertEquals(1, rows("fault_t"), "dropped after COMMIT: committed, though the client never heard");
        sandbox.faults().arm(Fault.of(Fault.Kind.SERIALIZATION_ERROR).on("INSERT"));
        SQLException e = assertThrows(SQLException.class, () -> insertAndCommit(3));
        assertTrue(e.getMessage().contains("1023") && e.getMessage().contains("Serializable isolation violation"), e.getMessage());
        assertEquals(1, rows("fault_t"));
        insertAndCommit(4);
        assertEquals(2, rows("fault_t"));
    }

    private static void insertAndCommit(int id) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO fault_t VALUES (" + id + ")");
            c.commit();
        }
    }

    @Test
    void aFaultsFileArmsWhatItNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("faults.json"), "{\"faults\": [{\"fault\": \"internal-error\", \"operation\": "
                + "\"UploadPart\", \"key\": \"out/*\", \"nth\": 2, \"times\": 3}, {\"fault\": \"throttle\", \"for\": \"30s\"}, "
                + "{\"fault\": \"slow\", \"delay\": \"500ms\"}, {\"fault\": \"drop-after\", \"operation\": \"COMMIT\"}]}");
        List<Fault> faults = Faults.read(file);
        assertEquals(List.of(Fault.Kind.INTERNAL_ERROR, Fault.Kind.THROTTLE, Fault.Kind.SLOW, Fault.Kind.DROP_AFTER),
                faults.stream().map(Fault::kind).toList());
        assertEquals("INTERNAL_ERROR on UploadPart out/* from request 2, 3 time(s)", faults.get(0).toString());
        assertEquals(Duration.ofMillis(500), faults.get(2).delay());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Faults.read(Files.writeString(
                dir.resolve("bad.json"), "{\"faults\": [{\"fault\": \"meteor\"}]}")));
        assertTrue(bad.getMessage().contains("unknown fault 'meteor'") && bad.getMessage().contains("internal-error"), bad.getMessage());
    }
}
