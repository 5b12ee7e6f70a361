package dev.stageway.redshift;

import dev.stageway.aws.S3Connection;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.redshift.StagingFiles.StagedFile;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TaskWriter;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Stages one task attempt's records as gzip CSV files in a folder of its own; {@link #prepare()}
 * uploads the rest and describes the files, the task's row count and the longest value of each
 * string column (the commit sizes a table it creates from them). An abort removes this attempt's
 * files and nothing else.
 */
final class RedshiftTaskWriter implements TaskWriter {
    private final S3Connection s3;
    private final S3Location folder;
    private final int task;
    private final int attempt;
    private final ExecutorService pool;
    private final StagingFiles staging;
    private boolean done;

    /** Stages through {@code s3}, which it closes when prepared or aborted. */
    RedshiftTaskWriter(S3Connection s3, S3Location folder, Schema schema, StagingFiles.Widths widths, ObjectOptions objects, int files,
                       int task, int attempt) {
        this.s3 = s3;
        this.folder = folder;
        this.task = task;
        this.attempt = attempt;
        this.pool = Transfers.pool("stageway-redshift-staging", RedshiftWrite.CONCURRENCY);
        try {
            this.staging = new StagingFiles(s3, folder, schema, widths, objects, files, RedshiftWrite.PART_SIZE, RedshiftWrite.CONCURRENCY,
                    pool);
        } catch (IOException | RuntimeException e) {
            pool.shutdownNow();
            s3.close();
            throw failure(e);
        }
    }

    @Override
    public void write(RecordBatch batch) {
        checkOpen();
        try {
            staging.write(batch);
        } catch (IOException | RuntimeException e) {
            abort(e);
            throw failure(e);
        }
    }

    @Override
    public CommitMessage prepare() {
        checkOpen();
        List<StagedFile> files;
        try {
            files = staging.publish();
        } catch (IOException | RuntimeException e) {
            abort(e);
            throw failure(e);
        }
        done = true;
        pool.shutdownNow();
        long stsCalls = s3.credentials().stsCalls();
        s3.close();
        Map<String, String> attributes = new HashMap<>();
        attributes.put("files", Integer.toString(files.size()));
        attributes.put("truncated", Long.toString(staging.truncated()));
        int[] longest = staging.maxStringBytes();
        for (int c = 0; c < longest.length; c++) {
            attributes.put("longest." + c, Integer.toString(longest[c]));
        }
        return new CommitMessage(task, attempt, new RunSummary(staging.rows(), 0, staging.bytes(), Map.of("files staged",
                (long) files.size(), "sts calls", stsCalls)), attributes, files.stream().map(f -> Map.of("url", f.url(), "bytes", Long.toString(f.bytes())))
                .toList());
    }

    @Override
    public void abort(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        try {
            staging.abort();
            staging.delete();
        } finally {
            pool.shutdownNow();
            s3.close();
        }
    }

    @Override
    public void close() {
        abort(null);
    }

    private StagewayException failure(Exception e) {
        return e instanceof StagewayException se ? se : new StagewayException(ErrorKind.STORAGE, false,
                "Cannot stage records in " + folder + ": " + e.getMessage(), e);
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the Redshift task writer is already prepared or aborted");
        }
    }
}
