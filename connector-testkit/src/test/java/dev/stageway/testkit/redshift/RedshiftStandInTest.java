package dev.stageway.testkit.redshift;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.DefaultSandbox;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.SandboxConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** The Redshift stand-in through the real Redshift JDBC driver, loading from and unloading to the S3 sandbox. */
class RedshiftStandInTest {
    static Sandbox sandbox;
    static S3Client admin;

    /** Attached to the cluster, but trusting only the customer's account, not Redshift. */
    static final String UNTRUSTING_ROLE = "attached-but-untrusting";

    @BeforeAll
    static void start() throws Exception {
        SandboxConfig base = DefaultSandbox.config();
        List<SandboxConfig.Account> accounts = base.accounts().stream().map(a -> !a.accountId().equals(CUSTOMER_ACCOUNT) ? a
                : new SandboxConfig.Account(a.accountId(), a.alias(), a.users(), concat(a.roles(), new SandboxConfig.RoleSpec(UNTRUSTING_ROLE,
                3600, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + CUSTOMER_ACCOUNT
                + "\"},\"Action\":\"sts:AssumeRole\"}]}", a.roles().get(0).policyDocument())), a.buckets(), a.keys())).toList();
        SandboxConfig.RedshiftCluster cluster = base.redshift().orElseThrow();
        SandboxConfig config = new SandboxConfig(base.region(), accounts, base.instanceProfile(), Optional.of(new SandboxConfig.RedshiftCluster(
                cluster.clusterIdentifier(), cluster.accountId(), cluster.masterUsername(), cluster.masterUserPassword(),
                concat(cluster.iamRoles(), roleArn(CUSTOMER_ACCOUNT, UNTRUSTING_ROLE)), cluster.defaultIamRole(), cluster.slices(), cluster.workgroupName())));
        sandbox = Sandbox.builder().config(config).withRedshift().build();
        admin = S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build();
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("load/a.csv"), RequestBody.fromString("id,name\n1,\"one, first\"\n2,\\N\n"));
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("load/b.csv.gz"), RequestBody.fromBytes(gzip("id,name\n3,\"\"\n")));
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("bad/a.csv"), RequestBody.fromString("id,name\n1,x\n2,y\n"));
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("bad/b.csv"), RequestBody.fromString("id,name\n3,z\nfour,w\n"));
        // Five rows, three of them bad in three ways: a value not of its type, a missing field, a NULL for a NOT NULL column.
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("mixed/a.csv"),
                RequestBody.fromString("1,a\nx,b\n3\n4,\"d\"\n5,\n"));
        // "é" is two bytes in UTF-8: four characters, five bytes.
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("wide/a.csv"), RequestBody.fromString("1,abcd\n2,éabc\n3,ab\n"));
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        sandbox.close();
    }

    private static <T> List<T> concat(List<T> list, T more) {
        List<T> out = new java.util.ArrayList<>(list);
        out.add(more);
        return out;
    }

    static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
    }

    static Credentials customerSession() {
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(sandbox.stsEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID,
                        AGENT_SECRET_ACCESS_KEY))).build()) {
            return sts.assumeRole(r -> r.roleArn(roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)).roleSessionName("copy")
                    .externalId(CUSTOMER_EXTERNAL_ID)).credentials();
        }
    }

    static String credentials(Credentials c) {
        return "CREDENTIALS 'aws_access_key_id=" + c.accessKeyId() + ";aws_secret_access_key=" + c.secretAccessKey() + ";token="
                + c.sessionToken() + "'";
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(sandbox.redshift().jdbcUrl(),
                REDSHIFT_USER, "wrong"));
        assertTrue(e.getMessage().contains("password authentication failed"), e.getMessage());
    }

    @Test
    void copyLoadsAPrefixWithTemporaryCredentialsInsideTheTransaction() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t1 (id int, name varchar(20))");
            c.setAutoCommit(false);
            int loaded = s.executeUpdate("COPY t1 (id, name) FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/load/a' "
                    + credentials(customerSession()) + " CSV IGNOREHEADER 1 NULL AS '\\N' REGION 'us-east-1' COMPUPDATE OFF");
            assertEquals(2, loaded);
            assertEquals(1, s.executeUpdate("COPY t1 FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/load/b' "
                    + credentials(customerSession()) + " FORMAT AS CSV GZIP IGNOREHEADER 1 NULL AS '\\N'"));
            try (ResultSet r = s.executeQuery("select name from t1 where id = 3")) {
                assertTrue(r.next());
                assertEquals("", r.getString(1), "a quoted empty field is an empty string, not null");
            }
            c.rollback();
            assertEquals(0, count(s, "select count(*) from t1"), "the loads went with the rolled-back transaction");
        }
    }

    @Test
    void aCompressedFileLoadedWithoutGzipFailsInsteadOfLoadingGarbage() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t6 (id int, name varchar(20))");
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t6 FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/load/b' " + credentials(customerSession()) + " CSV"));
            assertTrue(e.getMessage().contains("Load into table 't6' failed"), e.getMessage());
            assertEquals(0, count(s, "select count(*) from t6"));
        }
    }

    @Test
    void copyFromAManifestAndWithTheClustersRole() throws Exception {
        String manifest = "{\"entries\":[{\"url\":\"s3://" + CUSTOMER_STAGING_BUCKET + "/load/a.csv\",\"mandatory\":true}]}";
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("load.manifest"), RequestBody.fromString(manifest));
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t2 (id int, name varchar(20))");
            s.executeUpdate("COPY t2 FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/load.manifest' IAM_ROLE '"
                    + roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE) + "' MANIFEST CSV IGNOREHEADER 1 NULL AS '\\N'");
            try (ResultSet r = s.executeQuery("select id, name from t2 order by id")) {
                assertTrue(r.next());
                assertEquals("one, first", r.getString(2));
                assertTrue(r.next());
                assertNull(r.getString(2));
            }
            SQLException notAttached = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t2 FROM 's3://"
                    + CUSTOMER_STAGING_BUCKET + "/load.manifest' IAM_ROLE '" + roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE) + "' MANIFEST CSV"));
            assertTrue(notAttached.getMessage().contains("User arn:aws:redshift:us-east-1:" + CUSTOMER_ACCOUNT + ":dbuser:" + REDSHIFT_CLUSTER
                    + "/" + REDSHIFT_USER + " is not authorized to assume IAM Role " + roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)),
                    notAttached.getMessage());
        }
    }

    /** A role attached to the cluster must also trust redshift.amazonaws.com; 'default' is the cluster's default role. */
    @Test
    void iamRoleMustTrustRedshiftAndDefaultIsTheClustersDefaultRole() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t7 (id int, name varchar(20))");
            SQLException untrusted = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t7 FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/load/a' IAM_ROLE '" + roleArn(CUSTOMER_ACCOUNT, UNTRUSTING_ROLE) + "' CSV IGNOREHEADER 1 NULL AS '\\N'"));
            assertTrue(untrusted.getMessage().contains("Not authorized to get credentials of role " + roleArn(CUSTOMER_ACCOUNT, UNTRUSTING_ROLE)),
                    untrusted.getMessage());
            s.executeUpdate("COPY t7 FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/load/a' IAM_ROLE default CSV IGNOREHEADER 1 NULL AS '\\N'");
            assertEquals(2, count(s, "select count(*) from t7"));
        }
    }

    /** Once a transaction has failed, Redshift refuses a COPY before reading anything. */
    @Test
    void aCopyInAnAbortedTransactionFailsWithoutTouchingS3() throws Exception {
        Credentials session = customerSession();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t8 (id int, name varchar(20))");
            c.setAutoCommit(false);
            assertThrows(SQLException.class, () -> s.execute("select * from no_such_table"));
            String caller = "arn:aws:sts::" + CUSTOMER_ACCOUNT + ":assumed-role/" + CUSTOMER_ROLE + "/copy";
            long before = sandbox.s3Requests(caller);
            SQLException aborted = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t8 FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/load/a' " + credentials(session) + " CSV IGNOREHEADER 1"));
            assertEquals("25P02", aborted.getSQLState());
            assertTrue(aborted.getMessage().contains("current transaction is aborted, commands ignored until end of transaction block"));
            assertEquals(before, sandbox.s3Requests(caller), "no S3 request was made");
            c.rollback();
        }
    }

    @Test
    void badCredentialsFailLikeRedshiftAndNeverEchoTheSecret() throws Exception {
        Credentials c = customerSession();
        try (Connection conn = connect(); Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE t3 (id int, name varchar(20))");
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t3 FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/load/a' CREDENTIALS 'aws_access_key_id=" + c.accessKeyId() + ";aws_secret_access_key=" + c.secretAccessKey()
                    + "' CSV"));
            assertTrue(e.getMessage().contains("S3ServiceException") && e.getMessage().contains("InvalidToken"), e.getMessage());
            assertFalse(e.getMessage().contains(c.secretAccessKey()));
            SQLException agent = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t3 FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/load/a' ACCESS_KEY_ID '" + AGENT_ACCESS_KEY_ID + "' SECRET_ACCESS_KEY '" + AGENT_SECRET_ACCESS_KEY + "' CSV"));
            assertTrue(agent.getMessage().contains("AccessDenied"), agent.getMessage());
        }
    }

    @Test
    void aBadValueFailsTheLoadAndIsInStlLoadErrorsWithFileLineAndColumn() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t4 (id int, name varchar(20))");
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO t4 VALUES (0, 'kept')");
            SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t4 FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/bad/' " + credentials(customerSession()) + " CSV IGNOREHEADER 1"));
            assertEquals("ERROR: Load into table 't4' failed.  Check 'stl_load_errors' system table for details.", e.getMessage());
            c.rollback();
            try (ResultSet r = s.executeQuery("select filename, line_number, colname, raw_field_value, err_reason, raw_line "
                    + "from stl_load_errors where tbl = 't4'::regclass::oid")) {
                assertTrue(r.next());
                assertEquals("s3://customer-staging/bad/b.csv", r.getString(1));
                assertEquals(3, r.getLong(2));
                assertEquals("id", r.getString(3));
                assertEquals("four", r.getString(4));
                assertTrue(r.getString(5).contains("invalid input syntax for type integer"), r.getString(5));
                assertEquals("four,w", r.getString(6));
            }
            assertEquals(0, count(s, "select count(*) from t4"));
        }
    }

    @Test
    void noloadChecksTheFilesAndLoadsNothing() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_noload (id int, name varchar(20))");
            s.executeUpdate("INSERT INTO t_noload VALUES (0, 'kept')");
            assertEquals(0, s.executeUpdate("COPY t_noload FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/load/a' " + credentials(customerSession())
                    + " CSV IGNOREHEADER 1 NULL AS '\\N' NOLOAD"));
            SQLException bad = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t_noload FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/bad/' " + credentials(customerSession()) + " CSV IGNOREHEADER 1 NOLOAD"));
            assertTrue(bad.getMessage().contains("Load into table 't_noload' failed"), bad.getMessage());
            assertEquals(1, count(s, "select count(*) from t_noload"), "nothing loaded either way");
            assertEquals(1, count(s, "select count(*) from stl_load_errors where tbl = 't_noload'::regclass::oid"));
            c.setAutoCommit(false);
            assertEquals(0, s.executeUpdate("COPY t_noload FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/load/a' "
                    + credentials(customerSession()) + " CSV IGNOREHEADER 1 NULL AS '\\N' NOLOAD"));
            s.executeUpdate("INSERT INTO t_noload VALUES (9, 'after')");
            c.commit();
            c.setAutoCommit(true);
            assertEquals(2, count(s, "select count(*) from t_noload"), "inside a transaction, NOLOAD leaves the transaction going");
            SQLException format = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t_noload FROM 's3://"
                    + CUSTOMER_STAGING_BUCKET + "/load/a' " + credentials(customerSession()) + " CSV IGNOREHEADER 1 DATEFORMAT 'DD/MM/YYYY'"));
            assertTrue(format.getMessage().contains("DATEFORMAT 'auto' only"), format.getMessage());
            SQLException option = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t_noload FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/load/a' " + credentials(customerSession()) + " CSV IGNOREHEADER 1 ACCEPTINVCHARS"));
            assertTrue(option.getMessage().contains("does not model the COPY option ACCEPTINVCHARS"), option.getMessage());
        }
    }

    @Test
    void unloadWritesPartsHeaderGzipAndManifestAndRefusesToOverwrite() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t5 AS SELECT g AS id, 'name ' || g AS name FROM generate_series(1, 10) g");
            String unload = "UNLOAD ('select id, name from t5 where name <> ''x''') TO 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/unload/t5_' IAM_ROLE '" + roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE) + "' FORMAT CSV HEADER GZIP MANIFEST";
            s.execute(unload);
            var keys = admin.listObjectsV2(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix("unload/")).contents().stream()
                    .map(o -> o.key()).toList();
            assertEquals(java.util.List.of("unload/t5_0000_part_00.gz", "unload/t5_0001_part_00.gz", "unload/t5_0002_part_00.gz",
                    "unload/t5_0003_part_00.gz", "unload/t5_manifest"), keys);
            String manifest = admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key("unload/t5_manifest")).asUtf8String();
            assertTrue(manifest.contains("\"record_count\":10}"), manifest);
            SQLException again = assertThrows(SQLException.class, () -> s.execute(unload));
            assertTrue(again.getMessage().contains("ALLOWOVERWRITE"), again.getMessage());
            s.execute(unload + " ALLOWOVERWRITE");
            assertEquals(4, count(s, "select count(*) from stv_slices"));
        }
    }

    /** The rejected rows of the session's last COPY, from sys_load_error_detail (AWS's columns) by pg_last_copy_id(). */
    static List<String> rejectedByLastCopy(Statement s) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (ResultSet r = s.executeQuery("select line_number, trim(column_name), error_code, trim(error_message), trim(file_name) "
                + "from sys_load_error_detail where query_id = pg_last_copy_id() order by line_number")) {
            while (r.next()) {
                out.add(r.getLong(1) + " " + r.getString(2) + " " + r.getInt(3) + " " + r.getString(4));
                assertEquals("s3://" + CUSTOMER_STAGING_BUCKET + "/mixed/a.csv", r.getString(5));
            }
        }
        return out;
    }

    @Test
    void maxErrorSkipsAndRecordsRejectedRowsUpToItsLimitAndFailsBeyondIt() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_max (id int, name varchar(5) NOT NULL)");
            assertEquals(2, s.executeUpdate("COPY t_max FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/mixed/' " + credentials(customerSession())
                    + " CSV MAXERROR 3"));
            assertEquals(List.of("2 id 1207 Invalid input syntax for type integer: \"x\"", "3 name 1214 Delimiter not found",
                    "5 name 1213 Missing data for not-null field"), rejectedByLastCopy(s));
            assertEquals(2, count(s, "select count(*) from t_max"));
            SQLException beyond = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t_max FROM 's3://" + CUSTOMER_STAGING_BUCKET
                    + "/mixed/' " + credentials(customerSession()) + " CSV MAXERROR 2"));
            assertTrue(beyond.getMessage().contains("Load into table 't_max' failed"), beyond.getMessage());
            assertEquals(2, count(s, "select count(*) from t_max"), "a COPY beyond its MAXERROR loads nothing");
            assertEquals(3, rejectedByLastCopy(s).size(), "its rejected rows are recorded under its own query id");
        }
    }

    @Test
    void varcharWidthsAreBytesAndTruncateColumnsCutsAtACharacterBoundary() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t_wide (id int, name varchar(4))");
            SQLException tooLong = assertThrows(SQLException.class, () -> s.executeUpdate("COPY t_wide FROM 's3://"
                    + CUSTOMER_STAGING_BUCKET + "/wide/' " + credentials(customerSession()) + " CSV"));
            assertTrue(tooLong.getMessage().contains("Load into table 't_wide' failed"), tooLong.getMessage());
            try (ResultSet r = s.executeQuery("select line_number, err_code, trim(err_reason) from stl_load_errors "
                    + "where query = pg_last_copy_id()")) {
                assertTrue(r.next());
                assertEquals(2, r.getLong(1), "four characters, but five bytes");
                assertEquals(1204, r.getInt(2));
                assertEquals("String length exceeds DDL length", r.getString(3));
            }
            assertEquals(3, s.executeUpdate("COPY t_wide FROM 's3://" + CUSTOMER_STAGING_BUCKET + "/wide/' " + credentials(customerSession())
                    + " CSV TRUNCATECOLUMNS"));
            try (ResultSet r = s.executeQuery("select name from t_wide order by id")) {
                List<String> names = new java.util.ArrayList<>();
                while (r.next()) {
                    names.add(r.getString(1));
                }
                assertEquals(List.of("abcd", "éab", "ab"), names);
            }
        }
    }

    @Test
    void aServerlessWorkgroupHasNoStlOrStvViews() throws Exception {
        try (Connection c = DriverManager.getConnection(sandbox.redshift().serverlessJdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
             Statement s = c.createStatement()) {
            SQLException stl = assertThrows(SQLException.class, () -> s.executeQuery("select count(*) from stl_load_errors"));
            assertTrue(stl.getMessage().contains("relation \"stl_load_errors\" does not exist"), stl.getMessage());
            assertThrows(SQLException.class, () -> s.executeQuery("select count(*) from STV_SLICES"));
            assertEquals(0, count(s, "select count(*) from sys_load_error_detail where query_id = -1"));
        }
    }
}
