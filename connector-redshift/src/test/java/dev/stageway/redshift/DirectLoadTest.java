package dev.stageway.redshift;

import static dev.stageway.redshift.RedshiftFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.AwsProperties;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.S3ConnectorFactory;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.RejectedRow;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.StoredObjects;
import dev.stageway.spi.TargetWrite;
import dev.stageway.testkit.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 to Redshift by one COPY straight from the source's objects: the rows the streamed path
 * would load, taken only where COPY reads the objects as the S3 source does, and as safe as the
 * staged path when the objects change or hold bad rows.
 */
class DirectLoadTest {
    private static final S3ConnectorFactory S3 = new S3ConnectorFactory();
    /**
     * Quotes, a delimiter and a line break inside values, an empty string (quoted and not) against a
     * null (NULL), a quoted "NULL" that is a string, non-ASCII, a blank line.
     */
    private static final String HARD = "id,name,note\n1,\"Ann \"\"A\"\", Jr.\",\"two\nlines\"\n2,\"\",NULL\n\n3,Zoë,ünïcode\n"
            + "4,,\"NULL\"\n";
    static RedshiftFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new RedshiftFixture(Sandbox.builder().withRedshift().build());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static void put(String key, byte[] body) {
        try (S3Client admin = customerAdminS3(fx.sandbox)) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key), RequestBody.fromBytes(body));
        }
    }

    private static void put(String key, String body) {
        put(key, body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** The S3 source's connection: the same AWS connection as the cluster's. */
    private static Map<String, String> sourceConnection() {
        return AwsProperties.CONNECTION.select(fx.connection());
    }

    /** The S3 source of a folder: NULL marks nulls, unless {@code more} says otherwise (an empty marker is never loaded directly). */
    private static Map<String, String> folder(String folder, String... more) {
        Map<String, String> p = props(more);
        p.put("s3.folder-path", CUSTOMER_BUCKET + "/" + folder);
        p.putIfAbsent("csv.null-value", "NULL");
        return p;
    }

    private static LocalRun.Result run(Map<String, String> source, Map<String, String> target) {
        return run(sourceConnection(), source, target);
    }

    private static LocalRun.Result run(Map<String, String> sourceConnection, Map<String, String> source, Map<String, String> target) {
        return run(sourceConnection, source, fx.connection(), target);
    }

    private static LocalRun.Result run(Map<String, String> sourceConnection, Map<String, String> source,
                                       Map<String, String> targetConnection, Map<String, String> target) {
        return LocalRun.run(fx.context(), new LocalRun.Side(S3, sourceConnection, source), new LocalRun.Side(fx.connector, targetConnection,
                target), 2, (rows, bytes) -> { });
    }

    private static List<List<String>> rows(String table) throws Exception {
        return fx.query("select id, name, note from " + table + " order by id");
    }

    @Test
    void csvObjectsCopyReadsAsTheyAreLoadAsTheStreamedPathWouldLoadThem() throws Exception {
        put("direct/plain/a.csv", HARD);
        put("direct/plain/b c+d%20\"e.csv", "id,name,note\n5,\"d; e\",NULL\n");   // a key a manifest must carry as it is
        put("direct/gzip/a.csv.gz", gzip(HARD.replace(',', '\t')));
        put("direct/gzip/b.csv.gz", gzip("id\tname\tnote\n5\t\"d, e\"\tNULL\n"));
        for (String table : List.of("direct_plain", "streamed_plain", "direct_gzip", "streamed_gzip")) {
            fx.execute("create table " + table + " (id int, name varchar(20), note varchar(20))");
        }
        Map<String, String> plain = folder("direct/plain/");
        LocalRun.Result direct = run(plain, props("redshift.table", "direct_plain"));
        assertEquals(new LocalRun.PathTaken(DirectLoad.PATH, ""), direct.path());
        assertEquals(5, direct.written().orElseThrow().rows());
        assertEquals(0, direct.read().rows(), "no row went through the agent");
        LocalRun.Result streamed = run(plain, props("redshift.table", "streamed_plain", "redshift.direct-load", "off"));
        assertEquals(LocalRun.PathTaken.STREAMED, streamed.path().name());
        assertEquals(rows("streamed_plain"), rows("direct_plain"));
        assertEquals(List.of("1", "Ann \"A\", Jr.", "two\nlines"), rows("direct_plain").get(0));
        assertEquals(Arrays.asList("2", "", null), rows("direct_plain").get(1), "an empty string stays one, a null stays null");
        assertEquals(List.of("4", "", "NULL"), rows("direct_plain").get(3), "an unquoted empty field is an empty string, a quoted "
                + "NULL the string");

        Map<String, String> tabs = folder("direct/gzip/", "csv.delimiter", "\\t");
        assertEquals(DirectLoad.PATH, run(tabs, props("redshift.table", "direct_gzip")).path().name());
        run(tabs, props("redshift.table", "streamed_gzip", "redshift.direct-load", "off"));
        assertEquals(rows("streamed_gzip"), rows("direct_gzip"));
        assertEquals(5, rows("direct_gzip").size());
        try (S3Client admin = customerAdminS3(fx.sandbox)) {
            assertTrue(admin.listObjectsV2(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix("stageway/")).contents().stream()
                    .noneMatch(o -> o.key().endsWith("manifest.json")), "the manifest goes after the load");
        }
    }

    @Test
    void upsertAndRejectedRowsWorkAsOnTheStagedPath() throws Exception {
        fx.execute("create table direct_upsert (id int, name varchar(5), note varchar(20))");
        fx.execute("insert into direct_upsert values (1, 'old', 'kept'), (2, 'old', 'replaced')");
        put("direct/upsert/a.csv", "id,name,note\n2,new,x\n3,new,y\nfour,bad,z\n5,toolong,w\n");
        LocalRun.Result r = run(folder("direct/upsert/"), props("redshift.table", "direct_upsert", "redshift.load-mode", "upsert",
                "redshift.key-columns", "id", "redshift.max-rejected-rows", "2"));
        assertEquals(DirectLoad.PATH, r.path().name());
        assertEquals(List.of(List.of("1", "old", "kept"), List.of("2", "new", "x"), List.of("3", "new", "y")), rows("direct_upsert"));
        assertEquals(2, r.written().orElseThrow().rejected());
        List<RejectedRow> rejected = r.written().orElseThrow().samples();
        assertEquals(List.of(4L, 5L), rejected.stream().map(RejectedRow::line).toList(), "lines of the source object, header included");
        assertTrue(rejected.get(0).file().endsWith("/direct/upsert/a.csv"), rejected.get(0).file());
    }

    @Test
    void aRowCopyRejectsFailsTheLoadNamingTheSourceObjectAndLine() throws Exception {
        fx.execute("create table direct_bad (id int, name varchar(20), note varchar(20))");
        fx.execute("insert into direct_bad values (0, 'before', null)");
        put("direct/bad/a.csv", "id,name,note\n1,a,b\n");
        put("direct/bad/b.csv", "id,name,note\n2,a,b\nthree,a,b\n");
        StagewayException e = assertThrows(StagewayException.class, () -> run(folder("direct/bad/"), props("redshift.table", "direct_bad")));
        assertEquals(ErrorKind.DATA, e.kind());
        assertTrue(e.getMessage().contains("s3://" + CUSTOMER_BUCKET + "/direct/bad/b.csv, line 3, column id"), e.getMessage());
        assertEquals("[[0, before, null]]", rows("direct_bad").toString(), "the table is unchanged");
    }

    @Test
    void anObjectWhoseHeaderDiffersIsStreamedAndFailsThere() throws Exception {
        fx.execute("create table direct_header (id int, name varchar(20), note varchar(20))");
        put("direct/header/a.csv", "id,name,note\n1,a,b\n");
        put("direct/header/b.csv", "id,note,name\n2,b,a\n");
        StagewayException e = assertThrows(StagewayException.class, () -> run(folder("direct/header/"),
                props("redshift.table", "direct_header")));
        assertTrue(e.getMessage().contains("direct/header/b.csv") && e.getMessage().contains("differs from the first object's"),
                e.getMessage());
        assertTrue(rows("direct_header").isEmpty());
    }

    @Test
    void anObjectChangedSinceListingRollsTheLoadBack() throws Exception {
        fx.execute("create table direct_changed (id int, name varchar(20), note varchar(20))");
        put("direct/changed/a.csv", "id,name,note\n1,a,b\n");
        put("direct/changed/b.csv", "id,name,note\n2,a,b\n");
        Map<String, String> source = folder("direct/changed/");
        try (SourcePlan plan = S3.planSource(fx.context(), sourceConnection(), source);
             TargetWrite write = fx.connector.openWrite(fx.context(), fx.connection(), props("redshift.table", "direct_changed"),
                     plan.schema())) {
            StoredObjects objects = plan.storedObjects().value().orElseThrow();
            assertEquals(DirectLoad.PATH, write.directPath(objects, sourceConnection()).value().orElseThrow());
            // COPY reads the object as it is now; the ETags compared just before COMMIT find the change.
            put("direct/changed/b.csv", "id,name,note\n2,a,b\n3,not,listed\n");
            StagewayException e = assertThrows(StagewayException.class, () -> write.commitDirect(objects, sourceConnection()));
            assertTrue(e.getMessage().contains("changed or went since they were listed (s3://" + CUSTOMER_BUCKET
                    + "/direct/changed/b.csv)"), e.getMessage());
        }
        assertTrue(rows("direct_changed").isEmpty(), "the load rolled back");
    }

    @Test
    void whereCopyWouldNotLoadWhatStreamingWouldTheRunStreamsAndSaysWhy() throws Exception {
        fx.execute("create table direct_no (id int, name varchar(20), note varchar(20))");
        fx.execute("create table direct_no_one (id int)");
        put("direct/no/a.csv", "id,name,note\n1,a,b\n");
        put("direct/no-one/a.csv", "id\n1\n\n2\n");
        put("direct/no-latin/a.csv", "id,name,note\n1,caf\u00e9,b\n".getBytes(StandardCharsets.ISO_8859_1));
        put("direct/no-crlf/a.csv", "id,name,note\n1,a,b\n");
        put("direct/no-crlf/b.csv", "id,name,note\r\n2,a,b\r\n");
        assertStreamed(run(folder("direct/no/"), props("redshift.table", "direct_no", "redshift.direct-load", "off")),
                "redshift.direct-load=off");
        assertStreamed(run(folder("direct/no/", "csv.null-value", ""), props("redshift.table", "direct_no")),
                "csv.null-value is empty");
        assertStreamed(run(folder("direct/no/"), props("redshift.table", "direct_new")), "the table does not exist yet");
        assertStreamed(run(folder("direct/no-one/", "csv.null-value", ""), props("redshift.table", "direct_no_one")),
                "the objects have one column");
        assertStreamed(run(folder("direct/no-latin/", "csv.encoding", "ISO-8859-1"), props("redshift.table", "direct_no")),
                "COPY reads UTF-8");
        assertStreamed(run(folder("direct/no-crlf/"), props("redshift.table", "direct_no")), "direct/no-crlf/b.csv ends its first "
                + "line with CR LF");
        assertStreamed(run(folder("direct/no/", "s3.columns", "id bigint, name string, note string"), props("redshift.table",
                "direct_no")), "s3.columns declares typed");
        Map<String, String> otherIdentity = sourceConnection();
        otherIdentity.put("aws.role-session-name", "someone-else");
        assertStreamed(run(otherIdentity, folder("direct/no/"), props("redshift.table", "direct_no")), "different connections");
        assertEquals("[[null], [1], [2]]", fx.query("select id from direct_no_one order by id nulls first").toString(),
                "the blank line streamed as a null");
    }

    @Test
    void withTheClustersRoleTheDirectLoadIsTakenOnlyWhenAskedAndARoleThatCannotReadTheFolderIsNamed() throws Exception {
        fx.execute("create table direct_role (id int, name varchar(20), note varchar(20))");
        put("direct/role/a.csv", "id,name,note\n1,a,b\n");
        Map<String, String> withRole = fx.iamRoleConnection();
        assertStreamed(run(sourceConnection(), folder("direct/role/"), withRole, props("redshift.table", "direct_role")),
                "redshift.direct-load=on loads them directly");
        // The sandbox's cluster role reads the staging bucket only, as a role set up before direct loads would.
        StagewayException e = assertThrows(StagewayException.class, () -> run(sourceConnection(), folder("direct/role/"), withRole,
                props("redshift.table", "direct_role", "redshift.direct-load", "on")));
        assertTrue(e.getMessage().contains("Status 403") && e.getMessage().contains("as the cluster's role redshift.iam-role, which "
                + "needs s3:GetObject on them; redshift.direct-load=off stages the rows instead"), e.getMessage());
        assertEquals("[[1, a, b]]", rows("direct_role").toString(), "the streamed load, and nothing of the failed one");
    }

    @Test
    void aDirectLoadIntoServerlessAsTheRolesOwnUserReportsRejectedRowsFromItsSysViews() throws Exception {
        fx.execute("create table direct_serverless (id int, name varchar(5), note varchar(20))");
        fx.execute("grant all on direct_serverless to public");
        put("direct/serverless/a.csv", "id,name,note\n1,a,b\ntwo,b,c\n3,toolong,d\n4,d,e\n");
        Map<String, String> workgroup = fx.iamLogin(IamLoginTest.keysToCustomerRole(), true);
        LocalRun.Result r = run(AwsProperties.CONNECTION.select(workgroup), folder("direct/serverless/"), workgroup,
                props("redshift.table", "direct_serverless", "redshift.load-log-table", "direct_serverless_log",
                        "redshift.max-rejected-rows", "2"));
        assertEquals(DirectLoad.PATH, r.path().name(), r.path().reason());
        assertEquals("[[1, a, b], [4, d, e]]", rows("direct_serverless").toString());
        assertEquals(2, r.written().orElseThrow().rejected());
        List<RejectedRow> rejected = r.written().orElseThrow().samples();
        assertEquals(List.of(3L, 4L), rejected.stream().map(RejectedRow::line).toList());
        assertNull(rejected.get(0).rawLine(), "Serverless keeps no raw line");
    }

    private static void assertStreamed(LocalRun.Result r, String reason) {
        assertEquals(LocalRun.PathTaken.STREAMED, r.path().name());
        assertTrue(r.path().reason().contains(reason), r.path().reason());
        assertTrue(r.read().rows() > 0, "rows went through the agent");
    }
}
