package dev.stageway.harness;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM while a run is under way: the first asks the run to stop, so it aborts
 * as a failure does (uploads aborted, staging removed, the load rolled back) and the command exits
 * 130 or 143; a second exits at once, unless the commit is under way: it is never cut part-way.
 * The JVM's own handlers come back on {@link #close()}.
 */
final class Interruption implements AutoCloseable {
    private static final Map<String, Integer> EXIT_CODES = Map.of("INT", 130, "TERM", 143);

    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private final AtomicReference<String> signal = new AtomicReference<>();
    private final PrintStream err;
    private volatile boolean committing;

    private Interruption(PrintStream err) {
        this.err = err;
    }

    /** Handles the signals this JVM lets a program handle (none under -Xrs: the run is then not stoppable this way). */
    static Interruption install(PrintStream err) {
        Interruption interruption = new Interruption(err);
        for (String name : EXIT_CODES.keySet()) {
            Signal s = new Signal(name);
            try {
                interruption.previous.put(s, Signal.handle(s, interruption::received));
            } catch (IllegalArgumentException reserved) {
                // The JVM keeps this signal: it does what it always does.
            }
        }
        return interruption;
    }

    private void received(Signal s) {
        if (signal.compareAndSet(null, s.getName())) {
            err.println(committing ? "stopping: the commit is under way and will finish"
                    : "stopping: aborting the run, nothing will be published (a second signal exits at once)");
        } else if (committing) {
            err.println("the commit is finishing: it is not cut part-way");
        } else {
            Runtime.getRuntime().halt(EXIT_CODES.get(s.getName()));
        }
    }

    /** The commit starts: from now on a signal does not cut it. */
    void committing() {
        committing = true;
    }

    /** Whether a signal asked the run to stop. */
    boolean requested() {
        return signal.get() != null;
    }

    /** The exit code of the signal received: 128 + its number, as shells report it. */
    int exitCode() {
        return EXIT_CODES.get(signal.get());
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
