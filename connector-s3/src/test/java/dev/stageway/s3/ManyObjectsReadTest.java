package dev.stageway.s3;

import static dev.stageway.s3.SandboxFixture.props;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.StagewayException;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.SourceReader;
import dev.stageway.testkit.Sandbox;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Folders read through the S3 source, with S3's wait before each first byte: small objects are
 * fetched ahead in parallel, yet rows come in key order, larger objects between them are read as
 * before, every read stays pinned to the version the plan listed, and planning reads only the
 * start of the first object.
 */
class ManyObjectsReadTest {
    private static final int MIB = 1024 * 1024;
    private static final int CONCURRENCY = 4;
    private static SandboxFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new SandboxFixture(Sandbox.builder().s3Shaping(Duration.ofMillis(20), 0).build());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Map<String, String> source(String folder) {
        return props("s3.folder-path", CUSTOMER_BUCKET + "/" + folder, "s3.multipart.concurrency", Integer.toString(CONCURRENCY),
                "s3.multipart.part-size-bytes", Integer.toString(5 * MIB), "s3.multipart.download-threshold-bytes",
                Integer.toString(7 * MIB));
    }

    @Test
    void smallAndLargeObjectsMixedReadInKeyOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        try (S3Client admin = fx.admin()) {
            for (int i = 0; i < 60; i++) {
                String key = String.format("many/part-%03d.csv", i);
                StringBuilder csv = new StringBuilder("id,note\n");
                // Objects 15 and 45 are larger than a part (one streamed GET each), object 30 is above the threshold (ranged GETs).
                int size = i == 30 ? 8 * MIB : i == 15 || i == 45 ? 6 * MIB : 0;
                for (int r = 0; r < 3 || csv.length() < size; r++) {
                    String id = i + "-" + r;
                    csv.append(id).append(",\"object ").append(i).append(", row ").append(r).append("\n\"\n");
                    expected.add(id);
                }
                byte[] body = csv.toString().getBytes(StandardCharsets.UTF_8);
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key), RequestBody.fromBytes(body));
            }
        }
        List<Object[]> rows = fx.read(fx.customerRole(), source("many/"));
        assertEquals(expected, rows.stream().map(r -> (String) r[0]).toList(), "rows in key order, every one once");
        assertEquals("object 59, row 2\n", rows.get(rows.size() - 1)[1], "quoted newlines kept");
    }

    @Test
    void smallGzipObjectsAreFetchedInParallelAndDecompressedInOrder() throws Exception {
        try (S3Client admin = fx.admin()) {
            for (int i = 0; i < 20; i++) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
                    gz.write(("n\n" + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
                String key = String.format("gz/%02d.csv.gz", i);
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key),
                        RequestBody.fromBytes(bytes.toByteArray()));
            }
        }
        Map<String, String> source = source("gz/");
        source.put("s3.compression", "gzip");
        fx.sandbox.s3Shaping().resetPeak();
        List<Object[]> rows = fx.read(fx.customerRole(), source);
        assertTrue(fx.sandbox.s3Shaping().peakConnections() >= CONCURRENCY,
                "small objects are fetched " + CONCURRENCY + " at once: " + fx.sandbox.s3Shaping().peakConnections());
        assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(Integer::toString).toList(),
                rows.stream().map(r -> (String) r[0]).toList());
    }

    @Test
    void planningReadsTheHeaderOfALargeObjectNotTheObject() throws Exception {
        StringBuilder header = new StringBuilder();
        for (int c = 0; c < 8_000; c++) {
            header.append(c == 0 ? "" : ",").append("column_").append(c);   // about 100 KB: longer than the first GET
        }
        String row = "1" + ",x".repeat(7_999) + "\n";
        StringBuilder csv = new StringBuilder(header).append('\n');
        while (csv.length() < 12 * MIB) {
            csv.append(row);
        }
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("wide/a.csv"), RequestBody.fromString(csv.toString()));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("large/a.csv"), RequestBody.fromString("id\n" + "7\n".repeat(6 * MIB)));
        }
        try (SourcePlan plan = fx.connector.planSource(fx.context(), fx.customerRole(), source("wide/"))) {
            assertEquals(8_000, plan.schema().size());
            assertEquals("column_7999", plan.schema().column(7_999).name());
        }
        long before = fx.sandbox.s3Shaping().settledBodyBytes();
        try (SourcePlan plan = fx.connector.planSource(fx.context(), fx.customerRole(), source("large/"))) {
            assertEquals("id", plan.schema().column(0).name());
            long read = fx.sandbox.s3Shaping().settledBodyBytes() - before;
            assertTrue(read < 96 * 1024, "a listing and the object's first bytes, of 12 MiB: " + read);
        }
    }

    @Test
    void anObjectReplacedAfterListingFailsTheReadNamingIt() {
        try (S3Client admin = fx.admin()) {
            for (int i = 0; i < 12; i++) {
                int n = i;
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(String.format("replaced/%02d.csv", n)), RequestBody.fromString("n\n" + n + "\n"));
            }
            Map<String, String> connection = fx.customerRole();
            Map<String, String> source = source("replaced/");
            try (SourcePlan plan = fx.connector.planSource(fx.context(), connection, source)) {
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("replaced/07.csv"), RequestBody.fromString("n\nseven\n"));
                try (SourceReader reader = fx.connector.openReader(fx.context(), connection, source, plan.splits().get(0))) {
                    List<Object> seen = new ArrayList<>();
                    StagewayException e = assertThrows(StagewayException.class, () -> {
                        for (var batch = reader.next(); batch.isPresent(); batch = reader.next()) {
                            batch.get().rows().forEach(r -> seen.add(r[0]));
                        }
                    });
                    assertTrue(e.getMessage().contains("s3://" + CUSTOMER_BUCKET + "/replaced/07.csv changed since it was listed"),
                            e.getMessage());
                    assertFalse(seen.contains("seven"), "no row of the new version");
                }
            }
        }
    }

    @Test
    void anObjectReplacedWhileItsRangesAreReadFailsSayingSo() {
        StringBuilder csv = new StringBuilder("n\n");
        while (csv.length() < 40 * MIB) {   // twice what the first ranges in flight hold (5 MiB parts x 4)
            csv.append("0123456789\n");
        }
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("replaced-large/a.csv"), RequestBody.fromString(csv.toString()));
            Map<String, String> source = source("replaced-large/");
            try (SourcePlan plan = fx.connector.planSource(fx.context(), fx.customerRole(), source);
                 SourceReader reader = fx.connector.openReader(fx.context(), fx.customerRole(), source, plan.splits().get(0))) {
                reader.next();   // the first ranges are fetched; later ones are asked for as the reader goes on
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("replaced-large/a.csv"), RequestBody.fromString("n\nnew\n"));
                StagewayException e = assertThrows(StagewayException.class, () -> {
                    for (var batch = reader.next(); batch.isPresent(); batch = reader.next()) {
                        assertNotEquals("new", batch.get().rows().get(0)[0]);
                    }
                });
                assertTrue(e.getMessage().contains("s3://" + CUSTOMER_BUCKET + "/replaced-large/a.csv changed since it was listed"),
                        e.getMessage());
            }
        }
    }
}
