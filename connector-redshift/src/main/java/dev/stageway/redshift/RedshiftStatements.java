package dev.stageway.redshift;

import dev.stageway.aws.CredentialSnapshot;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The SQL the connector sends, built as pure text: COPY from a manifest of gzip CSV, UNLOAD to CSV,
 * and the statements of each load mode. Column names are lower-cased and quoted, as Redshift
 * folds them; table names are validated plain identifiers. Never log the result without
 * {@link SqlRedactor}.
 */
final class RedshiftStatements {
    private RedshiftStatements() {
    }

    /** Redshift's widest VARCHAR, in bytes. */
    static final int MAX_VARCHAR = 65_535;
    /** The null marker staged files use: never the text of a quoted value, which is how strings are written. */
    static final String NULL_MARKER = "\\N";

    static String credentials(CredentialSnapshot c) {
        return "CREDENTIALS 'aws_access_key_id=" + c.accessKeyId() + ";aws_secret_access_key="
                + c.credentials().secretAccessKey() + c.sessionToken().map(t -> ";token=" + t).orElse("") + "'";
    }

    static String iamRole(String chain) {
        return "IAM_ROLE '" + chain.replace(" ", "") + "'";
    }

    /** The format of the files a load stages. */
    static final String STAGED_FORMAT = "FORMAT AS CSV GZIP NULL AS " + literal(NULL_MARKER);

    /**
     * The COPY of a load from a manifest of files in {@code format} (COPY's format options):
     * {@code maxErrors} rows may be rejected and skipped; with {@code truncate}, long strings are cut.
     */
    static String copy(String table, Schema schema, String manifestUrl, String authorization, String region, String format,
                       int maxErrors, boolean truncate) {
        return "COPY " + table + " (" + columns(schema) + ") FROM " + literal(manifestUrl) + " " + authorization
                + " MANIFEST " + format + " DATEFORMAT 'auto' TIMEFORMAT 'auto'"
                + " REGION " + literal(region) + " MAXERROR " + maxErrors + (truncate ? " TRUNCATECOLUMNS" : "")
                + " COMPUPDATE OFF STATUPDATE OFF";
    }

    /**
     * UNLOAD to CSV; with SSE-KMS the files are encrypted with {@code objects}' key (UNLOAD's default,
     * and what {@code sse-s3} asks for, is SSE-S3).
     */
    static String unload(String query, String prefixUrl, String authorization, String region, ObjectOptions objects) {
        String kms = objects.encryption() == ObjectOptions.Encryption.SSE_KMS
                ? " KMS_KEY_ID " + literal(objects.kmsKeyId().orElseThrow()) + " ENCRYPTED" : "";
        return "UNLOAD (" + literal(query) + ") TO " + literal(prefixUrl) + " " + authorization
                + " FORMAT AS CSV HEADER GZIP NULL AS " + literal(NULL_MARKER) + " MANIFEST ALLOWOVERWRITE REGION " + literal(region) + kms;
    }

    static String createTable(String table, Schema schema, int[] maxStringBytes) {
        StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table).append(" (");
        for (int i = 0; i < schema.size(); i++) {
            Column c = schema.column(i);
            sql.append(i == 0 ? "" : ", ").append(name(c)).append(' ').append(type(c.type(), maxStringBytes[i]));
            if (!c.nullable()) {
                sql.append(" NOT NULL");
            }
        }
        return sql.append(')').toString();
    }

    /** The Redshift type for a column; strings without a declared length get room for what was staged. */
    static String type(ColumnType t, int observedBytes) {
        switch (t.kind()) {
            case STRING: {
                int length = t.precision() > 0 ? t.precision() : Math.max(256, observedBytes);
                return "VARCHAR(" + Math.min(MAX_VARCHAR, length) + ")";
            }
            case SMALLINT:
                return "SMALLINT";
            case INTEGER:
                return "INTEGER";
            case BIGINT:
                return "BIGINT";
            case DOUBLE:
                return "DOUBLE PRECISION";
            case DECIMAL:
                return "DECIMAL(" + t.precision() + "," + t.scale() + ")";
            case BOOLEAN:
                return "BOOLEAN";
            case DATE:
                return "DATE";
            case TIMESTAMP:
                return "TIMESTAMP";
            case TIMESTAMP_TZ:
                return "TIMESTAMPTZ";
            case BINARY:
                return "VARBYTE(" + (t.precision() > 0 ? t.precision() : 65_000) + ")";
            default:
                throw new IllegalStateException("unhandled kind " + t.kind());
        }
    }

    static String deleteAll(String table) {
        // Not TRUNCATE: in Redshift it commits the open transaction, and the load must stay all-or-nothing.
        return "DELETE FROM " + table;
    }

    /** The load log: one row per run loaded into a table, written in the load's own transaction. */
    static String createLoadLog(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (run_id VARCHAR(256) NOT NULL, target_table VARCHAR(256) NOT NULL, loaded_at TIMESTAMP NOT NULL, row_count BIGINT)";
    }

    static String createStage(String stage, String table) {
        return "CREATE TEMP TABLE " + stage + " (LIKE " + table + ")";
    }

    static String deleteMatching(String table, String stage, List<String> keys) {
        return "DELETE FROM " + table + " USING " + stage + " WHERE "
                + keys.stream().map(k -> table + "." + quote(k) + " = " + stage + "." + quote(k)).collect(Collectors.joining(" AND "));
    }

    static String insertFromStage(String table, String stage, Schema schema) {
        return "INSERT INTO " + table + " (" + columns(schema) + ") SELECT " + columns(schema) + " FROM " + stage;
    }

    static String columns(Schema schema) {
        return schema.columns().stream().map(RedshiftStatements::name).collect(Collectors.joining(", "));
    }

    static String name(Column c) {
        return quote(c.name());
    }

    static String quote(String identifier) {
        return "\"" + identifier.toLowerCase(Locale.ROOT).replace("\"", "\"\"") + "\"";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
