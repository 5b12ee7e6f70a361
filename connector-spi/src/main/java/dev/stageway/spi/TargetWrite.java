package dev.stageway.spi;

import java.util.List;
import java.util.Map;

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

    /**
     * The direct path this write can take {@code objects} by, moving no bytes through the host
     * ({@code direct-load}, {@code server-side-copy}), publishing what the streamed path would; or
     * why it cannot (a property turns it off, the format differs, ...). Reads no rows; it may read
     * a few bytes of each object where what it would take them by skips them unread (a header).
     *
     * @param sourceConnection the source's connection properties, which a host passes only to a
     *                         target of the same plugin: the identity that reads the objects on a
     *                         direct path, compared with or used by the target, never shown
     */
    default Direct<String> directPath(StoredObjects objects, Map<String, String> sourceConnection) {
        return Direct.refused("the target takes records only");
    }

    /**
     * Publishes {@code objects} by the path {@link #directPath} offered, instead of task writers and
     * {@link #commit}: in one step, with the same guarantees; the target is unchanged when it fails.
     */
    default RunSummary commitDirect(StoredObjects objects, Map<String, String> sourceConnection) {
        throw new UnsupportedOperationException("this target offers no direct path");
    }

    /**
     * What a task writer in another process needs of this write to stage for it, through
     * {@link ConnectorFactory#openTaskWriter}: JDK types only, so a host can ship it with its
     * tasks. Holds no secret: the task's side has the connection's properties of its own.
     *
     * @throws UnsupportedOperationException when the target's tasks must run in the coordinator's process
     */
    default Map<String, String> taskPlan() {
        throw new UnsupportedOperationException("this target's task writers run only in the coordinator's process");
    }

    /** Gives up: nothing becomes visible, and everything any attempt staged is removed. */
    void abort(Throwable cause);

    /**
     * Gives up as {@link #abort(Throwable)} does, also removing what {@code prepared} describes:
     * messages of task writers opened in other processes ({@link ConnectorFactory#openTaskWriter}),
     * which this coordinator never saw.
     */
    default void abort(Throwable cause, List<CommitMessage> prepared) {
        abort(cause);
    }

    /** Gives up without a cause to keep: {@link #abort(Throwable)} with none. */
    default void abort() {
        abort(null);
    }

    /** Aborts unless committed. */
    @Override
    void close();
}
