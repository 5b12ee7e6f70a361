package dev.stageway.redshift;

import static dev.stageway.redshift.RedshiftFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import dev.stageway.testkit.Sandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Logging in to Redshift with IAM: every credential strategy, a cluster and a workgroup, refusals, expiry. */
class IamLoginTest {
    static final Schema ONE = Schema.of(Column.of("v", ColumnType.string()));
    /** How far the sandbox's clock runs ahead of real time. */
    static final AtomicReference<Duration> AHEAD = new AtomicReference<>(Duration.ZERO);
    static RedshiftFixture fx;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(AHEAD.get());
            }
        };
        fx = new RedshiftFixture(Sandbox.builder().withRedshift().clock(clock).build());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static Map<String, String> customerAdminKeys() {
        return props("aws.access-key-id", CUSTOMER_ADMIN_ACCESS_KEY_ID, "aws.secret-access-key", CUSTOMER_ADMIN_SECRET_ACCESS_KEY);
    }

    static Map<String, String> keysToCustomerRole() {
        return props("aws.access-key-id", AGENT_ACCESS_KEY_ID, "aws.secret-access-key", AGENT_SECRET_ACCESS_KEY,
                "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE), "aws.external-id", CUSTOMER_EXTERNAL_ID);
    }

    static Map<String, String> ec2RoleToCustomerRole() {
        return props("aws.use-ec2-role-to-assume-role", "true", "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE),
                "aws.external-id", CUSTOMER_EXTERNAL_ID);
    }

    private static String ownerOf(String table) throws SQLException {
        return fx.query("select tableowner from pg_tables where tablename = '" + table + "'").get(0).get(0);
    }

    @Test
    void eachStrategyLoadsAndReadsAsItsOwnDatabaseUserOnTheClusterAndTheWorkgroup() throws Exception {
        record Case(String name, Map<String, String> credentials, String databaseUser) {
        }
        List<Case> cases = List.of(new Case("keys", customerAdminKeys(), "IAM:customer-admin"),
                new Case("keysrole", keysToCustomerRole(), "IAMR:" + CUSTOMER_ROLE),
                new Case("ec2role", ec2RoleToCustomerRole(), "IAMR:" + CUSTOMER_ROLE));
        for (Case c : cases) {
            for (boolean workgroup : new boolean[] {false, true}) {
                String table = "iam_" + c.name() + (workgroup ? "_wg" : "_cl");
                Map<String, String> connection = fx.iamLogin(c.credentials(), workgroup);
                // Each database user keeps its own load log: another user's is not theirs to write.
                assertEquals(1L, fx.load(connection, props("redshift.table", table, "redshift.load-log-table", table + "_log"), ONE,
                        List.<Object[]>of(new Object[] {"x"})).details().get("rows loaded"), table);
                assertEquals("x", fx.read(connection, props("redshift.table", table)).get(0)[0], table);
                assertEquals(c.databaseUser(), ownerOf(table), table);
            }
        }
    }

    @Test
    void anIdentityOfAnotherAccountFindsNoClusterAndOneWithoutThePermissionIsRefusedNamingTheActionAndTheResource() {
        // The agent's own instance role (the ambient identity) lives in another account, where Redshift looks.
        StagewayException cluster = assertThrows(StagewayException.class, () -> fx.load(fx.iamLogin(Map.of(), false),
                props("redshift.table", "never"), ONE, List.<Object[]>of(new Object[] {"x"})));
        assertEquals(ErrorKind.CONFIGURATION, cluster.kind());
        assertTrue(cluster.getMessage().contains("redshift.cluster-id: names cluster " + REDSHIFT_CLUSTER), cluster.getMessage());
        assertTrue(cluster.getMessage().contains("IAM login works only within the cluster's own account"), cluster.getMessage());
        StagewayException workgroup = assertThrows(StagewayException.class, () -> fx.load(fx.iamLogin(Map.of(), true),
                props("redshift.table", "never"), ONE, List.<Object[]>of(new Object[] {"x"})));
        assertTrue(workgroup.getMessage().contains("redshift.workgroup: names workgroup " + REDSHIFT_WORKGROUP), workgroup.getMessage());

        // The customer's role may log in as itself, but not as a named user.
        Map<String, String> named = fx.iamLogin(keysToCustomerRole(), false);
        named.put("redshift.user", REDSHIFT_USER);
        StagewayException user = assertThrows(StagewayException.class, () -> fx.load(named, props("redshift.table", "never"), ONE,
                List.<Object[]>of(new Object[] {"x"})));
        assertEquals(ErrorKind.AUTHENTICATION, user.kind());
        assertTrue(user.getMessage().contains("may not call redshift:GetClusterCredentials on arn:aws:redshift:<region>:<account>:dbuser:"
                + REDSHIFT_CLUSTER + "/" + REDSHIFT_USER), user.getMessage());
        assertTrue(user.getMessage().contains("User: arn:aws:sts::" + CUSTOMER_ACCOUNT + ":assumed-role/" + CUSTOMER_ROLE), user.getMessage());
    }

    @Test
    void aNamedUserIsCreatedAndJoinsItsGroupsForItsSessionsWhenAsked() throws Exception {
        // Only the group may write the table: the load works only while the user is in it.
        fx.execute("create group loaders");
        fx.execute("create table named_user (v varchar(10))");
        fx.execute("grant all on named_user to group loaders");
        Map<String, String> connection = fx.iamLogin(customerAdminKeys(), false);
        connection.put("redshift.user", "etl_loader");
        StagewayException missing = assertThrows(StagewayException.class, () -> fx.load(connection,
                props("redshift.table", "named_user"), ONE, List.<Object[]>of(new Object[] {"x"})));
        assertTrue(missing.getMessage().contains("etl_loader"), missing.getMessage());

        connection.put("redshift.auto-create-user", "true");
        connection.put("redshift.db-groups", "loaders");
        fx.load(connection, props("redshift.table", "named_user", "redshift.load-log-table", "named_user_log"), ONE,
                List.<Object[]>of(new Object[] {"x"}));
        assertEquals(List.of(List.of("x")), fx.query("select v from named_user"));
        assertEquals("etl_loader", ownerOf("named_user_log"), "created at first login, then it made its load log");
        assertEquals(List.of(List.of("f")), fx.query("select pg_has_role('etl_loader', 'loaders', 'member')"),
                "in the group for its sessions only");
    }

    @Test
    void anExpiredTemporaryPasswordIsRefusedAndEachNewConnectionObtainsAFreshOne() throws Exception {
        Map<String, String> connection = fx.iamLogin(customerAdminKeys(), false);
        String caller = "redshift:GetClusterCredentialsWithIAM arn:aws:iam::" + CUSTOMER_ACCOUNT + ":user/customer-admin";
        long before = fx.sandbox.iam().counter(caller);
        IamLogin.Credentials first;
        try (RedshiftConnection cluster = RedshiftConnection.open(fx.context(), connection, Map.of(), 1)) {
            first = cluster.login().orElseThrow().obtain();
            try (Connection a = cluster.jdbc()) {
                assertTrue(a.isValid(5));
            }
        }
        assertEquals(3, fx.sandbox.iam().counter(caller) - before,
                "one login per new connection (the pool's start-up check, the one used) and the one asked here");
        assertTrue(first.expiration().isAfter(Instant.now().plus(IamLogin.VALIDITY).minusSeconds(60)), "asked for an hour");

        // The database refuses the password once it has expired (only the sandbox's clock moves: a request the SDK
        // signs now would be out of its 15 minutes then).
        AHEAD.set(IamLogin.VALIDITY.plusSeconds(1));
        try {
            SQLException expired = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                    fx.sandbox.redshift().jdbcUrl(), first.user(), first.password().reveal()).close());
            assertEquals("28000", expired.getSQLState());
        } finally {
            AHEAD.set(Duration.ZERO);
        }
        long reused = fx.sandbox.iam().counter(caller);
        assertEquals(1L, fx.load(connection, props("redshift.table", "after_expiry", "redshift.load-log-table", "after_expiry_log"),
                ONE, List.<Object[]>of(new Object[] {"x"})).details().get("rows loaded"));
        assertTrue(fx.sandbox.iam().counter(caller) > reused, "a new connection logs in with new credentials");

        String log = java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        assertTrue(log.contains("Obtained a temporary database login as IAM:customer-admin"), "the scan reads real trace output");
        for (String secret : fx.sandbox.iam().secrets()) {
            assertFalse(log.contains(secret), "a secret reached the log: " + secret.substring(0, 4) + "...");
        }
    }

    @Test
    void offlineValidationNamesWhatAnIamLoginLacksOrMustNotHave() {
        Map<String, String> noEndpoint = fx.iamLogin(customerAdminKeys(), false);
        noEndpoint.remove("redshift.cluster-id");
        String problems = RedshiftProperties.CONNECTION.validate(noEndpoint).toString();
        assertTrue(problems.contains("redshift.cluster-id") && problems.contains("one is required with redshift.auth=iam"), problems);

        Map<String, String> withPassword = fx.iamLogin(customerAdminKeys(), false);
        withPassword.put("redshift.password", "something");
        assertTrue(RedshiftProperties.CONNECTION.validate(withPassword).toString().contains("must not be set with redshift.auth=iam"));

        Map<String, String> serverlessUser = fx.iamLogin(customerAdminKeys(), true);
        serverlessUser.put("redshift.user", "someone");
        assertTrue(RedshiftProperties.CONNECTION.validate(serverlessUser).toString().contains("not used with redshift.auth=iam on Serverless"));
    }
}
