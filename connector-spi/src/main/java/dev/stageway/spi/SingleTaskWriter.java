package dev.stageway.spi;

import java.util.List;
import java.util.Map;

/**
 * A write with one task, in one thread: records go to the task writer, and {@link #commit()}
 * prepares it and commits its message. For a host that needs no parallelism; closing it without
 * a commit aborts the write.
 */
public final class SingleTaskWriter implements AutoCloseable {
    private final TargetWrite write;
    private final TaskWriter task;

    private SingleTaskWriter(TargetWrite write) {
        this.write = write;
        try {
            this.task = write.writerFor(0, 0);
        } catch (RuntimeException e) {
            write.abort(e);
            throw e;
        }
    }

    public static SingleTaskWriter open(ConnectorFactory connector, RunContext context, Map<String, String> connection,
                                        Map<String, String> target, Schema schema) {
        RunContext oneTask = new RunContext(context.runId(), context.runtime(), 1);
        return new SingleTaskWriter(connector.openWrite(oneTask, connection, target, schema));
    }

    public void write(RecordBatch batch) {
        try {
            task.write(batch);
        } catch (RuntimeException e) {
            abort(e);
            throw e;
        }
    }

    /** Prepares the task and publishes what it staged. */
    public RunSummary commit() {
        CommitMessage message;
        try {
            message = task.prepare();
        } catch (RuntimeException e) {
            abort(e);
            throw e;
        }
        return write.commit(List.of(message));
    }

    public void abort(Throwable cause) {
        try {
            task.abort(cause);
        } finally {
            write.abort(cause);
        }
    }

    @Override
    public void close() {
        try {
            task.close();
        } finally {
            write.close();
        }
    }
}
