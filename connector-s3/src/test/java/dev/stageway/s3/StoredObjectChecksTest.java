package dev.stageway.s3;

import static dev.stageway.s3.SandboxFixture.props;
import static dev.stageway.testkit.DefaultSandbox.CUSTOMER_BUCKET;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.StoredObjectChecks;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.StoredObjects;
import dev.stageway.testkit.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a direct path checks of a source's objects without reading their rows: every first line
 * (the header, and how lines end), from the first bytes of each object only, and whether any object
 * changed or went since listing.
 */
class StoredObjectChecksTest {
    private static final int MIB = 1024 * 1024;
    private static SandboxFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new SandboxFixture(Sandbox.builder().build());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static void put(String key, byte[] body) {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key), RequestBody.fromBytes(body));
        }
    }

    private static byte[] large(String header, boolean gzip) throws IOException {
        StringBuilder csv = new StringBuilder(header).append('\n');
        while (csv.length() < 3 * MIB) {
            csv.append("1,\"a, b\",c\n");
        }
        byte[] plain = csv.toString().getBytes(StandardCharsets.UTF_8);
        if (!gzip) {
            return plain;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    /** The objects the S3 source offers for {@code folder}. */
    private static StoredObjects offered(String folder) {
        try (SourcePlan plan = fx.connector.planSource(fx.context(), fx.customerRole(), props("s3.folder-path",
                CUSTOMER_BUCKET + "/" + folder))) {
            return plan.storedObjects().value().orElseThrow();
        }
    }

    private static S3Connection connection() {
        return S3Connection.open(fx.context(), CsvObjectSource.settings(fx.context(), fx.customerRole(), Map.of()), 4);
    }

    @Test
    void firstLinesAreCheckedFromTheFirstBytesOfEachObject() throws Exception {
        for (boolean gzip : List.of(false, true)) {
            String folder = gzip ? "checks/gzip/" : "checks/plain/";
            for (int i = 0; i < 4; i++) {
                put(folder + "part-" + i + (gzip ? ".csv.gz" : ".csv"), large("id,\"name\",note", gzip));
            }
            StoredObjects objects = offered(folder);
            long before = fx.sandbox.s3Shaping().settledBodyBytes();
            try (S3Connection s3 = connection()) {
                assertEquals(Optional.empty(), StoredObjectChecks.firstLines(s3, objects, 4));
            }
            long read = fx.sandbox.s3Shaping().settledBodyBytes() - before;
            assertTrue(read < 4 * 8 * 1024, "four objects' first bytes, of 3 MiB each: " + read);
        }
        put("checks/plain/part-8.csv", "id,note,name\n1,c,b\n".getBytes(StandardCharsets.UTF_8));
        put("checks/plain/part-9.csv", "id,\"name\",note\r\n1,b,c\r\n".getBytes(StandardCharsets.UTF_8));
        StoredObjects mixed = offered("checks/plain/");
        try (S3Connection s3 = connection()) {
            assertEquals(Optional.of("s3://" + CUSTOMER_BUCKET + "/checks/plain/part-8.csv's header [id, note, name] differs from the first "
                    + "object's [id, name, note]"), StoredObjectChecks.firstLines(s3, mixed, 4), "the first problem in key order");
            put("checks/plain/part-8.csv", "id,name,note\n1,c,b\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(StoredObjectChecks.firstLines(s3, mixed, 4).orElseThrow().contains("changed since it was listed"));
            StoredObjects crlf = offered("checks/plain/");
            assertEquals(Optional.of("s3://" + CUSTOMER_BUCKET + "/checks/plain/part-9.csv ends its first line with CR LF or holds a "
                    + "CR in it, which COPY would read otherwise than the S3 source"), StoredObjectChecks.firstLines(s3, crlf, 4));
        }
    }

    @Test
    void objectsChangedOrGoneSinceListingAreFound() {
        for (String name : List.of("a", "b", "c")) {
            put("changes/" + name + ".csv", ("id\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        }
        StoredObjects objects = offered("changes/");
        try (S3Connection s3 = connection()) {
            assertEquals(List.of(), StoredObjectChecks.changed(s3, objects));
            put("changes/b.csv", "id\nB\n".getBytes(StandardCharsets.UTF_8));
            try (S3Client admin = fx.admin()) {
                admin.deleteObject(b -> b.bucket(CUSTOMER_BUCKET).key("changes/c.csv"));
            }
            put("changes/d.csv", "id\nd\n".getBytes(StandardCharsets.UTF_8));   // a new object was not listed, and is not loaded
            assertEquals(List.of("changes/b.csv", "changes/c.csv"), StoredObjectChecks.changed(s3, objects));
        }
    }
}
