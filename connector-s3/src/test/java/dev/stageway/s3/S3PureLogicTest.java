package dev.stageway.s3;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class S3PureLogicTest {
    @Test
    void partSizesGrowSoTenThousandPartsHoldTerabytes() {
        long base = S3Limits.MIN_PART_SIZE;
        assertEquals(base, S3Limits.partSize(base, 1));
        assertEquals(base, S3Limits.partSize(base, 1000));
        assertEquals(2 * base, S3Limits.partSize(base, 1001));
        long total = 0;
        for (int part = 1; part <= S3Limits.MAX_PARTS; part++) {
            long size = S3Limits.partSize(base, part);
            assertTrue(size >= S3Limits.MIN_PART_SIZE && size <= S3Limits.MAX_BUFFERED_PART_SIZE);
            total += size;
        }
        // From the 5 MiB minimum, with parts capped at 1 GiB in memory: over 3 TiB in S3's 10,000 parts.
        assertTrue(total > 3L * 1024 * 1024 * 1024 * 1024, "10,000 parts hold " + total + " bytes");
    }

    @Test
    void globsMatchNamesBelowTheFolder() {
        assertTrue(Glob.compile("*.csv").matcher("a.csv").matches());
        assertFalse(Glob.compile("*.csv").matcher("sub/a.csv").matches());
        assertTrue(Glob.compile("**.csv").matcher("sub/a.csv").matches());
        assertTrue(Glob.compile("part-?.csv").matcher("part-1.csv").matches());
        assertFalse(Glob.compile("a+b.csv").matcher("aab.csv").matches(), "regex characters are literal");
    }

    @Test
    void ipAndLocalhostEndpointsUsePathStyle() {
        assertTrue(S3Connection.needsPathStyle(java.net.URI.create("http://127.0.0.1:9000")));
        assertTrue(S3Connection.needsPathStyle(java.net.URI.create("http://localhost:9000")));
        assertTrue(S3Connection.needsPathStyle(java.net.URI.create("http://[::1]:9000")));
        assertFalse(S3Connection.needsPathStyle(java.net.URI.create("https://s3.eu-west-1.amazonaws.com")));
        assertFalse(S3Connection.needsPathStyle(java.net.URI.create("https://bucket.vpce-0a1b.s3.us-east-1.vpce.amazonaws.com")));
    }

    @Test
    void objectNamesNumberAndCompress() {
        assertEquals("data.csv", new ObjectNames("data.csv", false, false).name(1));
        assertEquals("data.csv.gz", new ObjectNames("data.csv", true, false).name(1));
        assertEquals("data-00002.csv.gz", new ObjectNames("data.csv.gz", true, true).name(2));
        assertEquals("orders-00010", new ObjectNames("orders", false, true).name(10));
        assertEquals(".hidden-00001", new ObjectNames(".hidden", false, true).name(1));
    }
}
