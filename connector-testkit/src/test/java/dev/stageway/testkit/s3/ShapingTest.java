package dev.stageway.testkit.s3;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 shaped as over a network: every request waits out the first byte's latency, each connection
 * is held to its bandwidth cap in both directions, and the most connections open at once is known.
 * The checks are lower bounds the shaping guarantees, never how fast anything is.
 */
class ShapingTest {
    static final int MIB = 1024 * 1024;

    @Test
    void latencyAndTheCapPerConnectionHoldEachDirectionAndPeakConnectionsAreCounted() throws Exception {
        try (Sandbox sandbox = Sandbox.builder().s3Shaping(Duration.ofMillis(200), 4L * MIB).build();
             S3Client admin = customerAdminS3(sandbox)) {
            byte[] data = new byte[2 * MIB];
            long t0 = System.nanoTime();
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("shaped/a"), RequestBody.fromBytes(data));
            assertTrue(millisSince(t0) >= 200 + 450, "2 MiB up at 4 MiB/s after 200 ms: " + millisSince(t0) + " ms");

            long t1 = System.nanoTime();
            assertEquals(data.length, admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("shaped/a")).asByteArray().length);
            assertTrue(millisSince(t1) >= 200 + 450, "2 MiB down at 4 MiB/s after 200 ms: " + millisSince(t1) + " ms");

            long t2 = System.nanoTime();
            admin.headObject(b -> b.bucket(CUSTOMER_BUCKET).key("shaped/a"));
            assertTrue(millisSince(t2) >= 200, "a HEAD waits out the latency too: " + millisSince(t2) + " ms");

            // Three reads at once take three connections, each with its own cap.
            sandbox.s3Shaping().resetPeak();
            long t3 = System.nanoTime();
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                reads.add(CompletableFuture.supplyAsync(() -> admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("shaped/a"))
                        .asByteArray()));
            }
            reads.forEach(r -> assertEquals(data.length, r.join().length));
            assertTrue(sandbox.s3Shaping().peakConnections() >= 3, "peak " + sandbox.s3Shaping().peakConnections());
            assertTrue(millisSince(t3) >= 200 + 450, millisSince(t3) + " ms");
            assertThrows(IllegalArgumentException.class, () -> sandbox.s3Shaping().bandwidth(-1));
        }
    }

    @Test
    void bodiesCarriedAreCountedAndACopyInsideS3CarriesNone() throws Exception {
        try (Sandbox sandbox = Sandbox.start(); S3Client admin = customerAdminS3(sandbox)) {
            byte[] data = new byte[3 * MIB + 5];
            long before = sandbox.s3Shaping().bodyBytes();
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("counted/a"), RequestBody.fromBytes(data));
            long put = sandbox.s3Shaping().bodyBytes() - before;
            assertTrue(put >= data.length, "the PUT's body (with chunk framing and a checksum trailer, if any): " + put);
            admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("counted/a"));
            assertTrue(sandbox.s3Shaping().bodyBytes() - before - put >= data.length, "and the GET's");
            long beforeCopy = sandbox.s3Shaping().bodyBytes();
            admin.copyObject(b -> b.sourceBucket(CUSTOMER_BUCKET).sourceKey("counted/a").destinationBucket(CUSTOMER_BUCKET)
                    .destinationKey("counted/b"));
            assertTrue(sandbox.s3Shaping().bodyBytes() - beforeCopy < 4096, "a copy's answer is a few hundred bytes of XML");
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
