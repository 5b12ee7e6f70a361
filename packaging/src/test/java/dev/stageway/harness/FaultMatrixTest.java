package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.faults.Fault;
import dev.stageway.testkit.faults.Fault.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every fault the sandbox injects, against S3 -> S3, S3 -> Redshift and Redshift -> S3 (a fault
 * that cannot strike a path is not run against it): the run succeeds after retries with exactly
 * the source's rows published once, or fails with nothing published, no multipart upload left
 * open, no staged file left, and the table unchanged. The README's reliability table is this
 * test's.
 */
class FaultMatrixTest {
    static final int ROWS_A = 300;
    static final int ROWS_B = 20;
    static final int ROWS = ROWS_A + ROWS_B;
    static final String STAGING = "stageway/";
    static Sandbox sandbox;
    static S3Client admin;
    @TempDir
    static Path dir;

    enum Route { S3_TO_S3, S3_TO_REDSHIFT, REDSHIFT_TO_S3 }

    /** A fault, the routes it can strike, and whether a run survives it. */
    record Case(String name, Supplier<Fault> fault, List<Route> routes, boolean survives) {
    }

    static final List<Route> ALL = List.of(Route.values());
    /** Writes of object data: parts of a multipart upload, and whole small objects (staged files). */
    static final String WRITES = "UploadPart|PutObject";

