package dev.stageway.spark;

import dev.stageway.config.ConfigurationException;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.Split;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the driver: the plans of sources whose planning creates what their splits read (a Redshift
 * source's UNLOAD), made once per SQL execution when its first task asks (so an {@code explain()}
 * or a planning Spark repeats makes none) and closed when that execution ends, which removes what
 * they created. Tasks ask through {@link StagewaySparkPlugin}; a plan that takes long is made on a
 * thread of its own while they ask again.
 */
final class ReadPlans {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPlans.class);
    private static final Map<String, StagewayOptions> READS = new HashMap<>();
    private static final Map<Request, CompletableFuture<SourcePlan>> PLANS = new HashMap<>();
    private static final ExecutorService PLANNING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stageway-read-planning");
        t.setDaemon(true);
        return t;
    });

    private ReadPlans() {
    }

    /** A task's question: the splits of read {@code readId} in SQL execution {@code executionId} (null outside one). */
    record Request(String readId, String executionId) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The driver's answer: the splits, or why there are none (and the {@code ErrorKind} of that), or neither while planning runs. */
    record Reply(ArrayList<Split> splits, String failureKind, String failure) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Registers a read, planned later; returns its id. */
    static synchronized String register(StagewayOptions options) {
        String id = UUID.randomUUID().toString();
        READS.put(id, options);
        return id;
    }

    /** Answers a task: starts the plan on the first question of its execution. */
    static synchronized Reply reply(Request request) {
        StagewayOptions options = READS.get(request.readId());
        if (options == null) {
            return new Reply(null, ErrorKind.INTERNAL.name(), "the read " + request.readId() + " is not known to this driver");
        }
        CompletableFuture<SourcePlan> plan = PLANS.computeIfAbsent(request, r -> CompletableFuture.supplyAsync(() ->
                options.factory().planSource(StagewayScan.context(options), options.connection(), options.side(true)), PLANNING));
        if (!plan.isDone()) {
            return new Reply(null, null, null);
        }
        try {
            return new Reply(new ArrayList<>(plan.join().splits()), null, null);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            ErrorKind kind = cause instanceof StagewayException se ? se.kind()
                    : cause instanceof ConfigurationException ? ErrorKind.CONFIGURATION : ErrorKind.INTERNAL;
            return new Reply(null, kind.name(), String.valueOf(cause.getMessage()));
        }
    }

    /** Closes the plans made for SQL execution {@code executionId}, removing what they created. */
    static void executionEnded(String executionId) {
        List<CompletableFuture<SourcePlan>> ended = new ArrayList<>();
        synchronized (ReadPlans.class) {
            for (Iterator<Map.Entry<Request, CompletableFuture<SourcePlan>>> i = PLANS.entrySet().iterator(); i.hasNext(); ) {
                Map.Entry<Request, CompletableFuture<SourcePlan>> e = i.next();
                if (Objects.equals(e.getKey().executionId(), executionId)) {
                    ended.add(e.getValue());
                    i.remove();
                }
            }
        }
        ended.forEach(ReadPlans::close);
    }

    /** Closes every plan: the driver is shutting down. */
    static void closeAll() {
        List<CompletableFuture<SourcePlan>> all;
        synchronized (ReadPlans.class) {
            all = new ArrayList<>(PLANS.values());
            PLANS.clear();
            READS.clear();
        }
        all.forEach(ReadPlans::close);
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
