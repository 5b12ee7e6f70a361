package dev.stageway.spark;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.Split;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the driver: the plans of sources whose planning creates what their splits read (a Redshift
 * source's UNLOAD), made once per read and SQL execution when its first task asks (so an
 * {@code explain()} or a planning Spark repeats makes none) and closed when that execution ends,
 * which removes what they created. Tasks ask through {@link StagewaySparkPlugin}; a plan that
 * takes long is made on a thread of its own while they ask again.
 */
final class ReadPlans {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPlans.class);
    /** Executions ended lately: a task of one asking late (a speculative copy) must not plan it again. */
    private static final int ENDED_KEPT = 10_000;
    private static final Map<Key, CompletableFuture<SourcePlan>> PLANS = new HashMap<>();
    private static final Set<String> ENDED = new LinkedHashSet<>();
    private static final ExecutorService PLANNERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stageway-read-planning");
        t.setDaemon(true);
        return t;
    });

    private ReadPlans() {
    }

    /**
     * A task's question: the splits of its {@code slot} of a read (one scan of a query) in SQL
     * execution {@code executionId}, whose records must be of the schema {@code expected}.
     */
    record Request(StagewayScan.DeferredPartition slot, String executionId, StagewayOptions options, StructType expected)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The driver's answer: the slot's splits, or why there are none (and the {@code ErrorKind} of that), or neither while planning runs. */
    record Reply(ArrayList<Split> splits, ErrorKind failureKind, String failure) implements Serializable {
        private static final long serialVersionUID = 1L;
        static final Reply PLANNING = new Reply(null, null, null);

        static Reply failed(ErrorKind kind, String why) {
            return new Reply(null, kind, why);
        }
    }

    private record Key(String readId, String executionId) {
    }

    /** Answers a task: starts the plan on the first question of its read in its execution. */
    static synchronized Reply reply(Request request) {
        if (request.executionId() == null) {
            return Reply.failed(ErrorKind.CONFIGURATION, "a " + request.options().connector() + " source is read on Spark only "
                    + "by DataFrame actions (collect, count, write, ...), which end and so remove what the read created; "
                    + "not through .rdd()");
        }
        if (ENDED.contains(request.executionId())) {
            return Reply.failed(ErrorKind.INTERNAL, "the query this task belongs to has ended");
        }
        StagewayOptions options = request.options();
        CompletableFuture<SourcePlan> plan = PLANS.computeIfAbsent(new Key(request.slot().readId(), request.executionId()),
                k -> CompletableFuture.supplyAsync(() -> StagewayScan.plan(options), PLANNERS));
        if (!plan.isDone()) {
            return Reply.PLANNING;
        }
        try {
            SourcePlan planned = plan.join();
            StagewayScan.checkSchema(planned, request.expected());
            // Cut here, so each task is sent its own share rather than every split of the read.
            return new Reply(new ArrayList<>(request.slot().of(planned.splits())), null, null);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return Reply.failed(cause instanceof StagewayException se ? se.kind() : ErrorKind.INTERNAL, String.valueOf(cause.getMessage()));
        }
    }

    /** Closes the plans made for SQL execution {@code executionId}, removing what they created. */
    static void executionEnded(String executionId) {
        List<CompletableFuture<SourcePlan>> ended = new ArrayList<>();
        synchronized (ReadPlans.class) {
            ENDED.add(executionId);
            if (ENDED.size() > ENDED_KEPT) {
                ENDED.remove(ENDED.iterator().next());
            }
            for (Iterator<Map.Entry<Key, CompletableFuture<SourcePlan>>> i = PLANS.entrySet().iterator(); i.hasNext(); ) {
                Map.Entry<Key, CompletableFuture<SourcePlan>> e = i.next();
                if (e.getKey().executionId().equals(executionId)) {
                    ended.add(e.getValue());
                    i.remove();
                }
            }
        }
        ended.forEach(ReadPlans::close);
    }

    /** Closes every plan, waiting for those still being made: the driver is shutting down. */
    static void closeAll() {
        List<CompletableFuture<SourcePlan>> all;
        synchronized (ReadPlans.class) {
            all = new ArrayList<>(PLANS.values());
            PLANS.clear();
        }
        all.forEach(plan -> {
            try {
                plan.join();
            } catch (RuntimeException ignored) {
                // A plan that failed created nothing to remove.
            }
            close(plan);
        });
    }

    private static void close(CompletableFuture<SourcePlan> plan) {
        plan.whenComplete((p, failure) -> {
            if (p != null) {
                try {
                    p.close();
                } catch (RuntimeException e) {
                    LOG.warn("Could not remove what a read's planning created ({}); stageway cleanup finds it", e.getMessage());
                }
            }
        });
    }
}
