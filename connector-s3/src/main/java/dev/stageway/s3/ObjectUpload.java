package dev.stageway.s3;

import dev.stageway.s3.S3Properties.Encryption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Streams bytes into one S3 object. Full parts are uploaded in parallel, as many at a time as
 * the permits allow, while more bytes arrive, so memory stays near part size x (permits + 1)
 * whatever the object's size (part size x (permits + uploads) when uploads share permits). Nothing is visible until the
 * {@link PendingObject} that {@link #finish} returns is committed; any failure, or
 * {@link #abort()}, aborts the multipart upload so no parts stay behind.
 */
public final class ObjectUpload extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectUpload.class);
    private static final int ABORT_ATTEMPTS = 3;
    private static final int FIRST_BUFFER = 256 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final Encryption encryption;
    private final Optional<String> kmsKeyId;
    private final long basePartSize;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
    /**
     * Part buffers whose upload has finished, for the next parts: allocating (and zeroing) a fresh
     * multi-MiB array per part costs as much CPU as the copy into it, and churns the heap.
     */
    private final Queue<byte[]> spare = new ConcurrentLinkedQueue<>();

    private byte[] buffer;
    private int filled;
    private int nextPart = 1;
    private long bytes;
    private String uploadId;
    private volatile Throwable failure;
    private boolean finished;

    /**
     * @param permits parts that may be in flight at once; shared by uploads that fill at the same
     *                time (a load's staged files), so they keep one memory bound together
     */
    public ObjectUpload(S3Client s3, String bucket, String key, Encryption encryption, Optional<String> kmsKeyId, long basePartSize,
                        Semaphore permits, ExecutorService executor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.encryption = encryption;
        this.kmsKeyId = kmsKeyId;
        this.basePartSize = basePartSize;
        this.executor = executor;
        this.inFlight = permits;
        // Small at first, grown up to a part: most objects (and most staged files) are far smaller than a part.
        this.buffer = new byte[Math.min(FIRST_BUFFER, S3Limits.partSize(basePartSize, 1))];
    }

    public String key() {
        return key;
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        while (len > 0) {
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            bytes += n;
            if (filled == buffer.length && buffer.length < S3Limits.partSize(basePartSize, nextPart)) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(4L * buffer.length, S3Limits.partSize(basePartSize, nextPart)));
            } else if (filled == buffer.length) {
                uploadBuffer();
                buffer = nextBuffer(S3Limits.partSize(basePartSize, nextPart));
                filled = 0;
            }
        }
    }

    /** A spare buffer of {@code size} bytes if one is free, else a new one (part sizes grow after 1,000 parts). */
    private byte[] nextBuffer(int size) {
        byte[] b;
        while ((b = spare.poll()) != null) {
            if (b.length == size) {
                return b;
            }
        }
        return new byte[size];
    }

    /** Closing the stream does not publish the object: {@link #finish} does, or {@link #abort()}. */
    @Override
    public void close() {
    }

    /**
     * Uploads what remains and waits for every part.
     *
     * @param putWhenSinglePart when the whole object fits one part, keep it in memory and PutObject it
     *                          on commit instead of a one-part multipart upload
     */
    public PendingObject finish(boolean putWhenSinglePart) throws IOException {
        checkOpen();
        finished = true;
        if (uploadId == null && putWhenSinglePart) {
            byte[] data = buffer;
            int length = filled;
            buffer = null;
            return new Pending(() -> put(data, length), () -> { });
        }
        uploadBuffer();
        buffer = null;
        List<CompletedPart> completed = new ArrayList<>();
        try {
            for (CompletableFuture<CompletedPart> part : parts) {
                completed.add(part.join());
            }
        } catch (CompletionException | CancellationException e) {
            abort();
            throw new IOException("Cannot upload s3://" + bucket + "/" + key + ": " + rootMessage(e), e.getCause() != null ? e.getCause() : e);
        }
        String id = uploadId;
        return new Pending(() -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id)
                .multipartUpload(m -> m.parts(completed))), this::abortUpload);
    }

    /** Stops: cancels parts not yet sent and aborts the multipart upload (retrying the abort). */
    public void abort() {
        finished = true;
        buffer = null;
        parts.forEach(p -> p.cancel(false));
        for (CompletableFuture<CompletedPart> p : parts) {
            try {
                p.join();
            } catch (RuntimeException ignored) {
                // We are giving up on this object: the part's own failure is already known.
            }
        }
        abortUpload();
    }

    private void abortUpload() {
        if (uploadId == null) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                return;
            } catch (SdkException e) {
                if (attempt == ABORT_ATTEMPTS) {
                    LOG.error("Could not abort multipart upload {} of s3://{}/{} after {} attempts; its parts stay until a "
                            + "bucket lifecycle rule removes them: {}", uploadId, bucket, key, attempt, e.getMessage());
                    return;
                }
                sleepQuietly(200L << attempt);
            }
        }
    }

    private void uploadBuffer() throws IOException {
        if (failure != null) {
            throw new IOException("Cannot upload s3://" + bucket + "/" + key + ": " + rootMessage(failure), failure);
        }
        if (uploadId == null) {
            // Parts carry CRC32 checksums, so the upload must say so when it is created.
            CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32);
            encrypt(create::serverSideEncryption, create::ssekmsKeyId);
            uploadId = s3.createMultipartUpload(create.build()).uploadId();
        }
        int partNumber = nextPart++;
        byte[] data = buffer;
        int length = filled;
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading s3://" + bucket + "/" + key);
        }
        String id = uploadId;
        CompletableFuture<CompletedPart> part = CompletableFuture.supplyAsync(() -> {
            var response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(partNumber)
                    .contentLength((long) length).checksumAlgorithm(ChecksumAlgorithm.CRC32), body(data, length));
            return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                    .checksumCRC32(response.checksumCRC32()).build();
        }, executor);
        part.whenComplete((r, t) -> {
            spare.offer(data);
            inFlight.release();
            if (t != null && failure == null) {
                failure = t;
            }
        });
        parts.add(part);
    }

    private void put(byte[] data, int length) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key).contentLength((long) length);
        encrypt(put::serverSideEncryption, put::ssekmsKeyId);
        s3.putObject(put.build(), body(data, length));
    }

    private void encrypt(java.util.function.Consumer<ServerSideEncryption> sse, java.util.function.Consumer<String> kms) {
        switch (encryption) {
            case SSE_S3 -> sse.accept(ServerSideEncryption.AES256);
            case SSE_KMS -> {
                sse.accept(ServerSideEncryption.AWS_KMS);
                kmsKeyId.ifPresent(kms);
            }
            default -> { }
        }
    }

    /** A body over the array itself: the SDK re-reads it on retry, and no copy is made. */
    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
    }

    private void checkOpen() throws IOException {
        if (finished) {
            throw new IOException("s3://" + bucket + "/" + key + " is already finished or aborted");
        }
    }

    /** The message of the failure itself, not of the CompletionException around it. */
    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root instanceof CompletionException && root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Pending implements PendingObject {
        private final Runnable commit;
        private final Runnable abort;

        Pending(Runnable commit, Runnable abort) {
            this.commit = commit;
            this.abort = abort;
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public long bytes() {
            return bytes;
        }

        @Override
        public void commit() {
            commit.run();
        }

        @Override
        public void abort() {
            abort.run();
        }
    }
}
