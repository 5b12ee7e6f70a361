package dev.stageway.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Runs one source into one target in this process, as any host runs the contract: plan the source,
 * run tasks on a bounded pool, each task reading splits into its own task writer, then commit the
 * tasks' messages once. With a parallelism of 1 there is one task, which reads every split in order;
 * with more, each split is a task of its own, and memory is that many times one task's.
 *
 * <p>Where the source offers the stored objects it would read ({@link SourcePlan#storedObjects()})
 * and the target can take them as they are ({@link TargetWrite#directPath}), the run takes that
 * direct path instead: no tasks, and one {@link TargetWrite#commitDirect}. The result names the
 * path taken, and why a direct one was not.
 *
 * <p>Any failure aborts the run: the other tasks are cancelled, every task writer and the write are
 * aborted (nothing is published, nothing staged stays), the plan is closed, and the first failure
 * is thrown.
 */
public final class LocalRun {

    /** One side of a run: a connector and its two property maps. */
    public record Side(ConnectorFactory connector, Map<String, String> connection, Map<String, String> properties) {
        /** Names only: the maps hold secrets. */
        @Override
        public String toString() {
            return "Side[" + connector.name() + ", connection " + connection.keySet() + ", properties " + properties.keySet() + "]";
        }
    }

    /**
     * What a run did: {@code read} adds up planning's figures and every split reader's; {@code written}
     * is empty when the source held nothing and the target was not touched.
     */
    public record Result(Schema schema, int splits, int tasks, RunSummary planned, RunSummary read, Optional<RunSummary> written,
                         PathTaken path) {
    }

    /** The run's path: {@code streamed} or a direct path's name, and why no direct path was taken (empty when one was). */
    public record PathTaken(String name, String reason) {
        public static final String STREAMED = "streamed";

        static PathTaken streamed(String reason) {
            return new PathTaken(STREAMED, reason);
        }
    }

    /** Told of progress from the tasks' threads: rows and bytes read so far by all tasks; then that the commit starts. */
    public interface Progress {
        void update(long rows, long bytes);

        /** The commit starts: from now on the run publishes, and is no longer stopped. */
        default void committing() {
        }
    }

    /** The host asked the run to stop (an interrupted command); it was aborted as a failure is: nothing was published. */
    public static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("the run was stopped before its commit: nothing was published");
        }
    }

    private LocalRun() {
    }

    public static Result run(RunContext context, Side source, Side target, int parallelism, Progress progress) {
        return run(context, source, target, parallelism, progress, () -> false);
    }

    /**
     * Runs, looking at {@code stop} between batches and before the commit: once it says so, the run is
     * aborted and {@link Stopped} thrown. A commit already under way finishes.
     */
    public static Result run(RunContext context, Side source, Side target, int parallelism, Progress progress, BooleanSupplier stop) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("Cannot run with a parallelism of " + parallelism);
        }
        try (SourcePlan plan = source.connector().planSource(context, source.connection(), source.properties())) {
            List<List<Split>> tasks = tasks(plan.splits(), parallelism);
            if (stop.getAsBoolean()) {
                throw new Stopped();
            }
            if (plan.schema().size() == 0) {
                // An empty source (no objects, no rows): nothing to write, and no target to touch.
                return new Result(plan.schema(), plan.splits().size(), 0, plan.summary(), RunSummary.EMPTY, Optional.empty(),
                        PathTaken.streamed("the source holds nothing"));
            }
            RunContext writing = new RunContext(context.runId(), context.runtime(), tasks.size());
            try (TargetWrite write = target.connector().openWrite(writing, target.connection(), target.properties(), plan.schema())) {
                Direct<StoredObjects> stored = plan.storedObjects();
                Direct<String> direct = stored.value().map(o -> write.directPath(o, source.connection())).orElse(Direct.refused(stored.reason()));
                if (direct.value().isPresent()) {
                    if (stop.getAsBoolean()) {
                        throw new Stopped();
                    }
                    // The direct path is the commit: like any commit, it is not cut part-way.
                    progress.committing();
                    return new Result(plan.schema(), plan.splits().size(), 0, plan.summary(), plan.summary(),
                            Optional.of(write.commitDirect(stored.value().get(), source.connection())), new PathTaken(direct.value().get(), ""));
                }
                Counter counter = new Counter(progress, stop);
                List<CommitMessage> messages;
                try {
                    messages = runTasks(tasks, parallelism, counter, (task, splits) -> runTask(context, source, plan.schema(),
                            write.writerFor(task, 0), splits, counter));
                    if (stop.getAsBoolean()) {
                        throw new Stopped();
                    }
                } catch (RuntimeException e) {
                    write.abort(e);
                    throw e;
                }
                progress.committing();
                return new Result(plan.schema(), plan.splits().size(), tasks.size(), plan.summary(), counter.read().plus(plan.summary()),
                        Optional.of(write.commit(messages)), PathTaken.streamed(direct.reason()));
            }
        }
    }

    /** One task for all splits, or one per split. */
    private static List<List<Split>> tasks(List<Split> splits, int parallelism) {
        if (parallelism == 1 || splits.size() <= 1) {
            return List.of(splits);
        }
        return splits.stream().map(List::of).toList();
    }

    private interface Task {
        CommitMessage run(int task, List<Split> splits) throws Exception;
    }

    /** Runs every task on {@code threads} threads; on the first failure, cancels the rest and throws it. */
    private static List<CommitMessage> runTasks(List<List<Split>> tasks, int threads, Counter counter, Task body) {
        if (tasks.size() == 1) {
            return List.of(call(body, 0, tasks.get(0)));
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread t = new Thread(r, "stageway-task-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<CommitMessage> done = new ExecutorCompletionService<>(pool);
            for (int i = 0; i < tasks.size(); i++) {
                int task = i;
                done.submit(() -> call(body, task, tasks.get(task)));
            }
            // In the order tasks end: the first failure stops the run at once, not when the tasks before it end.
            List<CommitMessage> messages = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                try {
                    messages.add(done.take().get());
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while running tasks", e);
                }
            }
            return messages;
        } catch (RuntimeException e) {
            counter.cancel();
            throw e;
        } finally {
            // On failure the other tasks stop at their next batch and abort their own writers. They are not
            // interrupted: an interrupted thread's calls to S3 fail at once, and its aborts with them.
            pool.shutdown();
            try {
                pool.awaitTermination(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static CommitMessage call(Task body, int task, List<Split> splits) {
        try {
            return body.run(task, splits);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CommitMessage runTask(RunContext context, Side source, Schema schema, TaskWriter writer, List<Split> splits,
                                         Counter counter) {
        try {
            for (Split split : splits) {
                try (SourceReader reader = source.connector().openReader(context, source.connection(), source.properties(), split)) {
                    if (!reader.schema().equals(schema)) {
                        throw new IllegalStateException("Split " + split.index() + " (" + split.description() + ") has the schema "
                                + reader.schema() + ", not the plan's " + schema);
                    }
                    RunSummary before = RunSummary.EMPTY;
                    for (Optional<RecordBatch> batch = reader.next(); batch.isPresent(); batch = reader.next()) {
                        if (counter.stopped()) {
                            throw new Stopped();
                        }
                        if (counter.cancelled()) {
                            throw new IllegalStateException("cancelled: another task failed");
                        }
                        writer.write(batch.get());
                        RunSummary now = reader.summary();
                        counter.add(now, before);
                        before = now;
                    }
                    counter.finish(reader.summary());
                }
            }
            return writer.prepare();
        } catch (RuntimeException e) {
            writer.abort(e);
            throw e;
        } finally {
            writer.close();
        }
    }

    /**
     * Rows and bytes read: in total as they go, for progress, and each finished reader's summary, for
     * the report; and whether the run was given up, which the tasks look at between batches.
     */
    private static final class Counter {
        private final Progress progress;
        private final AtomicLong rows = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final Queue<RunSummary> finished = new ConcurrentLinkedQueue<>();
        private final BooleanSupplier stop;
        private volatile boolean cancelled;

        Counter(Progress progress, BooleanSupplier stop) {
            this.progress = progress;
            this.stop = stop;
        }

        boolean stopped() {
            return stop.getAsBoolean();
        }

        void add(RunSummary now, RunSummary before) {
            progress.update(rows.addAndGet(now.rows() - before.rows()), bytes.addAndGet(now.bytes() - before.bytes()));
        }

        void finish(RunSummary last) {
            finished.add(last);
        }

        void cancel() {
            cancelled = true;
        }

        boolean cancelled() {
            return cancelled;
        }

        RunSummary read() {
            return finished.stream().reduce(RunSummary.EMPTY, RunSummary::plus);
        }
    }
}
