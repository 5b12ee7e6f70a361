package dev.stageway.redshift;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.S3ConnectorFactory;
import dev.stageway.s3.S3Location;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a table or query by UNLOADing it (CSV, header, gzip, manifest) to the run's staging folder
 * and reading that back with the S3 source; the staged files are removed when the reader closes.
 */
public final class RedshiftSourceReader implements SourceReader {
    private final RedshiftConnection cluster;
    private final S3Location folder;
    private final SourceReader files;

    RedshiftSourceReader(RedshiftConnection cluster, RunContext context, Map<String, String> connection, String query) {
        this.cluster = cluster;
        this.folder = cluster.stagingFolder(context.runId(), "unload");
        String prefix = "s3://" + folder.bucket() + "/" + folder.prefix();
        try (Connection c = cluster.jdbc(); Statement s = c.createStatement()) {
            s.execute(RedshiftStatements.unload(query, prefix, cluster.authorization(), cluster.region()));
        } catch (SQLException e) {
            deleteStaged();
            cluster.close();
            throw new StagewayException(ErrorKind.DATABASE, false, "Cannot UNLOAD " + SqlRedactor.redact(query) + " to " + prefix
                    + ": " + SqlRedactor.redact(e.getMessage()), null);
        }
        Map<String, String> source = new HashMap<>();
        source.put("s3.folder-path", prefix);
        source.put("s3.file-pattern", "*_part_*");
        source.put("s3.compression", "gzip");
        source.put("csv.null-value", RedshiftStatements.NULL_MARKER);
        source.put("csv.header", "true");
        try {
            this.files = new S3ConnectorFactory().openReader(context, dev.stageway.aws.AwsProperties.CONNECTION.select(connection), source);
        } catch (RuntimeException e) {
            deleteStaged();
            cluster.close();
            throw e;
        }
    }

    @Override
    public Schema schema() {
        return files.schema();
    }

    @Override
    public Optional<RecordBatch> next() {
        return files.next();
    }

    @Override
    public RunSummary summary() {
        return files.summary();
    }

    @Override
    public void close() {
        try {
            files.close();
        } finally {
            deleteStaged();
            cluster.close();
        }
    }

    private void deleteStaged() {
        try {
            for (S3Object o : cluster.s3().client().listObjectsV2Paginator(b -> b.bucket(folder.bucket()).prefix(folder.prefix()))
                    .contents()) {
                cluster.s3().client().deleteObject(b -> b.bucket(folder.bucket()).key(o.key()));
            }
        } catch (SdkException ignored) {
            // Best effort on the way out.
        }
    }
}