    static final List<Case> CASES = List.of(
            new Case("S3 500 InternalError on two uploads", () -> Fault.of(Kind.INTERNAL_ERROR).on(WRITES).times(2), ALL, true),
            new Case("S3 503 SlowDown on three reads", () -> Fault.of(Kind.SLOW_DOWN).on("GetObject").times(3), ALL, true),
            new Case("S3 connection reset on publishing an object", () -> Fault.of(Kind.RESET).on("CompleteMultipartUpload|PutObject"), ALL,
                    true),
            new Case("S3 body cut short on two reads", () -> Fault.of(Kind.TRUNCATE).on("GetObject").times(2), ALL, true),
            new Case("S3 answering a listing 2 s late", () -> Fault.of(Kind.SLOW).on("ListObjectsV2").delay(Duration.ofSeconds(2)), ALL, true),
            new Case("S3 500 InternalError on every upload", () -> Fault.of(Kind.INTERNAL_ERROR).on(WRITES).times(0), ALL, false),
            new Case("STS throttling for 3 s", () -> Fault.of(Kind.THROTTLE).lasting(Duration.ofSeconds(3)), ALL, true),
            new Case("Redshift connection dropped during COPY", () -> Fault.of(Kind.DROP).on("COPY"), List.of(Route.S3_TO_REDSHIFT), true),
            new Case("Redshift connection dropped before COMMIT is carried out", () -> Fault.of(Kind.DROP).on("COMMIT"),
                    List.of(Route.S3_TO_REDSHIFT), true),
            new Case("Redshift connection dropped after COMMIT was carried out", () -> Fault.of(Kind.DROP_AFTER).on("COMMIT"),
                    List.of(Route.S3_TO_REDSHIFT), true),
            new Case("Redshift serializable isolation error 1023 once", () -> Fault.of(Kind.SERIALIZATION_ERROR).on("COPY"),
                    List.of(Route.S3_TO_REDSHIFT), true),
            new Case("Redshift error 1023 on every attempt", () -> Fault.of(Kind.SERIALIZATION_ERROR).on("COPY").times(0),
                    List.of(Route.S3_TO_REDSHIFT), false));

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().withRedshift().build();
        admin = customerAdminS3(sandbox);
        admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("fm/in/a.csv"), RequestBody.fromString(csv(0, ROWS_A)));
        admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("fm/in/b.csv"), RequestBody.fromString(csv(ROWS_A, ROWS_B)));
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fm_source (id VARCHAR(16), name VARCHAR(64))");
            s.execute("INSERT INTO fm_source SELECT g::text, 'name ' || g FROM generate_series(0, " + (ROWS - 1) + ") g");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        sandbox.close();
    }

    private static String csv(int from, int rows) {
        StringBuilder b = new StringBuilder("id,name\n");
        for (int i = from; i < from + rows; i++) {
            b.append(i).append(",\"name ").append(i).append(", with a comma\"\n");
        }
        return b.toString();
    }

    private static Connection jdbc() throws SQLException {
        return DriverManager.getConnection(sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
    }

    @Test
    void everyFaultEndsInSuccessAfterRetriesOrInAFailureThatLeavesNothing() throws Exception {
        List<String> table = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int n = 0;
        for (Case c : CASES) {
            for (Route route : c.routes()) {
                n++;
                sandbox.faults().clear();
                Fault fault = sandbox.faults().arm(c.fault().get());
                String outcome = run(route, n, c.survives());
                sandbox.faults().clear();
                table.add("| " + c.name() + " | " + route.name().toLowerCase().replace("_to_", " -> ").replace("s3", "S3")
                        .replace("redshift", "Redshift") + " | " + fault.fired() + " | " + outcome + " |");
                if (fault.fired() == 0) {
                    problems.add(c.name() + " never struck " + route);
                }
                if (outcome.startsWith("WRONG")) {
                    problems.add(c.name() + ", " + route + ": " + outcome);
                }
            }
        }
        System.out.println("| fault | route | struck | outcome |\n|---|---|---|---|\n" + String.join("\n", table));
        assertEquals(List.of(), problems);
    }

    /** One run under the armed fault; what came of it, or WRONG and why. */
    private String run(Route route, int n, boolean survives) throws Exception {
        String out = "fm/out/" + n + "/";
        String table = "fm_t" + n;
        Map<String, String> customer = Demo.with(Demo.keys(), "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE),
                "aws.external-id", CUSTOMER_EXTERNAL_ID);
        Map<String, String> m = new TreeMap<>();
        if (route == Route.REDSHIFT_TO_S3) {
            Demo.side(m, "source", "redshift", Demo.redshift(sandbox, customer));
            m.put("source.redshift.table", "fm_source");
        } else {
            Demo.side(m, "source", "s3", Demo.endpoints(sandbox, customer));
            m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/fm/in/");
            // a.csv is read with ranged GETs, b.csv with one GET
            m.put("source.s3.multipart.download-threshold-bytes", "1000");
        }
        if (route == Route.S3_TO_REDSHIFT) {
            try (Connection c = jdbc(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id VARCHAR(256), name VARCHAR(256))");
                s.execute("INSERT INTO " + table + " VALUES ('before', 'the run')");
            }
            Demo.side(m, "target", "redshift", Demo.redshift(sandbox, customer));
            m.put("target.redshift.table", table);
            m.put("target.redshift.load-mode", "truncate");
        } else {
            Demo.side(m, "target", "s3", Demo.endpoints(sandbox, customer));
            m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/" + out);
        }
        StringBuilder file = new StringBuilder();
        m.forEach((k, v) -> file.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path mapping = Files.writeString(dir.resolve("fm-" + n + ".properties"), file.toString());
        CommandsTest.Result r = CommandsTest.stageway("run", mapping.toString());

        long published = route == Route.S3_TO_REDSHIFT ? rows(table) : objectRows(out);
        long open = admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("fm/")).uploads().size()
                + admin.listMultipartUploads(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix(STAGING)).uploads().size();
        long staged = admin.listObjectsV2(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix(STAGING)).keyCount();
        if (open > 0 || staged > 0) {
            return "WRONG: " + open + " uploads open, " + staged + " staged files left; " + r.all();
        }
        if (survives) {
            return r.exit() == 0 && published == ROWS ? "succeeded after retries; " + ROWS + " rows published once"
                    : "WRONG: exit " + r.exit() + ", " + published + " rows published: " + r.all();
        }
        long unchanged = route == Route.S3_TO_REDSHIFT ? 1 : 0;
        return r.exit() != 0 && published == unchanged ? "failed (exit " + r.exit() + "); nothing published, nothing left behind"
                : "WRONG: exit " + r.exit() + ", " + published + " rows published: " + r.all();
    }

    private static long rows(String table) throws SQLException {
        try (Connection c = jdbc(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Data rows of the objects under {@code prefix} (each has a header). */
    private static long objectRows(String prefix) {
        long rows = 0;
        for (var o : admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix(prefix)).contents()) {
            String text = admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key(o.key())).asString(StandardCharsets.UTF_8);
            rows += text.lines().count() - 1;
        }
        return rows;
    }
}
