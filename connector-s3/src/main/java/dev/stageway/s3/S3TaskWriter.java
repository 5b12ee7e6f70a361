package dev.stageway.s3;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.S3Connection;
import dev.stageway.csv.CsvRowWriter;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.transfer.ObjectUpload;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.StagedObject;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.s3.transfer.UploadMemory;
import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TaskWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes one task's records as CSV (optionally gzip) objects under a folder, rolling over to
 * numbered objects by size or rows. Every object is uploaded while records arrive and left as
 * an open multipart upload by {@link #prepare()}, which describes them; the coordinator's commit
 * makes them visible. A failure or abort leaves no object and no multipart upload.
 */
final class S3TaskWriter implements TaskWriter {
    private static final int TEXT_BUFFER = 64 * 1024;

    private final S3Connection connection;
    private final S3Target options;
    private final ObjectNames names;
    private final int task;
    private final int attempt;
    /** Told of what {@link #prepare()} staged, so the coordinator can remove it if the run is given up. */
    private final Consumer<CommitMessage> prepared;
    private final Schema schema;
    private final ExecutorService executor;
    /** Shared by the objects this writer rolls over to. */
    private final UploadMemory memory;
    private final List<StagedObject> staged = new ArrayList<>();

    private ObjectUpload upload;
    private GZIPOutputStream gzip;
    private CsvRowWriter printer;
    private int sequence;
    private long rowsInObject;
    private long rows;
    private boolean done;

    S3TaskWriter(S3Connection connection, S3Target options, ObjectNames names, Schema schema, int task, int attempt,
                 Consumer<CommitMessage> prepared) {
        this.connection = connection;
        this.options = options;
        this.names = names;
        this.schema = schema;
        this.task = task;
        this.attempt = attempt;
        this.prepared = prepared;
        this.executor = Transfers.pool("stageway-s3-upload", options.concurrency());
        this.memory = new UploadMemory(options.concurrency(), options.partSize());
    }

    @Override
    public void write(RecordBatch batch) {
        checkOpen();
        if (!batch.schema().equals(schema)) {
            throw new StagewayException(ErrorKind.INTERNAL, "A batch's schema differs from the one the S3 writer was opened with");
        }
        try {
            for (Object[] row : batch.rows()) {
                if (printer == null) {
                    openObject();
                }
                printer.write(row, schema, rows + 1, null);
                rows++;
                rowsInObject++;
                if (options.rolloverRows() > 0 && rowsInObject >= options.rolloverRows()
                        || options.rolloverBytes() > 0 && upload.bytes() >= options.rolloverBytes()) {
                    finishObject();
                }
            }
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public CommitMessage prepare() {
        checkOpen();
        try {
            if (printer != null || sequence == 0) {
                if (printer == null) {
                    openObject();   // no rows at all: still publish the (header-only) object
                }
                finishObject();
            }
        } catch (IOException | RuntimeException e) {
            throw failed(e);
        }
        long bytes = staged.stream().mapToLong(StagedObject::bytes).sum();
        CommitMessage message = new CommitMessage(task, attempt, new RunSummary(rows, 0, bytes,
                Map.of("objects", (long) staged.size(), "sts calls", connection.credentials().stsCalls())), Map.of(),
                staged.stream().map(StagedObject::toItem).toList());
        prepared.accept(message);
        release();
        return message;
    }

    @Override
    public void abort(Throwable cause) {
        if (done) {
            return;
        }
        if (upload != null) {
            upload.abort();
        }
        staged.forEach(o -> o.abort(connection.client()));
        release();
    }

    @Override
    public void close() {
        if (!done) {
            abort(null);
        }
    }

    private void openObject() throws IOException {
        sequence++;
        String key = options.location().key(names.name(sequence));
        if (options.failIfExists() && exists(connection, options.location().bucket(), key).orElse(false)) {
            throw exists(options.location().bucket(), key);
        }
        upload = new ObjectUpload(connection.client(), options.location().bucket(), key, options.objects(), options.partSize(),
                memory, executor);
        OutputStream out = upload;
        if (options.gzip()) {
            gzip = new GZIPOutputStream(upload, TEXT_BUFFER);
            out = gzip;
        }
        printer = options.csv().writer(out);
        if (options.csv().header()) {
            printer.write(schema.columns().stream().map(c -> c.name()).toArray(String[]::new));
        }
        rowsInObject = 0;
    }

    private void finishObject() throws IOException {
        printer.flush();
        if (gzip != null) {
            gzip.finish();
        }
        staged.add(upload.stage());
        printer = null;
        gzip = null;
        upload = null;
    }

    /**
     * Whether the object exists, when S3 says: a caller without s3:ListBucket gets 403 for a
     * missing key, so cannot tell; the object is then published only if absent, which S3 decides.
     */
    static Optional<Boolean> exists(S3Connection connection, String bucket, String key) {
        try {
            connection.client().headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(true);
        } catch (NoSuchKeyException e) {
            return Optional.of(false);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.of(false);
            }
            if (e.statusCode() == 403) {
                return Optional.empty();
            }
            throw AwsFailures.s3(e, "check whether " + S3Location.url(bucket, key) + " exists", connection);
        }
    }

    static StagewayException exists(String bucket, String key) {
        return new StagewayException(ErrorKind.CONFIGURATION, "Cannot write " + S3Location.url(bucket, key)
                + ": it exists and s3.write-mode is fail-if-exists; remove it or set s3.write-mode=overwrite");
    }

    /** Gives up after {@code e}; returns it as the error to throw, naming the folder and, for S3's refusals, the identity. */
    private RuntimeException failed(Exception e) {
        Throwable cause = e instanceof IOException && e.getCause() != null ? e.getCause() : e;
        RuntimeException failure = cause instanceof SdkException sdk ? AwsFailures.s3(sdk, "write to " + options.location(), connection)
                : e instanceof RuntimeException re ? re
                : new StagewayException(ErrorKind.STORAGE, false, "Cannot write to " + options.location() + ": " + e.getMessage(), e);
        abort(e);
        return failure;
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the S3 task writer is already prepared or aborted");
        }
    }

    private void release() {
        done = true;
        executor.shutdownNow();
        connection.close();
    }
}
