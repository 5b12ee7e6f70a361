package dev.stageway.redshift;

import dev.stageway.spi.SingleTaskWriter;
import static dev.stageway.redshift.RedshiftFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.config.ConfigurationException;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.Schema;
import dev.stageway.testkit.Sandbox;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Loads and reads through the Redshift stand-in, staging in the customer's bucket through its assumed role. */
class RedshiftLoadTest {
    static RedshiftFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new RedshiftFixture(Sandbox.builder().withRedshift().build());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static final Schema ORDERS = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.INTEGER)),
            Column.of("customer", ColumnType.string()), Column.of("total", ColumnType.decimal(10, 2)));

    static Object[] order(int id, String customer, String total) {
        return new Object[] {id, customer, new java.math.BigDecimal(total)};
    }

    static List<String> table(String name) throws Exception {
        return fx.query("select id || ':' || coalesce(customer, 'NULL') || ':' || total from " + name + " order by id")
                .stream().map(r -> r.get(0)).toList();
    }

    void everyLoadModeInOneTransaction(Map<String, String> connection, String table) throws Exception {
        RunSummary first = fx.load(connection, props("redshift.table", table), ORDERS,
                List.<Object[]>of(order(1, "ann", "10.00"), order(2, "bob", "20.50"), order(3, null, "0.00")));
        assertEquals(3, first.rows());
        assertEquals(3L, first.details().get("rows loaded"));
        assertEquals(4L, first.details().get("files staged"), "one file per slice");
        assertEquals(List.of("1:ann:10.00", "2:bob:20.50", "3:NULL:0.00"), table(table));

        fx.load(connection, props("redshift.table", table, "redshift.load-mode", "append"), ORDERS, List.<Object[]>of(order(4, "dan", "4.00")));
        assertEquals(4, table(table).size());

        fx.load(connection, props("redshift.table", table, "redshift.load-mode", "upsert", "redshift.key-columns", "id"), ORDERS,
                List.<Object[]>of(order(2, "bob", "99.99"), order(5, "eve", "5.00")));
        assertEquals(List.of("1:ann:10.00", "2:bob:99.99", "3:NULL:0.00", "4:dan:4.00", "5:eve:5.00"), table(table));

        fx.load(connection, props("redshift.table", table, "redshift.load-mode", "delete", "redshift.key-columns", "id"), ORDERS,
                List.<Object[]>of(order(1, "ignored", "0"), order(4, "ignored", "0")));
        assertEquals(List.of("2:bob:99.99", "3:NULL:0.00", "5:eve:5.00"), table(table));

        fx.load(connection, props("redshift.table", table, "redshift.load-mode", "truncate", "redshift.pre-sql",
                "create table if not exists audit (note varchar(20))", "redshift.post-sql", "insert into audit values ('loaded')"),
                ORDERS, List.<Object[]>of(order(7, "gil", "7.00")));
        assertEquals(List.of("7:gil:7.00"), table(table));
        assertTrue(fx.query("select count(*) from audit").get(0).get(0).compareTo("1") >= 0);
        assertStagingEmpty();
    }

    @Test
    void everyLoadModeWithTheAssumedRolesTemporaryCredentials() throws Exception {
        everyLoadModeInOneTransaction(fx.connection(), "orders_credentials");
    }

    @Test
    void everyLoadModeWithTheClustersIamRole() throws Exception {
        everyLoadModeInOneTransaction(fx.iamRoleConnection(), "public.orders_iam_role");
    }

    static void assertStagingEmpty() {
        try (S3Client admin = admin()) {
            assertEquals(List.of(), admin.listObjectsV2(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix("stageway/")).contents().stream()
                    .map(o -> o.key()).toList());
            assertEquals(0, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_STAGING_BUCKET)).uploads().size());
        }
    }

    @Test
    void hardDataRoundTripsThroughCopyAndUnload() throws Exception {
        Schema text = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.INTEGER)), Column.of("value", ColumnType.string()));
        List<Object[]> rows = new ArrayList<>();
        String[] values = {"plain", "comma, inside", "quote \" inside", "new\nline", "", null, "żółć 日本語 🚀", "\\N", "x".repeat(5000),
                "  spaced  ", "tab\there", "semi;colon|pipe"};
        for (int i = 0; i < values.length; i++) {
            rows.add(new Object[] {i, values[i]});
        }
        fx.load(fx.connection(), props("redshift.table", "hard"), text, rows);
        List<Object[]> back = new ArrayList<>(fx.read(fx.connection(), props("redshift.table", "hard")));
        back.sort(Comparator.comparingInt(r -> Integer.parseInt((String) r[0])));
        assertEquals(values.length, back.size());
        for (int i = 0; i < values.length; i++) {
            assertEquals(String.valueOf(i), back.get(i)[0]);
            assertEquals(values[i], back.get(i)[1], "row " + i);
        }
        List<Object[]> viaQuery = fx.read(fx.iamRoleConnection(), props("redshift.query", "select value from hard where id < 3"));
        assertEquals(3, viaQuery.size());
        assertStagingEmpty();
    }

    @Test
    void aBadValueFailsNamingRecordFileLineColumnAndReasonAndChangesNothing() throws Exception {
        fx.execute("create table strict_orders (id int, customer varchar(20), total decimal(10,2))");
        fx.execute("insert into strict_orders values (1, 'kept', 1.00)");
        Schema loose = Schema.of(Column.of("id", ColumnType.string()), Column.of("customer", ColumnType.string()),
                Column.of("total", ColumnType.string()));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 2; i <= 10; i++) {
            rows.add(new Object[] {String.valueOf(i), "c" + i, i == 7 ? "seven" : i + ".00"});
        }
        StagewayException e = assertThrows(StagewayException.class, () -> fx.load(fx.connection(),
                props("redshift.table", "strict_orders", "redshift.load-mode", "truncate"), loose, rows));
        assertEquals(ErrorKind.DATA, e.kind());
        assertTrue(e.getMessage().matches("Cannot load into strict_orders: Redshift rejected record 6 \\(s3://customer-staging/"
                + "stageway/run-\\d+/load/[0-9a-f]{8}/t00000-a0/part-00001\\.csv\\.gz, line 6\\), column total: invalid input syntax for type numeric: "
                + "\"seven\" \\(value 'seven'\\)\\. Nothing was loaded; the table is unchanged\\."), e.getMessage());
        assertEquals(List.of("1:kept:1.00"), table("strict_orders"));
        assertStagingEmpty();
    }

    @Test
    void aBadValueFarIntoSeveralFilesIsNamedByItsRecordAcrossBatchesOfAnySize() throws Exception {
        fx.execute("create table block_orders (id int, total decimal(10,2))");
        Schema loose = Schema.of(Column.of("id", ColumnType.string()), Column.of("total", ColumnType.string()));
        StagewayException e = assertThrows(StagewayException.class, () -> {
            try (var w = SingleTaskWriter.open(fx.connector, fx.context(), fx.connection(),
                    props("redshift.table", "block_orders", "redshift.staging.files", "3"), loose)) {
                // Batches of 100 rows end inside the 128-row blocks that go to one file together.
                for (int from = 1; from <= 1000; from += 100) {
                    List<Object[]> batch = new ArrayList<>();
                    for (int i = from; i < from + 100; i++) {
                        batch.add(new Object[] {String.valueOf(i), i == 777 ? "bad" : i + ".00"});
                    }
                    w.write(new RecordBatch(loose, batch));
                }
                w.commit();
            }
        });
        // Record 777 is row 776 from 0: block 6 (rows 768-895), the third block of file 1 (blocks 0, 3, 6), its 9th row.
        assertTrue(e.getMessage().contains("rejected record 777 (s3://customer-staging/"), e.getMessage());
        assertTrue(e.getMessage().contains("/part-00001.csv.gz, line 265), column total"), e.getMessage());
        assertEquals(List.of(List.of("0")), fx.query("select count(*) from block_orders"));
        assertStagingEmpty();
    }

    @Test
    void aBadValueDeepInALoadStopsItWithNothingStagedAndNoUploadLeft() throws Exception {
        fx.execute("create table big_orders (id int, payload varchar(4000))");
        fx.execute("insert into big_orders values (1, 'kept')");
        Schema schema = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.INTEGER)), Column.of("payload", ColumnType.string()));
        java.util.Random random = new java.util.Random(1);
        byte[] bytes = new byte[1500];
        StagewayException e = assertThrows(StagewayException.class, () -> {
            try (var w = SingleTaskWriter.open(fx.connector, fx.context(), fx.connection(), props("redshift.table", "big_orders"), schema)) {
                // 40 batches of 1,000 rows of ~2 KB of incompressible text: every staged file is a multipart
                // upload in progress (parts of 8 MiB) when record 40,000 turns out to hold a Long, not an Integer.
                for (int batch = 0; batch < 50; batch++) {
                    List<Object[]> rows = new ArrayList<>();
                    for (int i = 1; i <= 1000; i++) {
                        int id = batch * 1000 + i;
                        random.nextBytes(bytes);
                        rows.add(new Object[] {id == 40_000 ? (Object) 40_000L : (Object) id, java.util.Base64.getEncoder().encodeToString(bytes)});
                    }
                    w.write(new RecordBatch(schema, rows));
                }
                w.commit();
            }
        });
        assertEquals(ErrorKind.DATA, e.kind());
        assertEquals("Row 40000, column id: expected a Integer for INTEGER, got a Long", e.getMessage());
        assertEquals(List.of(List.of("1")), fx.query("select count(*) from big_orders"));
        assertStagingEmpty();
    }

    @Test
    void zeroRowsCreateTheTableAndLoadNothing() throws Exception {
        RunSummary s = fx.load(fx.connection(), props("redshift.table", "empty_orders"), ORDERS, List.of());
        assertEquals(0L, s.details().get("rows loaded"));
        assertEquals(List.of(List.of("0")), fx.query("select count(*) from empty_orders"));
        List<Object[]> none = fx.read(fx.connection(), props("redshift.query", "select * from empty_orders;"));
        assertEquals(0, none.size(), "a trailing ';' in redshift.query is fine");
        assertStagingEmpty();
    }

    @Test
    void stagedFileCountCanBeSetAndEveryFileIsLoaded() throws Exception {
        List<Object[]> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            rows.add(order(i, "c" + i, i + ".25"));
        }
        RunSummary s = fx.load(fx.connection(), props("redshift.table", "seven_files", "redshift.staging.files", "7"), ORDERS, rows);
        assertEquals(7L, s.details().get("files staged"));
        assertEquals(1000L, s.details().get("rows loaded"));
        assertEquals(List.of(List.of("1000", "500500")), fx.query("select count(*), sum(id) from seven_files"));
        assertStagingEmpty();

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> fx.connector.openWrite(fx.context(),
                fx.connection(), props("redshift.table", "t", "redshift.staging.files", "0"), ORDERS));
        assertTrue(e.problems().get(0).toString().startsWith("redshift.staging.files: "), e.problems().toString());
    }

    /**
     * Staged files larger than a part (8 MiB) are multipart uploads whose last parts go up together
     * at the end; every row arrives, and nothing is left staged or open.
     */
    @Test
    void stagedFilesOfSeveralPartsLoadEveryRow() throws Exception {
        Schema schema = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.INTEGER)), Column.of("payload", ColumnType.string()));
        java.util.Random random = new java.util.Random(3);
        byte[] bytes = new byte[1500];
        List<Object[]> rows = new ArrayList<>();
        long length = 0;
        for (int id = 1; id <= 14_000; id++) {
            random.nextBytes(bytes);
            String payload = java.util.Base64.getEncoder().encodeToString(bytes);
            rows.add(new Object[] {id, payload});
            length += payload.length();
        }
        RunSummary s = fx.load(fx.connection(), props("redshift.table", "multipart_orders", "redshift.staging.files", "2"), schema, rows);
        assertTrue(s.bytes() > 2 * 8L * 1024 * 1024, "each of the 2 staged files is more than one 8 MiB part: " + s.bytes() + " bytes");
        assertEquals(List.of(List.of("14000", "98007000", Long.toString(length))),
                fx.query("select count(*), sum(id), sum(length(payload)) from multipart_orders"));
        assertStagingEmpty();
    }

    @Test
    void stagingIsKeptOnFailureWhenAsked() throws Exception {
        fx.execute("create table kept_orders (id int)");
        Map<String, String> connection = fx.connection();
        connection.put("redshift.staging.keep-on-failure", "true");
        Schema one = Schema.of(Column.of("id", ColumnType.string()));
        StagewayException e = assertThrows(StagewayException.class, () -> fx.load(connection, props("redshift.table", "kept_orders"),
                one, List.<Object[]>of(new Object[] {"not a number"})));
        String run = e.getMessage().replaceAll("(?s).*stageway/(run-\\d+)/.*", "$1");
        assertTrue(e.getMessage().matches("(?s).* The staged files are kept in s3://customer-staging/stageway/" + run
                + "/load/[0-9a-f]{8}/\\."), e.getMessage());
        try (S3Client admin = admin()) {
            var kept = admin.listObjectsV2(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix("stageway/" + run + "/")).contents();
            assertEquals(5, kept.size(), "four part files and the manifest");
            kept.forEach(o -> admin.deleteObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key(o.key())));
        }
    }

    static S3Client admin() {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(fx.sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID,
                        CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build();
    }

    @Test
    void configurationIsCheckedBeforeAnyCall() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> fx.connector.openWrite(fx.context(),
                fx.connection(), props("redshift.load-mode", "upsert"), ORDERS));
        assertEquals(List.of("redshift.table: is required: the table to load",
                "redshift.key-columns, redshift.load-mode: is required with redshift.load-mode=upsert: the columns that identify a row"),
                e.problems().stream().map(Object::toString).toList());
        ConfigurationException keys = assertThrows(ConfigurationException.class, () -> fx.connector.openWrite(fx.context(),
                fx.connection(), props("redshift.table", "t", "redshift.load-mode", "delete", "redshift.key-columns", "order_id"), ORDERS));
        assertEquals("redshift.key-columns: names column order_id, which the records do not have; they have [id, customer, total]",
                keys.problems().get(0).toString());
        Map<String, String> noRole = fx.connection();
        noRole.put("redshift.copy-auth", "iam-role");
        ConfigurationException role = assertThrows(ConfigurationException.class, () -> fx.connector.openWrite(fx.context(), noRole,
                props("redshift.table", "t"), ORDERS));
        assertEquals("redshift.iam-role, redshift.copy-auth: is required with redshift.copy-auth=iam-role",
                role.problems().get(0).toString());
    }
}
