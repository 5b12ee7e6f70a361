package dev.stageway.s3.transfer;

import dev.stageway.aws.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads one object as parallel ranged GETs, all pinned to the ETag seen when listing (If-Match),
 * so an object replaced mid-read fails instead of mixing versions. Ranges arrive in order;
 * at most {@code concurrency} are fetched ahead, so memory stays near part size x concurrency.
 */
public final class RangedDownload extends InputStream {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String eTag;
    private final long size;
    private final long partSize;
    private final int concurrency;
    private final ExecutorService executor;
    private final Deque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();

    private long nextOffset;
    private byte[] current = new byte[0];
    private int position;
    private volatile boolean closed;

    public RangedDownload(S3Client s3, String bucket, String key, String eTag, long size, long partSize, int concurrency,
                   ExecutorService executor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.eTag = eTag;
        this.size = size;
        this.partSize = partSize;
        this.concurrency = concurrency;
        this.executor = executor;
        fill();
    }

    private void fill() {
        while (!closed && ahead.size() < concurrency && nextOffset < size) {
            long start = nextOffset;
            long end = Math.min(size, start + partSize) - 1;
            nextOffset = end + 1;
            ahead.add(CompletableFuture.supplyAsync(() -> fetch(start, end), executor));
        }
    }

    /**
     * One range, read straight into an array of its size (no intermediate buffers). A body cut
     * short, which the SDK does not retry once it has handed it over, is fetched again after a
     * pause ({@link Backoff#S3_READ}).
     */
    private byte[] fetch(long start, long end) {
        byte[] data = new byte[(int) (end - start + 1)];
        for (int attempt = 1; ; attempt++) {
            IOException failure;
            try (var in = ChangedSinceListed.get(s3, bucket, key, eTag, "bytes=" + start + "-" + end)) {
                int n = in.readNBytes(data, 0, data.length);
                if (n == data.length) {
                    return data;
                }
                failure = new IOException("the range ended at byte " + (start + n) + ", expected " + (end + 1));
            } catch (IOException e) {
                failure = e;
            }
            if (closed || !Backoff.S3_READ.another(attempt) || !Backoff.S3_READ.pause(attempt)) {
                throw new java.io.UncheckedIOException("Cannot read " + S3Location.url(bucket, key) + " (bytes " + start + "-" + end
                        + ") after " + attempt + " attempts: " + failure.getMessage(), failure);
            }
        }
    }

    private boolean advance() throws IOException {
        while (position == current.length) {
            CompletableFuture<byte[]> next = ahead.poll();
            if (next == null) {
                return false;
            }
            try {
                current = next.join();
            } catch (CompletionException | CancellationException e) {
                close();
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(cause);
            }
            position = 0;
            fill();
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!advance()) {
            return -1;
        }
        return current[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!advance()) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        ahead.forEach(f -> f.cancel(false));
        ahead.clear();
    }
}
