package dev.stageway.spi;

import java.util.Optional;

/**
 * Reads the records of one {@link Split}, batch by batch. Not thread-safe: one host thread calls
 * it. Closing it before the end cancels the read and releases its resources.
 */
public interface SourceReader extends AutoCloseable {

    /** The schema of every batch: the plan's. */
    Schema schema();

    /** The next batch, or empty at the end. */
    Optional<RecordBatch> next();

    /** What was read so far. */
    RunSummary summary();

    @Override
    void close();
}
