package dev.stageway.s3.transfer;

import dev.stageway.aws.Backoff;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One object, or one range of it, read with a single GET pinned to the ETag seen when listing
 * (If-Match). When the connection fails part-way through the body, which the SDK cannot retry
 * once it has handed the body over, the read resumes where it stopped with a ranged GET, still
 * pinned, after a pause ({@link Backoff#S3_READ}): a cut connection costs a retry, not the run.
 */
final class ResumableGet extends InputStream {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String eTag;
    /** Where the read ends: the object's size, or the end of its range. */
    private final long size;
    private final byte[] one = new byte[1];
    private ResponseInputStream<GetObjectResponse> in;
    private long position;
    /** Attempts since the body last moved on: each cut gets the full budget. */
    private int attempt = 1;

    ResumableGet(S3Client s3, String bucket, String key, String eTag, long size) {
        this(s3, bucket, key, eTag, 0, size, null);
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of the object. */
    ResumableGet(S3Client s3, String bucket, String key, String eTag, long from, long to) {
        this(s3, bucket, key, eTag, from, to, "bytes=" + from + "-" + (to - 1));
    }

    private ResumableGet(S3Client s3, String bucket, String key, String eTag, long from, long to, String range) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.eTag = eTag;
        this.size = to;
        this.position = from;
        this.in = ChangedSinceListed.get(s3, bucket, key, eTag, range);
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            try {
                int n = in.read(b, off, len);
                if (n < 0 && position < size) {
                    throw new EOFException("the body ended at byte " + position + " of " + size);
                }
                if (n > 0) {
                    position += n;
                    attempt = 1;
                }
                return n;
            } catch (IOException e) {
                if (position >= size) {
                    return -1;   // every byte arrived; only the end of the answer was lost
                }
                if (!Backoff.S3_READ.another(attempt) || !Backoff.S3_READ.pause(attempt)) {
                    throw new IOException("Cannot read " + S3Location.url(bucket, key) + " past byte " + position + " after " + attempt
                            + " attempts: " + e.getMessage(), e);
                }
                attempt++;
                in.abort();
                long from = position;
                in = ChangedSinceListed.get(s3, bucket, key, eTag, "bytes=" + from + "-" + (size - 1));
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (position < size) {
            in.abort();   // not worth draining what will not be read
        }
        in.close();
    }
}
