package dev.stageway.s3.transfer;

/** S3's limits on multipart uploads, with where they come from. */
public final class S3Limits {
    private S3Limits() {
    }

    /** Every part but the last must be at least 5 MiB (S3 multipart upload limits). */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** A part may be at most 5 GiB. */
    static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    /** An upload has at most 10,000 parts. */
    public static final int MAX_PARTS = 10_000;
    /** Parts are held in a byte array, so we stop growing them at 1 GiB (S3 would take 5 GiB). */
    public static final long MAX_BUFFERED_PART_SIZE = 1L << 30;
    /**
     * Part sizes double every this many parts, so 10,000 parts hold over 3 TiB from the 5 MiB
     * minimum (about 4 TiB from the 8 MiB default), with no part over {@link #MAX_BUFFERED_PART_SIZE}.
     */
    static final int PARTS_PER_SIZE_STEP = 1_000;

    /**
     * The size of part {@code partNumber} (from 1) when the first ones are {@code base}: doubled every
     * {@link #PARTS_PER_SIZE_STEP} parts, capped at {@link #MAX_BUFFERED_PART_SIZE}. The object's size
     * is unknown while it streams, so growing is how it stays within {@link #MAX_PARTS}.
     */
    public static int partSize(long base, int partNumber) {
        int doublings = Math.min(30, (partNumber - 1) / PARTS_PER_SIZE_STEP);
        return (int) Math.min(MAX_BUFFERED_PART_SIZE, base << doublings);
    }
}
