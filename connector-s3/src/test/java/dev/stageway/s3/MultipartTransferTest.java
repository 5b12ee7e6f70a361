package dev.stageway.s3;

import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.ObjectUpload;
import dev.stageway.s3.transfer.ChangedSinceListed;
import dev.stageway.s3.transfer.RangedDownload;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.s3.transfer.UploadMemory;
import static dev.stageway.s3.SandboxFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SingleTaskWriter;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Multipart uploads, aborts that leave nothing, and ranged parallel downloads pinned to the ETag. */
class MultipartTransferTest {
    static final int MIB = 1024 * 1024;
    static SandboxFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = SandboxFixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static final Schema ONE = Schema.of(Column.of("payload", ColumnType.string()));

    /** About {@code mib} MiB of rows, each a different 1000-character text. */
    static List<Object[]> rows(int mib, long seed) {
        Random random = new Random(seed);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < mib * 1024; i++) {
            char[] c = new char[1000];
            for (int j = 0; j < c.length; j++) {
                c[j] = (char) ('a' + random.nextInt(26));
            }
            rows.add(new Object[] {new String(c)});
        }
        return rows;
    }

    @Test
    void a50MiBObjectGoesThroughSeveralPartsAndReadsBackInRanges() {
        List<Object[]> rows = rows(52, 1);   // 1003 bytes a row: just over 50 MiB
        RunSummary summary;
        try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), fx.customerRole(), props("s3.folder-path",
                CUSTOMER_BUCKET + "/big", "s3.multipart.part-size-bytes", String.valueOf(5 * MIB)), ONE)) {
            for (int i = 0; i < rows.size(); i += 1000) {
                w.write(new RecordBatch(ONE, rows.subList(i, Math.min(rows.size(), i + 1000))));
            }
            summary = w.commit();
        }
        try (S3Client admin = fx.admin()) {
            HeadObjectResponse head = admin.headObject(b -> b.bucket(CUSTOMER_BUCKET).key("big/data.csv"));
            assertEquals(summary.bytes(), head.contentLength());
            assertTrue(head.contentLength() > 50L * MIB);
            assertTrue(head.eTag().matches("\"?[0-9a-f]+-1[01]\"?"), "a multipart ETag of 10 or 11 parts: " + head.eTag());
        }
        long gets = fx.sandbox.iam().counterSum("s3 arn:aws:sts::" + CUSTOMER_ACCOUNT + ":assumed-role/");
        List<Object[]> back = fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/big",
                "s3.multipart.part-size-bytes", String.valueOf(5 * MIB)));
        long requests = fx.sandbox.iam().counterSum("s3 arn:aws:sts::" + CUSTOMER_ACCOUNT + ":assumed-role/") - gets;
        assertTrue(requests >= 11, "ranged GETs (plus one listing): " + requests);
        assertEquals(rows.size(), back.size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i)[0], back.get(i)[0], "row " + i);
        }
    }

    @Test
    void aFailureAfterSomePartsLeavesNoUploadAndNoObject() throws Exception {
        List<Object[]> rows = rows(20, 2);
        try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), fx.customerRole(), props("s3.folder-path",
                CUSTOMER_BUCKET + "/failed", "s3.multipart.part-size-bytes", String.valueOf(5 * MIB)), ONE)) {
            w.write(new RecordBatch(ONE, rows));
            try (S3Client admin = fx.admin()) {
                // The upload is created in the background: wait until S3 has it, so the abort below has parts to remove.
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("failed/")).uploads().isEmpty()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(1, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("failed/")).uploads().size(),
                        "parts are in flight");
            }
            w.abort(new IllegalStateException("the source failed"));
        }
        assertNothingLeft("failed/");
    }

    @Test
    void aBadValueAfterSomePartsAbortsTheUpload() {
        List<Object[]> rows = new ArrayList<>(rows(12, 3));
        rows.add(new Object[] {42});
        StagewayException e = assertThrows(StagewayException.class, () -> fx.write(fx.customerRole(), props("s3.folder-path",
                CUSTOMER_BUCKET + "/badvalue", "s3.multipart.part-size-bytes", String.valueOf(5 * MIB)), ONE, rows));
        assertEquals(ErrorKind.DATA, e.kind());
        assertNothingLeft("badvalue/");
        assertTrue(fx.sandbox.abortMultipartUploadCalls() > 0, "the started multipart upload was aborted");
    }

    @Test
    void closingWithoutCommitAborts() {
        try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), fx.customerRole(), props("s3.folder-path",
                CUSTOMER_BUCKET + "/unclosed", "s3.multipart.part-size-bytes", String.valueOf(5 * MIB)), ONE)) {
            w.write(new RecordBatch(ONE, rows(11, 4)));
        }
        assertNothingLeft("unclosed/");
    }

    static void assertNothingLeft(String prefix) {
        try (S3Client admin = fx.admin()) {
            assertEquals(List.of(), admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET)).uploads().stream()
                    .filter(u -> u.key().startsWith(prefix)).toList());
            assertEquals(0, admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix(prefix)).keyCount());
        }
    }

    @Test
    void uploadsOfAnyLengthAndOddPartSizesReadBackByteForByte() throws Exception {
        int part = 5 * MIB + 7;   // not a whole number of the 1 MiB chunks parts fill in
        byte[] original = new byte[3 * part + 1];
        new Random(9).nextBytes(original);
        ExecutorService pool = Transfers.pool("test", 2);
        try (S3Client admin = fx.admin()) {
            for (int length : new int[] {0, 1, part - 1, part, part + 1, 2 * part, 3 * part + 1}) {
                UploadMemory memory = new UploadMemory(2, part);
                for (boolean put : new boolean[] {true, false}) {
                    String key = "odd/" + length + "-" + put;
                    ObjectUpload upload = new ObjectUpload(admin, CUSTOMER_BUCKET, key, ObjectOptions.PLAIN, part, memory, pool);
                    // Uneven writes, so chunk and part boundaries fall inside them.
                    for (int off = 0; off < length; off += 300_001) {
                        upload.write(original, off, Math.min(300_001, length - off));
                    }
                    upload.finish(put).commit();
                    long aborts = fx.sandbox.abortMultipartUploadCalls();
                    upload.abort();   // what a load does when another file fails: a published object is left to its delete
                    assertEquals(aborts, fx.sandbox.abortMultipartUploadCalls(), "an abort after commit asks S3 nothing");
                    byte[] back = admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key(key)).asByteArray();
                    assertArrayEquals(java.util.Arrays.copyOf(original, length), back, key);
                }
            }
            assertEquals(0, admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix("odd/")).uploads().size());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A multipart upload S3 refuses to create fails the object with S3's own error as the cause
     * (so the writer can say access denied, or no such bucket), on the next part or at the
     * latest when finishing, and leaves nothing behind.
     */
    @Test
    void anUploadS3RefusesToCreateFailsWithS3sErrorAndLeavesNothing() throws Exception {
        byte[] data = new byte[6 * MIB];
        ExecutorService pool = Transfers.pool("test", 2);
        try (S3Client admin = fx.admin()) {
            ObjectUpload upload = new ObjectUpload(admin, "no-such-bucket", "refused/a", ObjectOptions.PLAIN, 5 * MIB,
                    new UploadMemory(2, 5 * MIB), pool);
            upload.write(data);
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> upload.finish(false));
            assertTrue(e.getMessage().startsWith("Cannot upload s3://no-such-bucket/refused/a: "), e.getMessage());
            S3Exception cause = assertInstanceOf(S3Exception.class, e.getCause(), String.valueOf(e.getCause()));
            assertEquals("NoSuchBucket", cause.awsErrorDetails().errorCode());
            assertThrows(java.io.IOException.class, () -> upload.write(1), "a failed upload takes no more bytes");
            upload.abort();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rangedDownloadEqualsTheOriginalByteForByte() throws Exception {
        byte[] original = new byte[23 * MIB + 12345];
        new Random(5).nextBytes(original);
        try (S3Client admin = fx.admin()) {
            String eTag = admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("bin/random.bin"), RequestBody.fromBytes(original)).eTag();
            ExecutorService pool = Transfers.pool("test", 4);
            try (InputStream in = new RangedDownload(admin, CUSTOMER_BUCKET, "bin/random.bin", eTag, original.length, 5 * MIB, 4, pool)) {
                assertArrayEquals(sha256(original), sha256(in.readAllBytes()));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void anObjectReplacedMidReadFailsInsteadOfMixingVersions() throws Exception {
        byte[] original = new byte[30 * MIB];
        try (S3Client admin = fx.admin()) {
            String eTag = admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("bin/changing.bin"), RequestBody.fromBytes(original)).eTag();
            ExecutorService pool = Transfers.pool("test", 1);
            try (InputStream in = new RangedDownload(admin, CUSTOMER_BUCKET, "bin/changing.bin", eTag, original.length, 5 * MIB, 1, pool)) {
                in.readNBytes(5 * MIB + 1);
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("bin/changing.bin"), RequestBody.fromBytes(new byte[12 * MIB + 1]));
                ChangedSinceListed changed = assertThrows(ChangedSinceListed.class, in::readAllBytes);
                assertTrue(changed.getMessage().contains("bin/changing.bin changed since it was listed"), changed.getMessage());
                S3Exception e = (S3Exception) changed.getCause();
                assertEquals(412, e.statusCode());
                assertEquals("PreconditionFailed", e.awsErrorDetails().errorCode());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
