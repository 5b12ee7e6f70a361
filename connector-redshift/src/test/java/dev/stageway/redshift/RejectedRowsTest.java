package dev.stageway.redshift;

import static dev.stageway.redshift.RedshiftFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RejectedRow;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.testkit.Sandbox;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rows Redshift rejects, kept with their reasons within redshift.max-rejected-rows; values too wide for any VARCHAR. */
class RejectedRowsTest {
    static final Schema TWO = Schema.of(Column.of("id", ColumnType.string()), Column.of("name", ColumnType.string()));
    /** Four records, two of which the table refuses: an id that is not a number, a name wider than its column. */
    static final List<Object[]> MIXED = List.of(new Object[] {"1", "ann"}, new Object[] {"two", "bob"}, new Object[] {"3", "carolyn"},
            new Object[] {"4", "dan"});
    static RedshiftFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new RedshiftFixture(Sandbox.builder().withRedshift().build());
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static List<String> rows(String table) throws Exception {
        return fx.query("select id || ':' || name from " + table + " order by id").stream().map(r -> r.get(0)).toList();
    }

    @Test
    void rowsWithinTheLimitAreSkippedReportedAndWrittenToS3() throws Exception {
        fx.execute("create table kept (id int, name varchar(5))");
        Map<String, String> target = props("redshift.table", "kept", "redshift.max-rejected-rows", "2", "redshift.staging.files", "1",
                "redshift.rejected-rows-path", CUSTOMER_BUCKET + "/rejected/");
        RunSummary summary = fx.load(fx.connection(), target, TWO, MIXED);
        assertEquals(List.of("1:ann", "4:dan"), rows("kept"));
        assertEquals(2, summary.rows());
        assertEquals(2, summary.rejected());
        List<RejectedRow> rejected = summary.samples();
        assertEquals(List.of(2L, 3L), rejected.stream().map(RejectedRow::record).toList());
        assertEquals(List.of("id", "name"), rejected.stream().map(RejectedRow::column).toList());
        assertTrue(rejected.get(1).reason().contains("String length exceeds DDL length"), rejected.get(1).reason());
        assertEquals("\"3\",\"carolyn\"", rejected.get(1).rawLine());
        assertTrue(rejected.get(0).file().endsWith("/part-00001.csv.gz"), rejected.get(0).file());

        String csv;
        try (var admin = customerAdminS3(fx.sandbox)) {
            var objects = admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix("rejected/")).contents();
            assertEquals(1, objects.size());
            assertTrue(objects.get(0).key().matches("rejected/rejected-rows-run-\\d+\\.csv"), objects.get(0).key());
            csv = admin.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key(objects.get(0).key())).asString(StandardCharsets.UTF_8);
        }
        String[] lines = csv.split("\n");
        assertEquals("record,file,line,column,reason,raw_line", lines[0]);
        assertEquals(3, lines.length);
        assertTrue(lines[2].startsWith("\"3\",\"s3://" + CUSTOMER_STAGING_BUCKET + "/") && lines[2].endsWith(",\"\"\"3\"\",\"\"carolyn\"\"\""),
                lines[2]);
    }

    @Test
    void oneRowMoreThanTheLimitFailsTheLoadAndLeavesTheTableUnchanged() throws Exception {
        fx.execute("create table strict (id int, name varchar(5))");
        fx.execute("insert into strict values (9, 'kept')");
        StagewayException e = assertThrows(StagewayException.class, () -> fx.load(fx.connection(), props("redshift.table", "strict",
                "redshift.max-rejected-rows", "1", "redshift.staging.files", "1"), TWO, MIXED));
        assertEquals(ErrorKind.DATA, e.kind());
        assertTrue(e.getMessage().contains("more than redshift.max-rejected-rows=1") && e.getMessage().contains("the table is unchanged"),
                e.getMessage());
        assertEquals(List.of("9:kept"), rows("strict"));
    }

    @Test
    void onServerlessRejectedRowsComeFromSysLoadErrorDetailWithoutTheRawLine() throws Exception {
        fx.execute("create table kept_wg (id int, name varchar(5))");
        Map<String, String> connection = fx.connection();
        connection.put("redshift.jdbc-url", fx.sandbox.redshift().serverlessJdbcUrl());
        RunSummary summary = fx.load(connection, props("redshift.table", "kept_wg", "redshift.max-rejected-rows", "2"), TWO, MIXED);
        assertEquals(2, summary.rejected());
        assertEquals((long) RedshiftConnection.UNKNOWN_SLICES, summary.details().get("files staged"), "no stv_slices: the default");
        assertNull(summary.samples().get(0).rawLine());
        assertEquals(List.of("id", "name"), summary.samples().stream().map(RejectedRow::column).sorted().toList());

        fx.execute("create table strict_wg (id int, name varchar(5))");
        StagewayException e = assertThrows(StagewayException.class, () -> fx.load(connection, props("redshift.table", "strict_wg"),
                TWO, MIXED));
        assertTrue(e.getMessage().contains("column id: Invalid input syntax") || e.getMessage().contains("column name: String length"),
                e.getMessage());
    }

    @Test
    void aValueWiderThanAnyVarcharFailsBeforeCopyUnlessTruncationIsAsked() throws Exception {
        String wide = "é".repeat(40_000);   // 80,000 bytes of UTF-8
        List<Object[]> rows = List.of(new Object[] {"1", "short"}, new Object[] {"2", wide});
        StagewayException e = assertThrows(StagewayException.class, () -> fx.load(fx.connection(), props("redshift.table", "wide"),
                TWO, rows));
        assertEquals(ErrorKind.DATA, e.kind());
        assertTrue(e.getMessage().startsWith("Record 2, column name: the value is 80000 bytes of UTF-8, more than Redshift's widest "
                + "VARCHAR (65535 bytes). Set redshift.truncate-long-values=true to have COPY cut it"), e.getMessage());
        assertEquals(List.of(List.of("0")), fx.query("select count(*) from pg_tables where tablename = 'wide'"), "no table, no COPY");

        RunSummary summary = fx.load(fx.connection(), props("redshift.table", "wide", "redshift.truncate-long-values", "true"), TWO, rows);
        assertEquals(1L, summary.details().get("values truncated"));
        assertEquals(List.of(List.of("1", "5"), List.of("2", "65534")),
                fx.query("select id, octet_length(name) from wide order by id"), "cut at a character boundary");
    }

    @Test
    void anUnqualifiedTableIsTheOneTheSessionsSearchPathFinds() throws Exception {
        fx.execute("create schema mart");
        fx.execute("create table mart.narrow (id varchar(3), name varchar(3))");
        fx.execute("alter role " + REDSHIFT_USER + " set search_path to mart, public");
        try {
            RunSummary summary = fx.load(fx.connection(), props("redshift.table", "narrow", "redshift.truncate-long-values", "true"),
                    TWO, List.<Object[]>of(new Object[] {"1", "abcdef"}));
            assertEquals(1L, summary.details().get("values truncated"), "counted against mart.narrow's width");
            assertEquals(List.of(List.of("abc")), fx.query("select name from mart.narrow"));
        } finally {
            fx.execute("alter role " + REDSHIFT_USER + " reset search_path");
        }
    }
}
