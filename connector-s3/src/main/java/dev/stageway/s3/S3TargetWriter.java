package dev.stageway.s3;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.S3Properties.Encryption;
import dev.stageway.s3.S3Properties.WriteMode;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.TargetWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Writes records as CSV (optionally gzip) objects under a folder, rolling over to numbered
 * objects by size or rows. Every object is uploaded while records arrive but becomes visible
 * only at {@link #commit()}; a failure or abort leaves no object and no multipart upload.
 */
public final class S3TargetWriter implements TargetWriter {
    private static final int TEXT_BUFFER = 64 * 1024;

    /** Everything a target needs from its properties. */
    record Options(S3Location location, ObjectNames names, boolean gzip, long partSize, int concurrency, long rolloverBytes,
                   long rolloverRows, WriteMode writeMode, Encryption encryption, Optional<String> kmsKeyId, CsvOptions csv) {
    }

    private final S3Connection connection;
    private final Options options;
    private final Schema schema;
    private final ExecutorService executor;
    /** Shared by the objects this writer rolls over to. */
    private final UploadMemory memory;
    private final List<PendingObject> pending = new ArrayList<>();

    private ObjectUpload upload;
    private GZIPOutputStream gzip;
    private CsvRowWriter printer;
    private int sequence;
    private long rowsInObject;
    private long rows;
    private long bytes;
    private boolean done;

    S3TargetWriter(S3Connection connection, Options options, Schema schema) {
        this.connection = connection;
        this.options = options;
        this.schema = schema;
        this.executor = Transfers.pool("stageway-s3-upload", options.concurrency());
        this.memory = new UploadMemory(options.concurrency(), options.partSize());
    }

    @Override
    public void write(RecordBatch batch) {
        checkOpen();
        if (!batch.schema().equals(schema)) {
            throw new StagewayException(ErrorKind.INTERNAL, "A batch's schema differs from the one the S3 writer was opened with");
        }
        String[] text = new String[schema.size()];
        try {
            for (Object[] row : batch.rows()) {
                if (printer == null) {
                    openObject();
                }
                long rowNumber = rows + 1;
                for (int c = 0; c < text.length; c++) {
                    text[c] = ValueText.format(row[c], schema.column(c), rowNumber);
                }
                printer.write(text);
                rows++;
                rowsInObject++;
                if (options.rolloverRows() > 0 && rowsInObject >= options.rolloverRows()
                        || options.rolloverBytes() > 0 && upload.bytes() >= options.rolloverBytes()) {
                    finishObject(false);
                }
            }
        } catch (IOException e) {
            throw failure(e);
        } catch (RuntimeException e) {
            abort(e);
            throw e;
        }
    }

    @Override
    public RunSummary commit() {
        checkOpen();
        List<PendingObject> committed = new ArrayList<>();
        try {
            if (printer != null || sequence == 0) {
                if (printer == null) {
                    openObject();   // no rows at all: still publish the (header-only) object
                }
                finishObject(true);
            }
            for (PendingObject p : pending) {
                p.commit();
                committed.add(p);
                bytes += p.bytes();
            }
        } catch (IOException | SdkException e) {
            // Objects already published by this commit are removed so the run leaves nothing half-written.
            pending.stream().filter(p -> !committed.contains(p)).forEach(PendingObject::abort);
            committed.forEach(p -> deleteQuietly(p.key()));
            release();
            if (e instanceof S3Exception s3 && s3.statusCode() == 412 && options.writeMode() == WriteMode.FAIL_IF_EXISTS) {
                String key = pending.stream().filter(p -> !committed.contains(p)).findFirst().map(PendingObject::key).orElse("");
                throw exists(options.location().bucket(), key);   // created meanwhile, or not visible to the early check
            }
            throw e instanceof SdkException sdk ? S3Failures.of(sdk, "publish objects in " + options.location(), connection)
                    : failure((IOException) e);
        }
        long stsCalls = connection.credentials().stsCalls();
        release();
        return new RunSummary(rows, 0, bytes, Map.of("objects", (long) committed.size(), "sts calls", stsCalls));
    }

    @Override
    public void abort(Throwable cause) {
        if (done) {
            return;
        }
        if (upload != null) {
            upload.abort();
        }
        pending.forEach(PendingObject::abort);
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
        String key = options.location().key(options.names().name(sequence));
        boolean onlyIfAbsent = options.writeMode() == WriteMode.FAIL_IF_EXISTS;
        if (onlyIfAbsent && exists(key).orElse(false)) {
            throw exists(options.location().bucket(), key);
        }
        upload = new ObjectUpload(connection.client(), options.location().bucket(), key,
                new ObjectOptions(options.encryption(), options.kmsKeyId(), onlyIfAbsent), options.partSize(), memory, executor);
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

    private void finishObject(boolean last) throws IOException {
        printer.flush();
        if (gzip != null) {
            gzip.finish();
        }
        pending.add(upload.finish(last));
        printer = null;
        gzip = null;
        upload = null;
    }

    /**
     * Whether the object exists, when S3 says: a caller without s3:ListBucket gets 403 for a
     * missing key, so cannot tell; the object is then published only if absent, which S3 decides.
     */
    private Optional<Boolean> exists(String key) {
        try {
            connection.client().headObject(b -> b.bucket(options.location().bucket()).key(key));
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
            throw S3Failures.of(e, "check whether s3://" + options.location().bucket() + "/" + key + " exists", connection);
        }
    }

    private static StagewayException exists(String bucket, String key) {
        return new StagewayException(ErrorKind.CONFIGURATION, "Cannot write s3://" + bucket + "/" + key
                + ": it exists and s3.write-mode is fail-if-exists; remove it or set s3.write-mode=overwrite");
    }

    private void deleteQuietly(String key) {
        try {
            connection.client().deleteObject(b -> b.bucket(options.location().bucket()).key(key));
        } catch (SdkException ignored) {
            // Best effort while failing: the commit's own error is what the user must see.
        }
    }

    private StagewayException failure(IOException e) {
        abort(e);
        Throwable cause = e.getCause();
        if (cause instanceof SdkException sdk) {
            return S3Failures.of(sdk, "write to " + options.location(), connection);
        }
        return new StagewayException(ErrorKind.STORAGE, false, "Cannot write to " + options.location() + ": " + e.getMessage(), e);
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the S3 writer is already committed or aborted");
        }
    }

    private void release() {
        done = true;
        executor.shutdownNow();
        connection.close();
    }
}
