package dev.stageway.s3;

import dev.stageway.aws.S3Connection;
import dev.stageway.csv.ValueText;
import dev.stageway.s3.transfer.Glob;
import dev.stageway.s3.transfer.ObjectCopy;
import dev.stageway.s3.transfer.ObjectRef;
import dev.stageway.s3.transfer.S3Limits;
import java.util.List;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Random;
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
    void objectsCopiedOneAfterAnotherGiveNoPartBelowTheSmallestButTheLast() {
        long mib = 1024 * 1024;
        List<ObjectRef> objects = List.of(new ObjectRef("a", "\"1\"", 12 * mib), new ObjectRef("b", "\"2\"", 6 * mib),
                new ObjectRef("c", "\"3\"", 3 * mib));
        List<String> parts = ObjectCopy.parts(objects, 5 * mib).stream()
                .map(p -> p.source().key() + ":" + p.start() / mib + "-" + p.end() / mib).toList();
        // A's and b's short last ranges join the range before them; c's may be short, as the last part of all.
        assertEquals(List.of("a:0-5", "a:5-12", "b:0-6", "c:0-3"), parts);
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
        assertEquals("data-t00003.csv.gz", new ObjectNames("data.csv", true, false).forTask(3).name(1));
        assertEquals("data-t00012-00002.csv", new ObjectNames("data.csv", false, true).forTask(12).name(2));
    }

    @Test
    void splitsHoldWholeObjectsOfAboutTheSplitSize() {
        List<ObjectRef> objects = List.of(new ObjectRef("a", "e", 60), new ObjectRef("b", "e", 50), new ObjectRef("c", "e", 300),
                new ObjectRef("d", "e", 10));
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("c"), List.of("d")), ObjectRef.group(objects, 100).stream()
                .map(g -> g.stream().map(ObjectRef::key).toList()).toList());
        assertEquals(List.of(List.of("a", "b"), List.of("c"), List.of("d")), ObjectRef.group(objects, 110).stream()
                .map(g -> g.stream().map(ObjectRef::key).toList()).toList());
        assertEquals(List.of(objects), ObjectRef.group(objects, Long.MAX_VALUE));
        assertEquals(List.of(), ObjectRef.group(List.of(), 100));
    }

    @Test
    void timestampsAreWrittenAsTheIsoFormatterWithASpaceWouldWriteThem() {
        DateTimeFormatter reference = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ')
                .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
                .toFormatter();
        DateTimeFormatter referenceTz = new DateTimeFormatterBuilder().append(reference).appendOffset("+HH:MM", "+00:00").toFormatter();
        Column ts = Column.of("ts", ColumnType.of(ColumnType.Kind.TIMESTAMP));
        Column tz = Column.of("tz", ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ));
        Random random = new Random(42);
        int[] nanos = {0, 1, 10, 100_000, 120_000_000, 123_456_000, 999_999_999};
        for (int i = 0; i < 10_000; i++) {
            LocalDateTime t = LocalDateTime.of(random.nextInt(1, 10_000), random.nextInt(1, 13), random.nextInt(1, 29),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), i < nanos.length ? nanos[i] : random.nextInt(1_000_000_000));
            assertEquals(reference.format(t), ValueText.format(t, ts, 1));
            OffsetDateTime o = t.atOffset(ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 3600, 18 * 3600 + 1) / 60 * 60));
            assertEquals(referenceTz.format(o), ValueText.format(o, tz, 1));
        }
        assertEquals("2026-01-02 03:04:05+00:00", ValueText.format(LocalDateTime.of(2026, 1, 2, 3, 4, 5).atOffset(ZoneOffset.UTC), tz, 1));
    }

    @Test
    void decimalsAreWrittenPlainWhateverTheirScale() {
        Column d = Column.of("d", ColumnType.decimal(38, 20));
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            java.math.BigDecimal value = java.math.BigDecimal.valueOf(random.nextLong() % 1_000_000_000_000L, random.nextInt(0, 21));
            assertEquals(value.toPlainString(), ValueText.format(value, d, 1));
        }
        assertEquals("0.0000001", ValueText.format(new java.math.BigDecimal("1E-7"), d, 1));
        assertEquals("0.000001", ValueText.format(new java.math.BigDecimal("0.000001"), d, 1));
        assertEquals("1200", ValueText.format(new java.math.BigDecimal("1.2E+3"), d, 1));
    }
}
