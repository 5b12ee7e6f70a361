package dev.stageway.s3;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.StagedObject;
import dev.stageway.s3.transfer.StoredObjectChecks;
import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.Direct;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.StoredObjects;
import dev.stageway.spi.TargetWrite;
import dev.stageway.spi.TaskWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The coordinator of an S3 target: task writers leave their objects as open multipart uploads;
 * the commit completes exactly those of the messages it is given, in task order, and aborts the
 * uploads of attempts that lost. If a completion fails, the objects this commit already published
 * are deleted, so the folder is as it was (for objects that replaced others, as S3 allows: the
 * old version is gone).
 */
final class S3Write implements TargetWrite {
    private final RunContext context;
    private final AwsSettings settings;
    /** The connection's properties: a direct path compares them with the source's. */
    private final Map<String, String> connectionProperties;
    private final S3Target options;
    private final Schema schema;
    private final S3Connection connection;
    /** Every message a task writer of this write prepared, winning or not: what an abort removes. */
    private final List<CommitMessage> prepared = new ArrayList<>();
    private final List<TaskWriter> writers = new ArrayList<>();
    private volatile boolean done;

    S3Write(RunContext context, AwsSettings settings, Map<String, String> connectionProperties, S3Target options, Schema schema) {
        this.context = context;
        this.settings = settings;
        this.connectionProperties = Map.copyOf(connectionProperties);
        this.options = options;
        this.schema = schema;
        this.connection = S3Connection.open(context, settings, options.concurrency());
    }

    @Override
    public synchronized TaskWriter writerFor(int task, int attempt) {
        checkOpen();
        TaskWriter writer = taskWriter(context, settings, options, schema, task, attempt, this::prepared);
        writers.add(writer);
        return writer;
    }

    /** A task attempt's writer, here or in another process; {@code prepared} hears of its message. */
    static TaskWriter taskWriter(RunContext context, AwsSettings settings, S3Target options, Schema schema, int task, int attempt,
                                 Consumer<CommitMessage> prepared) {
        ObjectNames names = context.tasks() > 1 ? options.names().forTask(task) : options.names();
        return new S3TaskWriter(S3Connection.open(context, settings, options.concurrency()), options, names, schema, task, attempt,
                prepared);
    }

    /** Nothing: a task's object names follow from the target's properties and the run's task count. */
    @Override
    public Map<String, String> taskPlan() {
        return Map.of();
    }

    /** A task's message: kept for an abort; one prepared after the write ended is not published, so its objects go now. */
    private synchronized void prepared(CommitMessage message) {
        if (done) {
            objects(List.of(message)).forEach(o -> o.abort(connection.client()));
            throw new IllegalStateException("task " + message.task() + " prepared after the S3 write was committed or aborted");
        }
        prepared.add(message);
    }

    private static List<StagedObject> objects(List<CommitMessage> messages) {
        return messages.stream().flatMap(m -> m.items().stream()).map(StagedObject::fromItem).toList();
    }

    @Override
    public synchronized RunSummary commit(List<CommitMessage> messages) {
        checkOpen();
        done = true;
        // Writers that never prepared (given up by the host, or still running) have nothing to publish: their uploads go.
        writers.forEach(w -> w.abort(null));
        List<CommitMessage> ordered = messages.stream().sorted(Comparator.comparingInt(CommitMessage::task)).toList();
        List<StagedObject> objects;
        try {
            CommitMessage.checkOneAttemptPerTask(ordered);
            objects = objects(ordered);
        } catch (RuntimeException e) {
            objects(messages).forEach(o -> o.abort(connection.client()));
            abortLosers(messages);
            connection.close();
            throw e;
        }
        try {
            publish(connection, options, objects, "publish objects in " + options.location());
        } catch (RuntimeException e) {
            abortLosers(messages);
            connection.close();
            throw e;
        }
        abortLosers(messages);
        RunSummary total = ordered.stream().map(CommitMessage::summary).reduce(RunSummary.EMPTY, RunSummary::plus);
        long stsCalls = total.details().getOrDefault("sts calls", 0L) + connection.credentials().stsCalls();
        connection.close();
        return new RunSummary(total.rows(), 0, total.bytes(), Map.of("objects", (long) objects.size(), "tasks",
                (long) messages.size(), "sts calls", stsCalls));
    }

    /** A server-side copy where {@link ServerSideCopy#offer} allows one and objects put one after another keep their lines. */
    @Override
    public Direct<String> directPath(StoredObjects objects, Map<String, String> sourceConnection) {
        Direct<String> offer = ServerSideCopy.offer(options, connectionProperties, objects, sourceConnection);
        if (offer.value().isEmpty() || objects.objects().size() == 1) {
            return offer;
        }
        return StoredObjectChecks.lineEnds(connection, objects, options.concurrency()).map(Direct::<String>refused).orElse(offer);
    }

    @Override
    public synchronized RunSummary commitDirect(StoredObjects objects, Map<String, String> sourceConnection) {
        checkOpen();
        done = true;
        writers.forEach(w -> w.abort(null));
        try {
            return ServerSideCopy.run(connection, options, objects);
        } finally {
            connection.close();
        }
    }

    /** Attempts whose messages were prepared here but not committed: their uploads go. */
    private void abortLosers(List<CommitMessage> winners) {
        objects(prepared.stream().filter(m -> !winners.contains(m)).toList()).forEach(o -> o.abort(connection.client()));
    }

    @Override
    public synchronized void abort(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        writers.forEach(w -> w.abort(cause));
        abortLosers(List.of());
        connection.close();
    }

    @Override
    public void abort(Throwable cause, List<CommitMessage> prepared) {
        synchronized (this) {
            this.prepared.addAll(prepared);
        }
        abort(cause);
    }

    @Override
    public void close() {
        abort(null);
    }

    /**
     * Completes the staged objects in order: every target write publishes so, the streamed one and
     * the server-side copy alike. If one fails, those not yet complete are aborted and those already
     * published are deleted, so the folder is as it was; a 412 under {@code fail-if-exists} means
     * the object was created meanwhile (or was not visible to the early check).
     *
     * @param what what publishing does, for an AWS error's message
     */
    static void publish(S3Connection connection, S3Target target, List<StagedObject> objects, String what) {
        List<StagedObject> published = new ArrayList<>();
        try {
            for (StagedObject o : objects) {
                o.complete(connection.client(), target.objects());
                published.add(o);
            }
        } catch (RuntimeException e) {
            objects.stream().filter(o -> !published.contains(o)).forEach(o -> o.abort(connection.client()));
            published.forEach(o -> deleteQuietly(connection, target.location().bucket(), o.key()));
            throw e instanceof S3Exception s3 && s3.statusCode() == 412 && target.failIfExists()
                    ? S3TaskWriter.exists(target.location().bucket(),
                    objects.stream().filter(o -> !published.contains(o)).findFirst().map(StagedObject::key).orElse(""))
                    : e instanceof SdkException sdk ? AwsFailures.s3(sdk, what, connection) : e;
        }
    }

    private static void deleteQuietly(S3Connection connection, String bucket, String key) {
        try {
            connection.client().deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException ignored) {
            // Best effort while failing: the commit's own error is what the user must see.
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the S3 write is already committed or aborted");
        }
    }
}
