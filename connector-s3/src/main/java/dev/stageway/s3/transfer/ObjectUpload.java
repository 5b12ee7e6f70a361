package dev.stageway.s3.transfer;

import dev.stageway.aws.Backoff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Streams bytes into one S3 object. Full parts are uploaded in parallel, as many at a time as
 * its {@link UploadMemory} allows, while more bytes arrive, so memory stays bounded whatever
 * the object's size. The multipart upload is created on the executor too, so the writer never
 * waits for S3 to answer it. Nothing is visible until the {@link PendingObject} that
 * {@link #finish} returns is committed (in this process), or the {@link StagedObject} that
 * {@link #stage} returns is completed (in any process); any failure, {@link #abort()}, or
 * closing it unfinished aborts the multipart upload so no parts stay behind.
 */
public final class ObjectUpload extends OutputStream {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectUpload.class);
    /** Aborts the SDK's own retries could not get through: a few more, further apart. */
    private static final Backoff ABORT = new Backoff(3, java.time.Duration.ofMillis(400), java.time.Duration.ofSeconds(2));

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final ObjectOptions options;
    private final long basePartSize;
    private final ExecutorService executor;
    private final UploadMemory memory;
    private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
    /** The part being filled: full chunks, then {@code chunk} with {@code chunkFilled} bytes. */
    private List<byte[]> chunks = new ArrayList<>();
    private byte[] chunk;
    private int chunkFilled;
    private long partFilled;
    private int nextPart = 1;
    private long bytes;
    /** The multipart upload's id, once the first full part asked for one; null before. */
    private CompletableFuture<String> created;
    private volatile Throwable failure;
    /** The multipart upload was completed: there is nothing left to abort. */
    private volatile boolean committed;
    /** Given up on: parts not yet sent are skipped. */
    private volatile boolean aborted;
    private boolean finished;

    /** @param memory shared by uploads that fill at the same time, so they keep one memory bound together */
    public ObjectUpload(S3Client s3, String bucket, String key, ObjectOptions options, long basePartSize, UploadMemory memory,
                        ExecutorService executor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.options = options;
        this.basePartSize = basePartSize;
        this.executor = executor;
        this.memory = memory;
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
            if (chunk == null || chunkFilled == chunk.length) {
                chunks.add(chunk = memory.chunk());
                chunkFilled = 0;
            }
            long partSize = S3Limits.partSize(basePartSize, nextPart);
            int n = (int) Math.min(Math.min(len, chunk.length - chunkFilled), partSize - partFilled);
            System.arraycopy(b, off, chunk, chunkFilled, n);
            chunkFilled += n;
            partFilled += n;
            off += n;
            len -= n;
            bytes += n;
            if (partFilled == partSize) {
                uploadPart();
            }
        }
    }

    /** The part filled so far, handed over: the writer starts a new one. */
    private Part takePart() {
        Part part = new Part(chunks, chunkFilled, partFilled);
        chunks = new ArrayList<>();
        chunk = null;
        chunkFilled = 0;
        partFilled = 0;
        return part;
    }

    /** A part's bytes: every chunk full but the last, which holds {@code lastLength}. */
    private record Part(List<byte[]> chunks, int lastLength, long length) {
        /** A body over the chunks themselves: the SDK re-reads it on retry, and no copy is made. */
        RequestBody body() {
            return RequestBody.fromContentProvider(() -> {
                List<InputStream> streams = new ArrayList<>(chunks.size());
                for (int i = 0; i < chunks.size(); i++) {
                    byte[] c = chunks.get(i);
                    streams.add(new ByteArrayInputStream(c, 0, i == chunks.size() - 1 ? lastLength : c.length));
                }
                return new SequenceInputStream(Collections.enumeration(streams));
            }, length, "application/octet-stream");
        }
    }

    /** Closing the stream never publishes the object ({@link #finish} or {@link #stage} do): unless finished, it aborts. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
    }

    /**
     * Uploads what remains and waits for every part.
     *
     * @param putWhenSinglePart when the whole object fits one part, keep it in memory and PutObject it
     *                          on commit instead of a one-part multipart upload
     */
    public PendingObject finish(boolean putWhenSinglePart) throws IOException {
        return await(finishing(putWhenSinglePart));
    }

    /**
     * {@link #finish} without waiting: sends what remains and returns at once, so several objects'
     * last parts go up together. When a part fails, the upload is aborted, and the failure is
     * thrown here or fails the future, as an {@link IOException}.
     */
    public CompletableFuture<PendingObject> finishing(boolean putWhenSinglePart) throws IOException {
        checkOpen();
        finished = true;
        if (created == null && putWhenSinglePart) {
            Part part = takePart();
            return CompletableFuture.completedFuture(new Pending(() -> put(part), () -> { }));
        }
        return uploadRest().thenApply(uploaded -> new Pending(() -> {
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploaded.id())
                    .multipartUpload(m -> m.parts(uploaded.parts())).ifNoneMatch(options.ifNoneMatch()));
            committed = true;
        }, this::abortUpload));
    }

    /**
     * Uploads what remains and waits for every part, leaving the multipart upload open: the object
     * is described by what this returns, and made visible (or removed) by whoever holds that, in
     * this process or another. An object of no bytes is not uploaded at all.
     */
    public StagedObject stage() throws IOException {
        checkOpen();
        finished = true;
        if (created == null && partFilled == 0) {
            return new StagedObject(bucket, key, java.util.Optional.empty(), List.of(), 0);
        }
        Uploaded uploaded = await(uploadRest());
        return new StagedObject(bucket, key, java.util.Optional.of(uploaded.id()), uploaded.parts(), bytes);
    }

    /** Every part of a multipart upload, in S3. */
    private record Uploaded(String id, List<CompletedPart> parts) {
    }

    /** Sends the last part; completes when every part is in S3, or fails (having aborted) with an {@link IOException}. */
    private CompletableFuture<Uploaded> uploadRest() throws IOException {
        try {
            if (partFilled > 0 || created == null) {
                uploadPart();
            }
        } catch (IOException e) {
            abort();
            throw e;
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((done, failed) -> {
            if (failed != null) {
                IOException e = new IOException("Cannot upload " + S3Location.url(bucket, key) + ": " + rootMessage(failed), root(failed));
                try {
                    abort();
                } catch (RuntimeException abortFailed) {
                    e.addSuppressed(abortFailed);   // the part's failure is what the caller must see
                }
                throw new CompletionException(e);
            }
            return new Uploaded(created.join(), parts.stream().map(CompletableFuture::join).toList());
        });
    }

    /** Waits for {@code future}; its {@link IOException} is thrown as itself. */
    private static <T> T await(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /**
     * Stops: parts not yet sent are skipped, parts being sent are waited for (a part that lands after
     * the abort would stay in S3, and its memory is still being read), then the multipart upload is
     * aborted (retrying the abort).
     */
    public void abort() {
        finished = true;
        aborted = true;
        chunks = List.of();
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
        if (created == null || committed) {
            return;   // nothing started, or the object is published: removing it is the caller's delete
        }
        String id;
        try {
            id = created.join();
        } catch (CompletionException | CancellationException e) {
            return;   // S3 never gave an id, so there is no upload to abort
        }
        abortUpload(s3, bucket, key, id);
    }

    /**
     * Aborts a multipart upload, retrying what may pass: its parts are billed until it is gone. An
     * upload S3 no longer has (404) is gone already; a refusal (403) will not change on retry.
     */
    static void abortUpload(S3Client s3, String bucket, String key, String uploadId) {
        for (int attempt = 1; ; attempt++) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                return;
            } catch (SdkException e) {
                int status = e instanceof AwsServiceException ase ? ase.statusCode() : 0;
                if (status == 404) {
                    LOG.debug("Multipart upload {} of s3://{}/{} was already gone", uploadId, bucket, key);
                    return;
                }
                if (status == 403 || !ABORT.another(attempt) || !ABORT.pause(attempt)) {
                    LOG.error("Could not abort multipart upload {} of s3://{}/{}; its parts stay until `stageway cleanup` or a "
                            + "bucket lifecycle rule removes them: {}", uploadId, bucket, key, e.getMessage());
                    return;
                }
            }
        }
    }

    private void uploadPart() throws IOException {
        if (failure != null) {
            throw new IOException("Cannot upload " + S3Location.url(bucket, key) + ": " + rootMessage(failure), failure);
        }
        if (created == null) {
            // Parts carry CRC32 checksums, so the upload must say so when it is created.
            CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32);
            options.encrypt(create::serverSideEncryption, create::ssekmsKeyId);
            created = CompletableFuture.supplyAsync(() -> s3.createMultipartUpload(create.build()).uploadId(), executor);
            created.whenComplete((id, t) -> {
                if (t != null && failure == null) {
                    failure = root(t);
                }
            });
        }
        int partNumber = nextPart++;
        Part data = takePart();
        try {
            memory.permits().acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + S3Location.url(bucket, key));
        }
        CompletableFuture<CompletedPart> part = created.thenApplyAsync(id -> {
            if (aborted) {
                throw new CancellationException("the upload of " + S3Location.url(bucket, key) + " was aborted");
            }
            var response = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(id).partNumber(partNumber)
                    .contentLength(data.length()).checksumAlgorithm(ChecksumAlgorithm.CRC32), data.body());
            return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                    .checksumCRC32(response.checksumCRC32()).build();
        }, executor);
        part.whenComplete((r, t) -> {
            memory.recycle(data.chunks());
            memory.permits().release();
            if (t != null && failure == null) {
                failure = root(t);
            }
        });
        parts.add(part);
    }

    private void put(Part part) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key).contentLength(part.length())
                .ifNoneMatch(options.ifNoneMatch());
        options.encrypt(put::serverSideEncryption, put::ssekmsKeyId);
        s3.putObject(put.build(), part.body());
    }

    private void checkOpen() throws IOException {
        if (finished) {
            throw new IOException(S3Location.url(bucket, key) + " is already finished or aborted");
        }
    }

    /** The failure itself, not the CompletionException around it: callers tell S3's refusals by their type. */
    private static Throwable root(Throwable t) {
        Throwable root = t;
        while (root instanceof CompletionException && root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /** The message of the failure itself, not of the CompletionException around it. */
    private static String rootMessage(Throwable t) {
        return String.valueOf(root(t).getMessage());
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
