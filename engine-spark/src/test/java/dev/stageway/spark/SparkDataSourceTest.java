package dev.stageway.spark;

import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** The plugin as a Spark data source, in local[2,2] (two threads; a failed task is tried once more). */
class SparkDataSourceTest {
    private static final String LONG = "x".repeat(20_000);
    /** Failures the functions above injected, in this JVM (local mode runs tasks here). */
    private static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();
    private static SparkSandbox sandbox;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        sandbox = SparkSandbox.start();
        spark = SparkSession.builder().master("local[2,2]").appName("stageway-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.plugins", StagewaySparkPlugin.class.getName())
                .config(PluginHost.SETTING, Path.of("target", "stageway-plugin.zip").toAbsolutePath().toString())
                .getOrCreate();
        // Fails the first attempt of partition 0 after its first rows went to its writer; Spark tries it again.
        spark.udf().register("failFirstAttemptOfPartition0", (UDF1<Long, Long>) id -> {
            TaskContext task = TaskContext.get();
            if (task.partitionId() == 0 && task.attemptNumber() == 0 && id % 3 == 2) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure of the first attempt");
            }
            return id;
        }, DataTypes.LongType);
        // Fails every attempt of partition 1, late enough for partition 0 to have committed its attempt.
        spark.udf().register("failPartition1Late", (UDF1<Long, Long>) id -> {
            if (TaskContext.get().partitionId() == 1) {
                Thread.sleep(1500);
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected failure of every attempt");
            }
            return id;
        }, DataTypes.LongType);
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static final StructType TYPED = new StructType()
            .add("id", DataTypes.LongType, false).add("note", DataTypes.StringType).add("small", DataTypes.ShortType)
            .add("n", DataTypes.IntegerType).add("amount", DataTypes.createDecimalType(12, 3)).add("score", DataTypes.DoubleType)
            .add("flag", DataTypes.BooleanType).add("day", DataTypes.DateType).add("at", DataTypes.TimestampNTZType)
            .add("at_utc", DataTypes.TimestampType).add("bytes", DataTypes.BinaryType);

    private static final String[] NOTES = {"say \"hi\", then go", "two\nlines", "", null, "Zürich – 東京 🚀", LONG};

    private static Dataset<Row> typedRows(int count) {
        List<Row> rows = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            rows.add(RowFactory.create(i, NOTES[(int) (i % NOTES.length)], (short) (i % 300 - 150), (int) i * 7,
                    new BigDecimal(i + ".125").negate(), i / 8.0, i % 2 == 0, LocalDate.of(2026, 1, 1).plusDays(i),
                    LocalDateTime.of(2026, 1, 1, 0, 0).plusSeconds(i * 61).plusNanos(123_456_000L),
                    Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), new byte[] {(byte) i, 0, (byte) 0xff}));
        }
        return spark.createDataFrame(rows, TYPED);
    }

    @Test
    void typedRowsLoadIntoRedshiftOnceAcrossPartitionsWithOneTaskRetried() throws Exception {
        // Without the binary column: the sandbox's Redshift has no VARBYTE.
        Dataset<Row> rows = typedRows(600).drop("bytes").repartition(3).withColumn("id", call_udf("failFirstAttemptOfPartition0", col("id")));
        List<QueryExecution> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        QueryExecutionListener listener = SparkPlans.listener(writes);
        spark.listenerManager().register(listener);
        int injected = INJECTED.get();
        try {
            rows.write().format("stageway").option("connector", "redshift").options(sandbox.redshift("spark_typed", "spark-a/"))
                    .mode("append").save();
            assertEquals(injected + 1, INJECTED.get(), "one attempt failed, and was tried again");
            assertTrue(eventually(() -> writes.size() == 1));
        } finally {
            spark.listenerManager().unregister(listener);
        }
        assertEquals(600, SparkPlans.metric(writes.get(0).executedPlan(), StagewayMetrics.ROWS, false), "the write's rows metric");

        assertEquals("600", one("select count(*) from spark_typed"));
        assertEquals("600", one("select count(distinct id) from spark_typed"));
        assertEquals("say \"hi\", then go|two\nlines||null|Zürich – 東京 🚀|" + LONG.length(),
                one("select string_agg(coalesce(case when length(note) > 100 then length(note)::text else note end, 'null'), '|' "
                        + "order by id) from spark_typed where id < 6"));
        assertEquals("49|-7.125|0.875|false|2026-01-08|2026-01-01 00:07:07.123456", one(
                "select n || '|' || amount || '|' || score || '|' || flag || '|' || day || '|' || at from spark_typed where id = 7"));
        assertEquals("-143", one("select small from spark_typed where id = 7"));
        assertEquals("2026-01-01 00:00:07+00", one("select at_utc from spark_typed where id = 7"));
        assertTrue(stagingEmpty("spark-a/"));
    }

    @Test
    void aJobThatFailsMidWriteLeavesTheTableUnchangedAndNothingStaged() throws Exception {
        sql("create table spark_kept (id bigint, note varchar(100))");
        sql("insert into spark_kept values (1, 'kept')");
        Dataset<Row> rows = spark.range(0, 3000).repartition(2).withColumn("id", call_udf("failPartition1Late", col("id")))
                .withColumn("note", col("id").cast("string"));
        Exception e = assertThrows(Exception.class, () -> rows.write().format("stageway").option("connector", "redshift")
                .options(sandbox.redshift("spark_kept", "spark-b/")).mode("overwrite").save());
        assertTrue(String.valueOf(e.getMessage()).contains("injected failure"), e.getMessage());
        assertEquals("1:kept", one("select id || ':' || note from spark_kept"));
        assertTrue(stagingEmpty("spark-b/"));
    }

    @Test
    void aJobThatFailsMidWriteToS3LeavesNoObjectAndNoOpenUpload() throws Exception {
        Dataset<Row> rows = spark.range(0, 3000).repartition(2).withColumn("id", call_udf("failPartition1Late", col("id")));
        Exception e = assertThrows(Exception.class, () -> rows.write().format("stageway").option("connector", "s3")
                .options(withFolder("spark-failed/")).mode("append").save());
        assertTrue(String.valueOf(e.getMessage()).contains("injected failure"), e.getMessage());
        assertTrue(nothingUnder(sandbox.get("customer.bucket"), "spark-failed/"));
    }

    @Test
    void csvObjectsWrittenToS3ReadBackAsPartitionsAndOverwriteATable() throws Exception {
        Map<String, String> target = sandbox.customer();
        target.put("s3.folder-path", sandbox.get("customer.bucket") + "/spark-csv/");
        typedRows(60).repartition(2).write().format("stageway").option("connector", "s3").options(target).mode("append").save();

        Map<String, String> source = sandbox.customer();
        source.put("s3.folder-path", sandbox.get("customer.bucket") + "/spark-csv/");
        Dataset<Row> back = spark.read().format("stageway").option("connector", "s3").options(source).load();
        List<Row> sorted = back.orderBy(col("id").cast("long")).collectAsList();
        assertEquals(60, sorted.size());
        for (int i = 0; i < NOTES.length; i++) {
            assertEquals(NOTES[i], sorted.get(i).getAs("note"), "note of row " + i);
        }
        Row seven = sorted.get(7);
        assertEquals("-143|49|-7.125|0.875|false|2026-01-08|2026-01-01 00:07:07.123456|2026-01-01 00:00:07+00:00|0700ff",
                String.join("|", seven.<String>getAs("small"), seven.getAs("n"), seven.getAs("amount"), seven.getAs("score"),
                        seven.getAs("flag"), seven.getAs("day"), seven.getAs("at"), seven.getAs("at_utc"), seven.getAs("bytes")));
        boolean noUpload = asCustomer(s3 -> s3.listMultipartUploads(b -> b.bucket(sandbox.get("customer.bucket")).prefix("spark-csv/"))
                .uploads().isEmpty());
        assertTrue(noUpload, "an upload was left open");

        sql("create table spark_replaced (id varchar(20), note varchar(20000))");
        sql("insert into spark_replaced values ('old', 'gone')");
        back.select("id", "note").write().format("stageway").option("connector", "redshift")
                .options(sandbox.redshift("spark_replaced", "spark-c/")).mode("overwrite").save();
        assertEquals("60", one("select count(*) from spark_replaced"));
        assertEquals("0", one("select count(*) from spark_replaced where id = 'old'"));
        assertEquals("[]", one("select '[' || note || ']' from spark_replaced where id = '2'"));
        assertEquals("null", one("select coalesce(note, 'null') from spark_replaced where id = '3'"));
    }

    @Test
    void aRedshiftSourceUnloadsForAnActionNotForExplainAndRemovesItsFilesAfter() throws Exception {
        sql("create table spark_source (id int, note varchar(20000))");
        sql("insert into spark_source select g, case when g % 4 = 0 then null when g % 4 = 1 then '' "
                + "else 'row \"' || g || '\", ok' end from generate_series(1, 500) g");
        Map<String, String> source = sandbox.redshift("spark_source", "spark-r/");
        source.remove("redshift.table");
        source.put("redshift.query", "select id, note from spark_source where id <= 400");
        Dataset<Row> read = spark.read().format("stageway").option("connector", "redshift").options(source).load();
        assertEquals("struct<id:string,note:string>", read.schema().simpleString());

        String plan = explained(read);
        assertTrue(plan.contains("stageway redshift source"), plan);
        assertTrue(stagingEmpty("spark-r/"), "explain() unloaded");

        List<Row> rows = read.orderBy(col("id").cast("int")).collectAsList();
        assertEquals(400, rows.size());
        assertEquals("", rows.get(0).getAs("note"));
        assertEquals("row \"2\", ok", rows.get(1).getAs("note"));
        assertNull(rows.get(3).getAs("note"));
        assertEquals(400L, read.count());
        assertTrue(eventually(() -> stagingEmpty("spark-r/")), "the unloaded files were not removed after the actions");
    }

    @Test
    void plansOfReadsAndWritesShowNoSecret() throws Exception {
        List<QueryExecution> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
        QueryExecutionListener listener = SparkPlans.listener(writes);
        spark.listenerManager().register(listener);
        try {
            typedRows(3).write().format("stageway").option("connector", "s3").options(withFolder("spark-csv-explain/")).mode("append")
                    .save();
            typedRows(3).drop("bytes").write().format("stageway").option("connector", "redshift")
                    .options(sandbox.redshift("spark_explained", "spark-e/")).mode("append").save();
            assertTrue(eventually(() -> writes.size() == 2), writes.toString());
        } finally {
            spark.listenerManager().unregister(listener);
        }
        Dataset<Row> read = spark.read().format("stageway").option("connector", "s3").options(withFolder("spark-csv-explain/")).load();
        Dataset<Row> fromRedshift = spark.read().format("stageway").option("connector", "redshift")
                .options(sandbox.redshift("spark_explained", "spark-e/")).load();
        String plans = explained(read) + explained(fromRedshift) + writes.stream().map(QueryExecution::toString).collect(java.util.stream.Collectors.joining("\n"));
        assertTrue(plans.contains("stageway s3 source"), plans);
        assertTrue(plans.contains("stageway redshift source"), plans);
        assertTrue(plans.contains("stageway redshift target"), plans);
        for (String secret : List.of(sandbox.get("agent.secret-access-key"), sandbox.get("redshift.password"))) {
            assertFalse(plans.contains(secret), plans);
        }
    }

    @Test
    void twoTenantsInOneJobEachWithItsOwnExternalId() throws Exception {
        Map<String, String> a = withFolder("tenants/");
        Map<String, String> b = tenantB("tenants/");
        spark.range(0, 50).selectExpr("cast(id as string) as id", "'a' as tenant").write().format("stageway").option("connector", "s3")
                .options(a).mode("append").save();
        spark.range(50, 80).selectExpr("cast(id as string) as id", "'b' as tenant").write().format("stageway").option("connector", "s3")
                .options(b).mode("append").save();

        Dataset<Row> both = s3(a).union(s3(b));
        both.write().format("stageway").option("connector", "redshift").options(sandbox.redshift("spark_tenants", "spark-t/"))
                .mode("append").save();
        assertEquals("50|30", one("select sum(case when tenant = 'a' then 1 else 0 end) || '|' "
                + "|| sum(case when tenant = 'b' then 1 else 0 end) from spark_tenants"));

        Map<String, String> confused = tenantB("tenants/");
        confused.put("aws.external-id", sandbox.get("customer.external-id"));
        Exception e = assertThrows(Exception.class, () -> s3(confused).count());
        assertTrue(String.valueOf(e.getMessage()).contains(sandbox.get("tenant-b.role-arn")), e.getMessage());
    }

    @Test
    void upsertReplacesRowsWithTheSameKeysInOneTransaction() throws Exception {
        sql("create table spark_upsert (id int, note varchar(20))");
        sql("insert into spark_upsert values (1, 'old'), (2, 'kept')");
        Dataset<Row> changes = spark.createDataFrame(List.of(RowFactory.create(1, "new"), RowFactory.create(3, "added")),
                new StructType().add("id", DataTypes.IntegerType).add("note", DataTypes.StringType));
        Map<String, String> target = sandbox.redshift("spark_upsert", "spark-u/");
        target.put("redshift.load-mode", "upsert");
        target.put("redshift.key-columns", "id");
        changes.repartition(2).write().format("stageway").option("connector", "redshift").options(target).mode("append").save();
        assertEquals("1:new,2:kept,3:added", one("select string_agg(id || ':' || note, ',' order by id) from spark_upsert"));
        assertTrue(stagingEmpty("spark-u/"));
    }

    @Test
    void aJobRunAgainWithTheSameRunIdLoadsNothingTwice() throws Exception {
        Dataset<Row> rows = spark.range(0, 100).selectExpr("id", "cast(id as string) as note").repartition(2);
        for (int run = 0; run < 2; run++) {
            rows.write().format("stageway").option("connector", "redshift").option("run-id", "nightly-2026-11-29")
                    .options(sandbox.redshift("spark_once", "spark-o/")).mode("append").save();
        }
        assertEquals("100", one("select count(*) from spark_once"));
        assertTrue(stagingEmpty("spark-o/"));
    }

    @Test
    void aColumnOfATypeStagewayDoesNotCarryIsNamedBeforeAnythingIsStaged() {
        Dataset<Row> tagged = spark.range(3).selectExpr("id", "array(id) as tags");
        Exception e = assertThrows(Exception.class, () -> tagged.write().format("stageway").option("connector", "redshift")
                .options(sandbox.redshift("spark_tags", "spark-x/")).mode("append").save());
        assertTrue(e.getMessage().contains("tags: is of Spark type array<bigint>"), e.getMessage());
        assertTrue(stagingEmpty("spark-x/"));
    }

    private static Dataset<Row> s3(Map<String, String> source) {
        return spark.read().format("stageway").option("connector", "s3").options(source).load();
    }

    private static Map<String, String> tenantB(String folder) {
        Map<String, String> m = sandbox.customer();
        m.put("aws.role-arn", sandbox.get("tenant-b.role-arn"));
        m.put("aws.external-id", sandbox.get("tenant-b.external-id"));
        m.put("s3.folder-path", sandbox.get("tenant-b.bucket") + "/" + folder);
        return m;
    }

    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static Map<String, String> withFolder(String folder) {
        Map<String, String> m = sandbox.customer();
        m.put("s3.folder-path", sandbox.get("customer.bucket") + "/" + folder);
        return m;
    }

    /** What {@code explain("extended")} prints (it prints to Scala's console, which System.setOut does not reach). */
    private static String explained(Dataset<Row> ds) {
        return ds.queryExecution().explainString(ExplainMode.fromString("extended"));
    }

    private static String one(String query) throws Exception {
        try (Connection c = cluster(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            assertTrue(r.next(), query);
            return r.getString(1);
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = cluster(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static Connection cluster() throws Exception {
        return DriverManager.getConnection(sandbox.get("redshift.jdbc-url"), sandbox.get("redshift.user"), sandbox.get("redshift.password"));
    }

    /** Nothing below the staging folder: no staged file, no manifest, no upload open. */
    private static boolean stagingEmpty(String folder) {
        return nothingUnder(sandbox.get("staging.bucket"), folder);
    }

    /** No object and no open multipart upload under {@code prefix}, as the customer's role sees them. */
    private static boolean nothingUnder(String bucket, String prefix) {
        return asCustomer(s3 -> s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().isEmpty()
                && s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)).uploads().isEmpty());
    }

    private static <T> T asCustomer(java.util.function.Function<S3Client, T> call) {
        Region region = Region.of(sandbox.get("aws.region"));
        StaticCredentialsProvider agent = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                sandbox.get("agent.access-key-id"), sandbox.get("agent.secret-access-key")));
        try (StsClient sts = StsClient.builder().endpointOverride(URI.create(sandbox.get("aws.sts.endpoint"))).region(region)
                .credentialsProvider(agent).build();
             StsAssumeRoleCredentialsProvider role = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                     .refreshRequest(b -> b.roleArn(sandbox.get("customer.role-arn")).externalId(sandbox.get("customer.external-id"))
                             .roleSessionName("spark-test")).build();
             S3Client s3 = S3Client.builder().endpointOverride(URI.create(sandbox.get("aws.s3.endpoint"))).region(region)
                     .forcePathStyle(true).credentialsProvider(role).build()) {
            return call.apply(s3);
        }
    }
}
