package dev.stageway.spi;

import java.util.List;

/**
 * The coordinator side of a two-phase write. Task writers ({@link #writerFor}) stage records and
 * describe what they staged in a {@link CommitMessage}; {@link #commit} then publishes, once,
 * exactly what the given messages describe, never what it finds in the staging area (where a
 * dead attempt may have left files). Until {@code commit} returns, the target is as it was.
 *
 * <p>A commit is idempotent per run id: a coordinator retried with the run id of a run that
 * already committed publishes nothing and says so ({@link RunSummary#ALREADY_COMMITTED}).
 * Thread-safe: task writers may be opened from several threads.
 */
public interface TargetWrite extends AutoCloseable {

    /**
     * A writer for one task's records. Each attempt of a task gets its own writer; only one
     * attempt's message may reach {@link #commit}.
     *
     * @param task    the task, from 0 to the run's {@link RunContext#tasks()} - 1
     * @param attempt the attempt of that task, from 0
     */
    TaskWriter writerFor(int task, int attempt);

    /**
     * Publishes what {@code messages} describe (one per task, from its committed attempt), in one
     * step where the target allows it, then removes everything staged for the write.
     *
     * @throws dev.stageway.error.StagewayException when publishing failed; the target is then unchanged
     */
    RunSummary commit(List<CommitMessage> messages);

    /** Gives up: nothing becomes visible, and everything any attempt staged is removed. */
    void abort(Throwable cause);

    /** Gives up without a cause to keep: {@link #abort(Throwable)} with none. */
    default void abort() {
        abort(null);
    }

    /** Aborts unless committed. */
    @Override
    void close();
}
