package dev.stageway.s3.transfer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A reader's objects, opened one after the other in key order, with the small ones ahead already
 * being fetched whole in parallel. S3 answers each request after tens of milliseconds, so a folder
 * of small objects read one at a time waits on latency rather than bandwidth.
 *
 * <p>Memory stays bounded as a ranged download's does: only objects of at most one part are
 * fetched ahead, at most {@code concurrency} at once, and those waiting to be read hold at most
 * part size x concurrency bytes. A larger object is read when its turn comes (as one GET, or as
 * ranged GETs above the download threshold), and nothing past it is fetched before then, nor while
 * its ranged GETs run. Every read is pinned to the ETag the object was listed with.
 */
final class ObjectPrefetch implements AutoCloseable {
    /** How many objects may wait ahead per fetch in flight: enough to keep fetching while the reader parses. */
    private static final int WINDOW_PER_FETCH = 4;

    private final S3Client s3;
    private final String bucket;
    private final long partSize;
    private final long downloadThreshold;
    private final int concurrency;
    private final ExecutorService executor;
    private final Iterator<ObjectRef> objects;
    /** Each object is read head first ({@link HeadFirstGet}) and none fetched ahead: for a reader that wants the start only. */
    private final boolean headFirst;
    private final Deque<Ahead> ahead = new ArrayDeque<>();
    private long aheadBytes;
    /** The next object not yet fetched: too large to fetch ahead, or waiting for room. */
    private ObjectRef waiting;
    private Ahead current;
    private boolean closed;

    private record Ahead(ObjectRef object, CompletableFuture<byte[]> body) {
    }

    ObjectPrefetch(S3Client s3, String bucket, long partSize, long downloadThreshold, int concurrency, ExecutorService executor,
                   Iterator<ObjectRef> objects, boolean headFirst) {
        this.s3 = s3;
        this.headFirst = headFirst;
        this.bucket = bucket;
        this.partSize = partSize;
        this.downloadThreshold = downloadThreshold;
        this.concurrency = concurrency;
        this.executor = executor;
        this.objects = objects;
    }

    boolean hasNext() {
        return !ahead.isEmpty() || waiting != null || objects.hasNext();
    }

    /** Moves on to the next object; {@link #open()} reads it. */
    ObjectRef next() {
        current = null;   // the object read so far is done with, and its ranged GETs with it
        fill();
        if (!ahead.isEmpty()) {
            current = ahead.poll();
            aheadBytes -= current.object().size();
        } else {
            current = new Ahead(waiting, null);
            waiting = null;
        }
        fill();
        return current.object();
    }

    /** The current object's bytes: fetched ahead, or read now. */
    InputStream open() throws IOException {
        ObjectRef o = current.object();
        if (current.body() != null) {
            return new ByteArrayInputStream(await(current.body()));
        }
        if (headFirst) {
            return new HeadFirstGet(s3, bucket, o);
        }
        return o.size() > downloadThreshold
                ? new RangedDownload(s3, bucket, o.key(), o.eTag(), o.size(), partSize, concurrency, executor)
                : new ResumableGet(s3, bucket, o.key(), o.eTag(), o.size());
    }

    private void fill() {
        if (current != null && current.body() == null && current.object().size() > downloadThreshold) {
            return;   // its ranged GETs have the memory and the threads until the next object
        }
        while (!closed && ahead.size() < concurrency * WINDOW_PER_FETCH) {
            if (waiting == null) {
                if (!objects.hasNext()) {
                    return;
                }
                waiting = objects.next();
            }
            ObjectRef o = waiting;
            boolean small = !headFirst && o.size() <= Math.min(partSize, downloadThreshold);
            if (!small || aheadBytes + o.size() > partSize * concurrency) {
                return;
            }
            waiting = null;
            aheadBytes += o.size();
            ahead.add(new Ahead(o, CompletableFuture.supplyAsync(() -> fetch(o), executor)));
        }
    }

    /** One whole object, resumed where it was cut as every single GET is. */
    private byte[] fetch(ObjectRef o) {
        byte[] data = new byte[(int) o.size()];
        try (ResumableGet in = new ResumableGet(s3, bucket, o.key(), o.eTag(), o.size())) {
            in.readNBytes(data, 0, data.length);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fetch's bytes, or its own failure (an SDK exception, or the I/O error). */
    private static byte[] await(CompletableFuture<byte[]> body) throws IOException {
        try {
            return body.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    @Override
    public void close() {
        closed = true;
        ahead.forEach(a -> a.body().cancel(false));
        ahead.clear();
    }
}
