package dev.stageway.spi;

/**
 * Writes one task's records to the staging side of a {@link TargetWrite}. Nothing it writes is
 * visible at the target until the coordinator commits its message. Not thread-safe: one thread
 * calls it.
 */
public interface TaskWriter extends AutoCloseable {

    /** Writes a batch whose schema is the write's. */
    void write(RecordBatch batch);

    /** Finishes staging and describes exactly what was staged, for the coordinator's commit. */
    CommitMessage prepare();

    /** Gives up this attempt: removes only what it staged. {@code cause} is kept for logs. */
    void abort(Throwable cause);

    /** Gives up without a cause to keep: {@link #abort(Throwable)} with none. */
    default void abort() {
        abort(null);
    }

    /** Aborts unless prepared. */
    @Override
    void close();
}
