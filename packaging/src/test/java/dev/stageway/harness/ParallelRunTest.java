package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TargetWrite;
import dev.stageway.spi.TaskWriter;
import dev.stageway.testkit.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The contract as the single-process host runs it, through the bundle: splits read by parallel
 * tasks give the rows one task gives; a failing task publishes nothing and leaves nothing staged;
 * of two attempts of a task only the committed one's data appears; a retried run loads once.
 */
class ParallelRunTest {
    static final Path BUNDLE = Path.of("target", "stageway-plugin.zip");
    static final int OBJECTS = 400;
    static final int ROWS_PER_OBJECT = 3;
    static final Schema SCHEMA = Schema.of(Column.of("id", ColumnType.string()), Column.of("name", ColumnType.string()));
    static Sandbox sandbox;
    static PluginBundle plugin;
    static S3Client admin;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().withRedshift().build();
        plugin = PluginBundle.open(BUNDLE);
        admin = customerAdminS3(sandbox);
        for (int i = 0; i < OBJECTS; i++) {
            StringBuilder csv = new StringBuilder("id,name\n");
            for (int r = 0; r < ROWS_PER_OBJECT; r++) {
                csv.append(i * ROWS_PER_OBJECT + r).append(",\"name ").append(i).append(", ").append(r).append("\"\n");
            }
            String key = String.format("many/part-%05d.csv", i);
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key), RequestBody.fromString(csv.toString()));
            // The same objects, but one of them has a row with a field too many: its task fails.
            String bad = i == 250 ? csv + "1,too,many\n" : csv.toString();
            int n = i;
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(String.format("many-bad/part-%05d.csv", n)), RequestBody.fromString(bad));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        plugin.close();
        sandbox.close();
    }

    static Map<String, String> customer() {
        return Demo.with(Demo.keys(), "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE), "aws.external-id", CUSTOMER_EXTERNAL_ID);
    }

    /** Many small splits: about 25 objects each. */
    static Map<String, String> source(String folder) {
        Map<String, String> m = new TreeMap<>();
        Demo.side(m, "source", "s3", Demo.endpoints(sandbox, customer()));
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/" + folder + "/");
        m.put("source.s3.split-size-bytes", "1000");
        return m;
    }

    static Map<String, String> toS3(String folder, String out) {
        Map<String, String> m = source(folder);
        Demo.side(m, "target", "s3", Demo.endpoints(sandbox, customer()));
        m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/" + out + "/");
        return m;
    }

    static Map<String, String> toRedshift(String folder, String table) {
        Map<String, String> m = source(folder);
        Demo.side(m, "target", "redshift", Demo.redshift(sandbox, customer()));
        m.put("target.redshift.table", table);
        return m;
    }

    record Result(int exit, String out) {
    }

    static Result stageway(Map<String, String> mapping, String... options) throws Exception {
        Path file = Files.createTempFile(dir, "mapping", ".properties");
        StringBuilder b = new StringBuilder();
        mapping.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, b.toString());
        List<String> args = new ArrayList<>(List.of("--plugin", BUNDLE.toString(), "run", file.toString()));
        args.addAll(List.of(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = Stageway.run(args.toArray(String[]::new), print, print);
        return new Result(exit, out.toString(StandardCharsets.UTF_8));
    }

    static List<String> keys(String bucket, String prefix) {
        return admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    static String text(String bucket, String key) {
        return admin.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    /** The data lines of every object in the folder, in key order, without their header lines. */
    static List<String> lines(String folder) {
        List<String> lines = new ArrayList<>();
        for (String key : keys(CUSTOMER_BUCKET, folder + "/")) {
            List<String> object = List.of(text(CUSTOMER_BUCKET, key).split("\n"));
            lines.addAll(object.subList(1, object.size()));
        }
        return lines;
    }

    static List<String> rows(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(sandbox.redshift().jdbcUrl(), sandbox.redshift().user(),
                sandbox.redshift().password()); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (r.next()) {
                rows.add(r.getString(1));
            }
            return rows;
        }
    }

    static int openUploads(String bucket) {
        return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
    }

    @Test
    void fourTasksGiveTheRowsOneTaskGives() throws Exception {
        Result one = stageway(toS3("many", "out-p1"), "--parallelism", "1");
        assertEquals(0, one.exit(), one.out());
        assertEquals(List.of("out-p1/data.csv"), keys(CUSTOMER_BUCKET, "out-p1/"), "one task writes today's object");
        Result four = stageway(toS3("many", "out-p4"), "--parallelism", "4");
        assertEquals(0, four.exit(), four.out());
        assertTrue(four.out().contains("done: 1,200 rows read, 1,200 written"), four.out());
        List<String> objects = keys(CUSTOMER_BUCKET, "out-p4/");
        assertTrue(objects.size() > 4 && objects.stream().allMatch(k -> k.matches("out-p4/data-t\\d{5}\\.csv")), objects.toString());
        List<String> ordered = lines("out-p1");
        assertEquals(OBJECTS * ROWS_PER_OBJECT, ordered.size());
        assertEquals("\"0\",\"name 0, 0\"", ordered.get(0), "one task keeps the source's order");
        // Task objects are named in split order, so key order is source order again.
        assertEquals(ordered, lines("out-p4"));

        Result load = stageway(toRedshift("many", "parallel_orders"), "--parallelism", "4");
        assertEquals(0, load.exit(), load.out());
        assertEquals(List.of("1200"), rows("SELECT COUNT(DISTINCT id) FROM parallel_orders"));
        assertEquals(List.of(), keys(CUSTOMER_STAGING_BUCKET, "stageway/"), "nothing staged stays");
    }

    @Test
    void aFailingTaskPublishesNothingAndLeavesNothingStaged() throws Exception {
        Result s3 = stageway(toS3("many-bad", "out-bad"), "--parallelism", "4");
        assertEquals(4, s3.exit(), s3.out());
        assertTrue(s3.out().contains("many-bad/part-00250.csv, line 5: expected 2 fields, found 3"), s3.out());
        assertEquals(List.of(), keys(CUSTOMER_BUCKET, "out-bad/"));
        assertEquals(0, openUploads(CUSTOMER_BUCKET), "every task's multipart uploads are aborted");

        Result load = stageway(toRedshift("many-bad", "never_loaded"), "--parallelism", "4");
        assertEquals(4, load.exit(), load.out());
        assertEquals(List.of(), rows("SELECT table_name FROM information_schema.tables WHERE table_name = 'never_loaded'"));
        assertEquals(List.of(), keys(CUSTOMER_STAGING_BUCKET, "stageway/"));
        assertEquals(0, openUploads(CUSTOMER_STAGING_BUCKET));
    }

    /** Two attempts of task 0 stage; the commit is given the second's message: only its rows appear, and the first's are gone. */
    @Test
    void ofTwoAttemptsOnlyTheCommittedOnesDataIsPublished() throws Exception {
        Map<String, String> s3Target = Demo.with(Demo.endpoints(sandbox, customer()), "s3.folder-path", CUSTOMER_BUCKET + "/attempts/");
        assertEquals(List.of("attempts/data-t00000.csv", "attempts/data-t00001.csv"),
                writeWithARetriedTask(plugin.connector("test", "s3"), s3Target, "attempts-s3").stream().toList());
        assertEquals("\"id\",\"name\"\n\"second\",\"a\"\n", text(CUSTOMER_BUCKET, "attempts/data-t00000.csv"));
        assertEquals("\"id\",\"name\"\n\"other\",\"b\"\n", text(CUSTOMER_BUCKET, "attempts/data-t00001.csv"));
        assertEquals(0, openUploads(CUSTOMER_BUCKET), "the losing attempt's upload is aborted");

        Map<String, String> redshift = Demo.with(Demo.redshift(sandbox, customer()), "redshift.table", "attempts");
        writeWithARetriedTask(plugin.connector("test", "redshift"), redshift, "attempts-redshift");
        assertEquals(List.of("other", "second"), rows("SELECT id FROM attempts ORDER BY id"));
        assertEquals(List.of(), keys(CUSTOMER_STAGING_BUCKET, "stageway/"), "the losing attempt's files are removed too");
    }

    /** Task 0 staged twice (first, then second), task 1 once; commits the second attempt of task 0 with task 1; returns the keys written. */
    private static List<String> writeWithARetriedTask(ConnectorFactory connector, Map<String, String> target, String runId) {
        Map<String, String> connection = new TreeMap<>();
        Map<String, String> own = new TreeMap<>();
        target.forEach((k, v) -> (connector.connectionProperties().contains(k) ? connection : own).put(k, v));
        try (TargetWrite write = connector.openWrite(new RunContext(runId, plugin.runtime(), 2), connection, own, SCHEMA)) {
            CommitMessage first = stage(write.writerFor(0, 0), "first", "a");
            CommitMessage second = stage(write.writerFor(0, 1), "second", "a");
            CommitMessage other = stage(write.writerFor(1, 0), "other", "b");
            assertNotEquals(first, second);
            RunSummary summary = write.commit(List.of(second, other));
            assertEquals(2, summary.rows());
        }
        return keys(CUSTOMER_BUCKET, "attempts/");
    }

    private static CommitMessage stage(TaskWriter writer, String id, String name) {
        writer.write(new RecordBatch(SCHEMA, List.<Object[]>of(new Object[] {id, name})));
        return writer.prepare();
    }

    @Test
    void aRetriedRunLoadsOnce() throws Exception {
        Map<String, String> mapping = toRedshift("many", "retried_orders");
        Result first = stageway(mapping, "--run-id", "nightly-2026-11-28", "--parallelism", "2");
        assertEquals(0, first.exit(), first.out());
        Result again = stageway(mapping, "--run-id", "nightly-2026-11-28", "--parallelism", "2");
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("run nightly-2026-11-28 was already loaded into the target: nothing was done"), again.out());
        assertEquals(List.of("1200"), rows("SELECT COUNT(*) FROM retried_orders"));
        assertEquals(List.of("nightly-2026-11-28"), rows("SELECT run_id FROM stageway_load_log WHERE target_table = 'retried_orders'"));
        assertTrue(sandbox.s3RequestsOfRun("nightly-2026-11-28") > 0, "each request's User-Agent names its run");
        Result next = stageway(mapping, "--run-id", "nightly-2026-11-29");
        assertEquals(0, next.exit(), next.out());
        assertEquals(List.of("2400"), rows("SELECT COUNT(*) FROM retried_orders"), "another run id loads again");
        assertEquals(List.of(), keys(CUSTOMER_STAGING_BUCKET, "stageway/"));
    }
}
