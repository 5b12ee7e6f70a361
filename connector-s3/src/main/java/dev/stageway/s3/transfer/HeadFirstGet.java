package dev.stageway.s3.transfer;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An object read from its start in two GETs, both pinned to its ETag: its first bytes (the head),
 * then the rest only if the reader goes on. Reading a header line so costs one small request,
 * however large the object.
 */
final class HeadFirstGet extends InputStream {
    /** Enough for a header line of any width a source is likely to have, and the reader's buffers. */
    static final int HEAD = 64 * 1024;

    private final S3Client s3;
    private final ObjectRef object;
    private final String bucket;
    private final long head;
    private InputStream current;
    private boolean rest;
    private final byte[] one = new byte[1];

    HeadFirstGet(S3Client s3, String bucket, ObjectRef object, int head) {
        this.s3 = s3;
        this.bucket = bucket;
        this.object = object;
        this.head = Math.min(head, object.size());
        this.current = object.size() == 0 ? InputStream.nullInputStream()
                : new ResumableGet(s3, bucket, object.key(), object.eTag(), 0, this.head);
        this.rest = object.size() <= head;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = current.read(b, off, len);
        if (n < 0 && !rest) {
            current.close();
            current = new ResumableGet(s3, bucket, object.key(), object.eTag(), head, object.size());
            rest = true;
            n = current.read(b, off, len);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
