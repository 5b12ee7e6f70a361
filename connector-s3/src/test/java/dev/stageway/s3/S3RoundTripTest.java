package dev.stageway.s3;

import static dev.stageway.s3.SandboxFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.config.ConfigurationException;
import dev.stageway.error.ErrorKind;
import dev.stageway.aws.RoleSessions;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.PlannedReader;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.Role;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** CSV that breaks naive writers survives S3 -> S3 through the customer's assumed role. */
class S3RoundTripTest {
    static SandboxFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = SandboxFixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static final Schema TEXT = Schema.of(Column.of("id", ColumnType.string()), Column.of("text", ColumnType.string()),
            Column.of("note", ColumnType.string()));

    static List<Object[]> hardRows() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"1", "plain", "x"});
        rows.add(new Object[] {"2", "comma, inside", "quote \" inside"});
        rows.add(new Object[] {"3", "new\nline and\r\nCRLF", "\"\"already doubled\"\""});
        rows.add(new Object[] {"4", "", null});
        rows.add(new Object[] {"5", null, ""});
        rows.add(new Object[] {"6", "non-ASCII: żółć 日本語 emoji 🚀", "tab\tinside;semi"});
        rows.add(new Object[] {"7", "x".repeat(1_000_000), "very long"});
        rows.add(new Object[] {"8", "\\N", "NULL"});
        rows.add(new Object[] {"9", " leading and trailing ", "  "});
        return rows;
    }

    static void assertRows(List<Object[]> expected, List<Object[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "row " + i + ": " + Arrays.toString(actual.get(i)).substring(0,
                    Math.min(200, Arrays.toString(actual.get(i)).length())));
        }
    }

    @Test
    void hardCsvRoundTripsPlainAndGzip() {
        for (String compression : List.of("none", "gzip")) {
            String folder = "s3://" + CUSTOMER_BUCKET + "/roundtrip-" + compression + "/";
            fx.write(fx.customerRole(), props("s3.folder-path", folder, "s3.file-name", "hard.csv", "s3.compression", compression),
                    TEXT, hardRows());
            List<Object[]> back = fx.read(fx.customerRole(), props("s3.folder-path", folder));
            assertRows(hardRows(), back);
        }
    }

    @Test
    void otherDelimiterQuoteNullMarkerAndEncodingRoundTrip() {
        Map<String, String> csv = props("csv.delimiter", "\\t", "csv.quote", "'", "csv.null-value", "\\N",
                "csv.encoding", "UTF-16");
        Map<String, String> target = new java.util.HashMap<>(csv);
        target.put("s3.folder-path", CUSTOMER_BUCKET + "/tsv");
        fx.write(fx.customerRole(), target, TEXT, hardRows());
        Map<String, String> source = new java.util.HashMap<>(csv);
        source.put("s3.folder-path", CUSTOMER_BUCKET + "/tsv");
        assertRows(hardRows(), fx.read(fx.customerRole(), source));
    }

    @Test
    void typedValuesAreWrittenAsRedshiftReadsThem() {
        Schema typed = Schema.of(Column.of("i", ColumnType.of(ColumnType.Kind.INTEGER)), Column.of("d", ColumnType.decimal(12, 3)),
                Column.of("b", ColumnType.of(ColumnType.Kind.BOOLEAN)), Column.of("day", ColumnType.of(ColumnType.Kind.DATE)),
                Column.of("ts", ColumnType.of(ColumnType.Kind.TIMESTAMP)), Column.of("tz", ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ)),
                Column.of("bin", ColumnType.of(ColumnType.Kind.BINARY)));
        List<Object[]> rows = List.<Object[]>of(new Object[] {42, new BigDecimal("-12345.670"), true, LocalDate.of(2026, 2, 28),
                LocalDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000), OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-5)),
                new byte[] {0, 15, -1}});
        fx.write(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/typed"), typed, rows);
        try (S3Client admin = fx.admin()) {
            assertEquals("\"i\",\"d\",\"b\",\"day\",\"ts\",\"tz\",\"bin\"\n\"42\",\"-12345.670\",\"true\",\"2026-02-28\","
                            + "\"2026-01-02 03:04:05.123456\",\"2026-01-02 03:04:05-05:00\",\"000fff\"\n",
                    admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("typed/data.csv")).asUtf8String());
        }
    }

    @Test
    void aValueOfTheWrongTypeNamesRowAndColumnAndLeavesNothing() {
        Schema typed = Schema.of(Column.of("n", ColumnType.of(ColumnType.Kind.INTEGER)));
        StagewayException e = assertThrows(StagewayException.class, () -> fx.write(fx.customerRole(),
                props("s3.folder-path", CUSTOMER_BUCKET + "/wrongtype"), typed, List.of(new Object[] {1}, new Object[] {"two"})));
        assertEquals(ErrorKind.DATA, e.kind());
        assertEquals("Row 2, column n: expected a Integer for INTEGER, got a String", e.getMessage());
        try (S3Client admin = fx.admin()) {
            assertEquals(0, admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix("wrongtype/")).keyCount());
        }
    }

    @Test
    void rolloverWritesNumberedObjectsThatAppearOnlyOnCommit() {
        Map<String, String> target = props("s3.folder-path", CUSTOMER_BUCKET + "/rolled", "s3.file-name", "part.csv",
                "s3.rollover.max-rows", "3", "s3.compression", "gzip");
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(new Object[] {String.valueOf(i), "t" + i, null});
        }
        try (S3Client admin = fx.admin();
             SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), fx.customerRole(), target, TEXT)) {
            w.write(new RecordBatch(TEXT, rows));
            assertEquals(0, admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix("rolled/")).keyCount(), "nothing before commit");
            RunSummary s = w.commit();
            assertEquals(7, s.rows());
            assertEquals(3L, s.details().get("objects"));
            assertEquals(List.of("rolled/part-00001.csv.gz", "rolled/part-00002.csv.gz", "rolled/part-00003.csv.gz"),
                    admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix("rolled/")).contents().stream().map(o -> o.key()).toList());
        }
        assertRows(rows, fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/rolled", "s3.file-pattern", "*.gz")));
    }

    @Test
    void failIfExistsRefusesBeforeWriting() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("exists/data.csv"), RequestBody.fromString("old"));
        }
        StagewayException e = assertThrows(StagewayException.class, () -> fx.write(fx.customerRole(),
                props("s3.folder-path", CUSTOMER_BUCKET + "/exists", "s3.write-mode", "fail-if-exists"), TEXT, hardRows()));
        assertEquals("Cannot write s3://customer-data/exists/data.csv: it exists and s3.write-mode is fail-if-exists; remove it "
                + "or set s3.write-mode=overwrite", e.getMessage());
    }

    /**
     * A role that may not list the bucket cannot tell a missing key from a forbidden one (S3 answers
     * 403 for both), so fail-if-exists leaves it to S3: the object is published only if absent.
     */
    @Test
    void failIfExistsWithoutListBucketPublishesOnlyIfAbsent() {
        var iam = fx.sandbox.iam();
        Role role = iam.role(roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE)).orElseThrow();
        iam.addRole(new Role(role.arn(), role.account(), role.name(), role.trustPolicy(), List.of(Policy.parse("no listing",
                PolicyKind.IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\","
                        + "\"s3:PutObject\",\"s3:AbortMultipartUpload\"],\"Resource\":\"arn:aws:s3:::" + CUSTOMER_BUCKET + "/unlisted/*\"}]}")),
                role.maxSessionDuration()));
        try (RoleSessions fresh = new RoleSessions()) {
            Map<String, String> target = props("s3.folder-path", CUSTOMER_BUCKET + "/unlisted", "s3.write-mode", "fail-if-exists");
            try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, new RunContext("unlisted-1", fresh), fx.customerRole(), target, TEXT)) {
                w.write(new RecordBatch(TEXT, hardRows()));
                w.commit();
            }
            StagewayException e = assertThrows(StagewayException.class, () -> {
                try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, new RunContext("unlisted-2", fresh), fx.customerRole(), target, TEXT)) {
                    w.write(new RecordBatch(TEXT, hardRows()));
                    w.commit();
                }
            });
            assertEquals("Cannot write s3://customer-data/unlisted/data.csv: it exists and s3.write-mode is fail-if-exists; remove it "
                    + "or set s3.write-mode=overwrite", e.getMessage());
        } finally {
            iam.addRole(role);
        }
    }

    @Test
    void serverSideEncryptionIsAccepted() {
        fx.write(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/sse", "s3.sse", "sse-s3"), TEXT, hardRows());
        assertRows(hardRows(), fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/sse")));
    }

    @Test
    void badRowsFailWithObjectAndLineOrAreSkippedAndCounted() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("bad/a.csv"),
                    RequestBody.fromString("id,text,note\n1,a,b\n2,\"multi\nline\",c\n3,only-two\n4,d,e\n"));
        }
        StagewayException e = assertThrows(StagewayException.class,
                () -> fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/bad")));
        assertEquals(ErrorKind.DATA, e.kind());
        assertEquals("Bad row in s3://customer-data/bad/a.csv, line 5: expected 3 fields, found 2 (set s3.on-bad-row=skip to "
                + "skip and count such rows)", e.getMessage());
        try (SourceReader r = PlannedReader.open(fx.connector, fx.context(), fx.customerRole(),
                props("s3.folder-path", CUSTOMER_BUCKET + "/bad", "s3.on-bad-row", "skip"))) {
            List<Object[]> rows = new ArrayList<>();
            r.next().ifPresent(b -> rows.addAll(b.rows()));
            assertEquals(3, rows.size());
            assertEquals(1, r.summary().rejected());
        }
    }

    /**
     * With the default null marker (an empty unquoted field), a null in a one-column file is an empty
     * line: it must read back as a null row, not vanish. In wider files a blank line is still no row.
     */
    @Test
    void aNullInAOneColumnFileIsAnEmptyLineAndReadsBack() {
        Schema one = Schema.of(Column.of("note", ColumnType.string()));
        List<Object[]> rows = List.of(new Object[] {"a"}, new Object[] {null}, new Object[] {""}, new Object[] {null});
        fx.write(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/one-column"), one, rows);
        assertRows(rows, fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/one-column")));
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("blank-lines/a.csv"), RequestBody.fromString("\nid,text\n1,a\n\n2,b\n\n"));
        }
        List<Object[]> wide = fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/blank-lines"));
        assertRows(List.of(new Object[] {"1", "a"}, new Object[] {"2", "b"}), wide);
    }

    @Test
    void splitsOfObjectsWithABlankHeaderNameAgreeOnItsName() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("blank-name/a.csv"), RequestBody.fromString(",name\n1,a\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("blank-name/b.csv"), RequestBody.fromString(",name\n2,b\n"));
        }
        try (SourceReader r = PlannedReader.open(fx.connector, fx.context(), fx.customerRole(),
                props("s3.folder-path", CUSTOMER_BUCKET + "/blank-name", "s3.split-size-bytes", "1"))) {
            assertEquals(List.of("col1", "name"), r.schema().columns().stream().map(Column::name).toList());
            List<Object[]> rows = new ArrayList<>();
            for (var b = r.next(); b.isPresent(); b = r.next()) {
                rows.addAll(b.get().rows());
            }
            assertRows(List.of(new Object[] {"1", "a"}, new Object[] {"2", "b"}), rows);
            assertEquals(2L, r.summary().details().get("objects"), "one split per object, each checking its header");
        }
    }

    @Test
    void bytesNotValidInTheEncodingFailOrAreReplacedAndCountedNeverSilently() {
        byte[] latin1 = "id,name\n1,caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("latin1/a.csv"), RequestBody.fromBytes(latin1));
        }
        StagewayException e = assertThrows(StagewayException.class,
                () -> fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/latin1")));
        assertEquals(ErrorKind.DATA, e.kind());
        assertTrue(e.getMessage().startsWith("Invalid characters in s3://customer-data/latin1/a.csv, line 2: bytes that are not "
                + "valid UTF-8 (set csv.invalid-characters=replace"), e.getMessage());
        assertRows(List.<Object[]>of(new Object[] {"1", "caf\u00e9"}), fx.read(fx.customerRole(),
                props("s3.folder-path", CUSTOMER_BUCKET + "/latin1", "csv.encoding", "ISO-8859-1")));
        try (SourceReader r = PlannedReader.open(fx.connector, fx.context(), fx.customerRole(),
                props("s3.folder-path", CUSTOMER_BUCKET + "/latin1", "csv.invalid-characters", "replace"))) {
            assertArrayEquals(new Object[] {"1", "caf\uFFFD"}, r.next().orElseThrow().rows().get(0));
            assertEquals(1L, r.summary().details().get("invalid characters replaced"));
        }
    }

    @Test
    void zeroByteMarkerObjectsAreSkipped() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("spark/_SUCCESS"), RequestBody.empty());
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("spark/part-00000.csv"), RequestBody.fromString("id,text,note\n1,a,b\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("spark/part-00001.csv"), RequestBody.fromString("id,text,note\n2,c,d\n"));
        }
        try (SourceReader r = PlannedReader.open(fx.connector, fx.context(), fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/spark"))) {
            assertEquals(List.of("id", "text", "note"), r.schema().columns().stream().map(Column::name).toList());
            assertEquals(2, r.next().orElseThrow().size());
            assertEquals(2L, r.summary().details().get("objects"));
        }
    }

    @Test
    void brokenQuotingIsADataErrorNamingTheObject() {
        try (S3Client admin = fx.admin()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("broken/a.csv"), RequestBody.fromString("id,text\n1,\"never closed\n"));
        }
        StagewayException e = assertThrows(StagewayException.class,
                () -> fx.read(fx.customerRole(), props("s3.folder-path", CUSTOMER_BUCKET + "/broken")));
        assertTrue(e.getMessage().startsWith("Malformed CSV in s3://customer-data/broken/a.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void configurationProblemsAreAllReportedBeforeAnyCall() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> SingleTaskWriter.open(fx.connector, fx.context(),
                fx.customerRole(), props("s3.folder-path", "Bad_Bucket", "s3.multipart.part-size-bytes", "1024",
                        "csv.delimiter", "\"", "s3.sse.kms-key-id", "k"), TEXT));
        assertEquals(List.of("s3.folder-path", "s3.multipart.part-size-bytes", "s3.sse.kms-key-id", "csv.delimiter"),
                e.problems().stream().map(p -> p.properties().get(0)).toList(), e.getMessage());
        Map<String, String> west = fx.customerRole();
        ConfigurationException region = assertThrows(ConfigurationException.class, () -> PlannedReader.open(fx.connector, fx.context(), west,
                props("s3.folder-path", "https://customer-data.s3.us-west-2.amazonaws.com/x/")));
        assertEquals("s3.folder-path, aws.region: the folder is in us-west-2 but aws.region is us-east-1; set aws.region=us-west-2",
                region.problems().get(0).toString());
    }
}
