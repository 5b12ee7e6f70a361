package dev.stageway.s3;

import static dev.stageway.s3.SandboxFixture.props;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.StagewayException;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.StoredObjects;
import dev.stageway.spi.TargetWrite;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 to S3 by a copy inside S3: taken where the copied bytes read as what the streamed path would
 * write, refused with a reason anywhere else, and as safe as the streamed path when it fails.
 */
class ServerSideCopyTest {
    private static final int MIB = 1024 * 1024;
    private static SandboxFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = SandboxFixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static LocalRun.Result run(Map<String, String> source, Map<String, String> target) {
        return run(fx.customerRole(), source, target);
    }

    private static LocalRun.Result run(Map<String, String> targetConnection, Map<String, String> source, Map<String, String> target) {
        return LocalRun.run(fx.context(), new LocalRun.Side(fx.connector, fx.customerRole(), source),
                new LocalRun.Side(fx.connector, targetConnection, target), 2, (rows, bytes) -> { });
    }

    private static Map<String, String> folder(String folder, String... more) {
        Map<String, String> p = props(more);
        p.put("s3.folder-path", CUSTOMER_BUCKET + "/" + folder);
        return p;
    }

    @Test
    void oneObjectInTheTargetsFormatIsCopiedInsideS3AsItIs() {
        // Quoting the streamed path would not write: the copy keeps it, which shows no row went through.
        String csv = "\"id\",\"name\"\n\"1\",\"a, b\"\n\"2\",\"\"\n3,\n";
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc/in/one.csv"), RequestBody.fromString(csv));
            LocalRun.Result r = run(folder("ssc/in/"), folder("ssc/out/", "s3.file-name", "copied.csv"));
            assertEquals(new LocalRun.PathTaken("server-side-copy", ""), r.path());
            assertEquals(csv.length(), r.written().orElseThrow().bytes());
            assertEquals(csv, admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("ssc/out/copied.csv")).asUtf8String());
            assertEquals(0, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("ssc/")).uploads().size());
        }
    }

    @Test
    void aLargeObjectIsCopiedInParallelPartsByteForByte() {
        byte[] body = new byte[13 * MIB + 17];
        Random random = new Random(3);
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i % 61 == 60 ? '\n' : 'a' + random.nextInt(26));
        }
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-large/in/big.csv"), RequestBody.fromBytes(body));
            LocalRun.Result r = run(folder("ssc-large/in/", "csv.header", "false"), folder("ssc-large/out/", "csv.header", "false",
                    "s3.multipart.part-size-bytes", Integer.toString(5 * MIB), "s3.sse", "sse-s3"));
            assertEquals("server-side-copy", r.path().name());
            var copied = admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-large/out/data.csv"));
            assertArrayEquals(body, copied.asByteArray());
            assertEquals("AES256", copied.response().serverSideEncryptionAsString(), "the target's encryption applies");
        }
    }

    @Test
    void whereTheCopyWouldNotPublishWhatStreamingWouldTheRunStreamsAndSaysWhy() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-no/one/a.csv"), RequestBody.fromString("id\n1\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-no/two/a.csv"), RequestBody.fromString("id\n1\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-no/two/b.csv"), RequestBody.fromString("id\n2\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-no/blank/a.csv"), RequestBody.fromString("id,\n1,2\n"));
        }
        assertStreamed(run(folder("ssc-no/one/"), folder("ssc-no/out1/", "csv.delimiter", ";")),
                "another format than the source's (csv.delimiter)");
        assertStreamed(run(folder("ssc-no/one/"), folder("ssc-no/out2/", "s3.compression", "gzip", "csv.null-value", "NULL")),
                "another format than the source's (compression, csv.null-value)");
        assertStreamed(run(folder("ssc-no/two/"), folder("ssc-no/out3/")), "the source is 2 objects with a header each");
        assertStreamed(run(folder("ssc-no/one/"), folder("ssc-no/out4/", "s3.direct-copy", "off")), "s3.direct-copy=off");
        assertStreamed(run(folder("ssc-no/one/", "s3.columns", "id bigint"), folder("ssc-no/out5/")), "s3.columns declares typed");
        assertStreamed(run(folder("ssc-no/one/"), folder("ssc-no/out6/", "s3.rollover.max-rows", "1")), "s3.rollover");
        assertStreamed(run(fx.customerRoleFromEc2(), folder("ssc-no/one/"), folder("ssc-no/out7/")), "different connections");
        assertStreamed(run(folder("ssc-no/blank/"), folder("ssc-no/out8/")), "names column 2 col2 or leaves it blank");
    }

    /** {@code bytes} bytes of headerless CSV lines, the last ending with a line break or not. */
    private static byte[] lines(int bytes, char letter, boolean lineBreakLast) {
        byte[] body = new byte[bytes];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i % 20 == 19 ? '\n' : i % 20 == 9 ? ',' : letter);
        }
        body[body.length - 1] = (byte) (lineBreakLast ? '\n' : letter);
        return body;
    }

    @Test
    void headerlessObjectsAreCopiedOneAfterAnotherIntoOneObject() {
        byte[][] parts = {lines(6 * MIB, 'a', true), lines(5 * MIB + 20, 'b', true), lines(1000, 'c', false)};
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        try (S3Client admin = fx.admin()) {
            for (int i = 0; i < parts.length; i++) {
                byte[] body = parts[i];
                all.writeBytes(body);
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-many/in/part-" + body[0] + ".csv"), RequestBody.fromBytes(body));
            }
            LocalRun.Result r = run(folder("ssc-many/in/", "csv.header", "false"), folder("ssc-many/out/", "csv.header", "false",
                    "s3.multipart.part-size-bytes", Integer.toString(5 * MIB)));
            assertEquals(new LocalRun.PathTaken("server-side-copy", ""), r.path());
            assertArrayEquals(all.toByteArray(), admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-many/out/data.csv"))
                    .asByteArray(), "the objects one after another, in key order");
            assertEquals(3, r.written().orElseThrow().details().get("source objects"));
            assertEquals(0, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("ssc-many/")).uploads().size());
        }
    }

    @Test
    void objectsThatWouldNotKeepTheirLinesOneAfterAnotherAreStreamed() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-join/a.csv"), RequestBody.fromBytes(lines(5 * MIB, 'a', false)));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-join/b.csv"), RequestBody.fromBytes(lines(100, 'b', true)));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-small/a.csv"), RequestBody.fromBytes(lines(100, 'a', true)));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-small/b.csv"), RequestBody.fromBytes(lines(100, 'b', true)));
        }
        assertStreamed(run(folder("ssc-join/", "csv.header", "false"), folder("ssc-join-out/", "csv.header", "false")),
                "ssc-join/a.csv does not end with a line break");
        assertStreamed(run(folder("ssc-small/", "csv.header", "false"), folder("ssc-small-out/", "csv.header", "false")),
                "ssc-small/a.csv is smaller than S3's smallest part");
    }

    private static void assertStreamed(LocalRun.Result r, String reason) {
        assertEquals(LocalRun.PathTaken.STREAMED, r.path().name());
        assertTrue(r.path().reason().contains(reason), r.path().reason());
        assertTrue(r.written().orElseThrow().rows() > 0, "rows went through the agent");
    }

    @Test
    void aSourceChangedSinceListingFailsTheCopyAndPublishesNothing() {
        Map<String, String> source = folder("ssc-changed/in/");
        Map<String, String> target = folder("ssc-changed/out/");
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-changed/in/a.csv"), RequestBody.fromString("id\n1\n"));
            try (SourcePlan plan = fx.connector.planSource(fx.context(), fx.customerRole(), source);
                 TargetWrite write = fx.connector.openWrite(fx.context(), fx.customerRole(), target, plan.schema())) {
                StoredObjects objects = plan.storedObjects().value().orElseThrow();
                assertEquals("server-side-copy", write.directPath(objects, fx.customerRole()).value().orElseThrow());
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-changed/in/a.csv"), RequestBody.fromString("id\n2\n"));
                StagewayException e = assertThrows(StagewayException.class, () -> write.commitDirect(objects, fx.customerRole()));
                assertTrue(e.getMessage().contains("changed since it was listed"), e.getMessage());
            }
            assertTrue(admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix("ssc-changed/out/")).contents().isEmpty());
            assertEquals(0, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("ssc-changed/")).uploads().size());
        }
    }

    @Test
    void anExistingObjectStopsACopyThatMayOnlyCreate() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-exists/in/a.csv"), RequestBody.fromString("id\n1\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-exists/out/data.csv"), RequestBody.fromString("old\n"));
            StagewayException e = assertThrows(StagewayException.class, () -> run(folder("ssc-exists/in/"),
                    folder("ssc-exists/out/", "s3.write-mode", "fail-if-exists")));
            assertTrue(e.getMessage().contains("ssc-exists/out/data.csv"), e.getMessage());
            assertEquals("old\n", admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("ssc-exists/out/data.csv"))
                    .asString(StandardCharsets.UTF_8));
            assertEquals(0, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("ssc-exists/")).uploads().size());
        }
    }
}
