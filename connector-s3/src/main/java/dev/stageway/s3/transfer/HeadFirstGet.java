package dev.stageway.s3.transfer;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An object read from its start in two GETs, both pinned to its ETag: its first {@value #HEAD}
 * bytes, then the rest only if the reader goes on. Reading a header line so costs one small
 * request, however large the object.
 */
final class HeadFirstGet extends InputStream {
    /** Enough for a header line and the reader's buffers, however they read ahead. */
    static final int HEAD = 64 * 1024;

    private final S3Client s3;
    private final ObjectRef object;
    private final String bucket;
    private InputStream current;
    private boolean rest;
    private final byte[] one = new byte[1];

    HeadFirstGet(S3Client s3, String bucket, ObjectRef object) {
        this.s3 = s3;
        this.bucket = bucket;
        this.object = object;
        this.current = object.size() == 0 ? InputStream.nullInputStream()
                : new ResumableGet(s3, bucket, object.key(), object.eTag(), 0, Math.min(HEAD, object.size()));
        this.rest = object.size() <= HEAD;
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
            current = new ResumableGet(s3, bucket, object.key(), object.eTag(), HEAD, object.size());
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
