package dev.stageway.s3.transfer;

/** Whether objects are gzip: always, never, or when the name ends in {@code .gz}. */
public enum Compression {
    NONE, GZIP, AUTO;

    public boolean gzip(String key) {
        return this == GZIP || this == AUTO && key.endsWith(".gz");
    }
}
