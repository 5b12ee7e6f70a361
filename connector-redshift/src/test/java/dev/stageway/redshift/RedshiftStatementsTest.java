package dev.stageway.redshift;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.CredentialSnapshot;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

class RedshiftStatementsTest {
    static final Schema SCHEMA = Schema.of(Column.of("Id", ColumnType.of(ColumnType.Kind.BIGINT)),
            Column.of("name", ColumnType.string()), Column.of("amount", ColumnType.decimal(12, 2)));

    @Test
    void copyFromAManifestOfGzipCsv() {
        assertEquals("COPY sales.orders (\"id\", \"name\", \"amount\") FROM 's3://stage/run/load/manifest.json' "
                        + "IAM_ROLE 'arn:aws:iam::123456789012:role/a,arn:aws:iam::210987654321:role/b' MANIFEST FORMAT AS CSV GZIP "
                        + "NULL AS '\\N' DATEFORMAT 'auto' TIMEFORMAT 'auto' REGION 'eu-west-1' MAXERROR 25 TRUNCATECOLUMNS COMPUPDATE OFF STATUPDATE OFF",
                RedshiftStatements.copy("sales.orders", SCHEMA, "s3://stage/run/load/manifest.json",
                        RedshiftStatements.iamRole("arn:aws:iam::123456789012:role/a, arn:aws:iam::210987654321:role/b"), "eu-west-1", RedshiftStatements.STAGED_FORMAT, 25, true));
    }

    @Test
    void temporaryCredentialsAreEmbeddedAndRedactedForLogs() {
        CredentialSnapshot s = new CredentialSnapshot(AwsSessionCredentials.create("ASIAEXAMPLE", "secret/KEY+1", "tok==en"),
                Optional.of(Instant.EPOCH));
        String auth = RedshiftStatements.credentials(s);
        assertEquals("CREDENTIALS 'aws_access_key_id=ASIAEXAMPLE;aws_secret_access_key=secret/KEY+1;token=tok==en'", auth);
        assertEquals("COPY t FROM 's3://b/k' CREDENTIALS 'aws_access_key_id=ASIAEXAMPLE;aws_secret_access_key=***;token=***' CSV",
                SqlRedactor.redact("COPY t FROM 's3://b/k' " + auth + " CSV"));
        assertEquals("UNLOAD ('x') TO 's3://b/' ACCESS_KEY_ID 'AKIA1' SECRET_ACCESS_KEY '***' SESSION_TOKEN '***'",
                SqlRedactor.redact("UNLOAD ('x') TO 's3://b/' ACCESS_KEY_ID 'AKIA1' SECRET_ACCESS_KEY 's3cr3t' SESSION_TOKEN 'tkn'"));
    }

    @Test
    void unloadQuotesTheQuery() {
        assertEquals("UNLOAD ('select * from t where s = ''x''') TO 's3://b/run/unload/' IAM_ROLE 'arn:aws:iam::123456789012:role/r' "
                        + "FORMAT AS CSV HEADER GZIP NULL AS '\\N' MANIFEST ALLOWOVERWRITE REGION 'us-east-1'",
                RedshiftStatements.unload("select * from t where s = 'x'", "s3://b/run/unload/",
                        RedshiftStatements.iamRole("arn:aws:iam::123456789012:role/r"), "us-east-1", ObjectOptions.PLAIN));
        assertTrue(RedshiftStatements.unload("select 1", "s3://b/u/", "IAM_ROLE 'r'", "us-east-1", new ObjectOptions(
                ObjectOptions.Encryption.SSE_KMS, Optional.of("arn:aws:kms:us-east-1:123456789012:key/k"), false))
                .endsWith(" KMS_KEY_ID 'arn:aws:kms:us-east-1:123456789012:key/k' ENCRYPTED"));
    }

    @Test
    void loadModeStatements() {
        assertEquals("DELETE FROM t USING s WHERE t.\"id\" = s.\"id\" AND t.\"region\" = s.\"region\"",
                RedshiftStatements.deleteMatching("t", "s", List.of("Id", "region")));
        assertEquals("INSERT INTO t (\"id\", \"name\", \"amount\") SELECT \"id\", \"name\", \"amount\" FROM s",
                RedshiftStatements.insertFromStage("t", "s", SCHEMA));
        assertEquals("CREATE TEMP TABLE s (LIKE t)", RedshiftStatements.createStage("s", "t"));
        assertEquals("DELETE FROM t", RedshiftStatements.deleteAll("t"));
    }

    @Test
    void createTableSizesStringsFromTheStagedData() {
        assertEquals("CREATE TABLE t (\"id\" BIGINT, \"name\" VARCHAR(1000), \"amount\" DECIMAL(12,2))",
                RedshiftStatements.createTable("t", SCHEMA, new int[] {0, 1000, 0}));
        assertEquals("VARCHAR(256)", RedshiftStatements.type(ColumnType.string(), 3));
        assertEquals("VARCHAR(65535)", RedshiftStatements.type(ColumnType.string(), 100_000));
        assertEquals("VARCHAR(12)", RedshiftStatements.type(ColumnType.string(12), 3));
        assertEquals("TIMESTAMPTZ", RedshiftStatements.type(ColumnType.of(ColumnType.Kind.TIMESTAMP_TZ), 0));
    }
}
