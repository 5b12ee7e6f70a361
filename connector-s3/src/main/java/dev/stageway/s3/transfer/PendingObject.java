package dev.stageway.s3.transfer;

/** An object whose bytes are all in S3 but which is not visible yet; {@link #commit()} makes it so. */
public interface PendingObject {
    String key();

    long bytes();

    /** Makes the object visible (CompleteMultipartUpload or PutObject). */
    void commit();

    /** Removes whatever was uploaded; the object never appears. */
    void abort();
}
