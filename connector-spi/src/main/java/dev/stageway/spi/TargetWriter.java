package dev.stageway.spi;

/**
 * Writes records to a target. Nothing is visible at the target until {@link #commit()}
 * returns; a failed commit, {@link #abort}, or {@link #close()} without commit leave the
 * target as it was and remove what was staged (unless the configuration keeps it on failure).
 * Not thread-safe: one host thread calls it.
 */
public interface TargetWriter extends AutoCloseable {

    /** Writes a batch whose schema is the one the writer was opened with. */
    void write(RecordBatch batch);

    /** Makes everything written visible at the target, at once where the target allows it. */
    RunSummary commit();

    /** Gives up: nothing written becomes visible. {@code cause} is kept for the report. */
    void abort(Throwable cause);

    /** Aborts unless committed. */
    @Override
    void close();
}
