package dev.stageway.harness;

import java.util.HashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM while a run is under way: the first asks the run to stop, so it aborts
 * as a failure does (uploads aborted, staging removed, the load rolled back) and the command exits
 * 130 or 143; a second exits at once. The JVM's own handlers come back on {@link #close()}.
 */
final class Interruption implements AutoCloseable {
    private static final Map<String, Integer> EXIT_CODES = Map.of("INT", 130, "TERM", 143);

    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private volatile String signal;

    private Interruption() {
    }

    static Interruption install() {
        Interruption interruption = new Interruption();
        for (String name : EXIT_CODES.keySet()) {
            Signal s = new Signal(name);
            interruption.previous.put(s, Signal.handle(s, interruption::received));
        }
        return interruption;
    }

    private void received(Signal s) {
        if (signal != null) {
            Runtime.getRuntime().halt(EXIT_CODES.get(s.getName()));   // the second signal: no more waiting
        }
        signal = s.getName();
    }

    /** Whether a signal asked the run to stop. */
    boolean requested() {
        return signal != null;
    }

    /** The exit code of the signal received: 128 + its number, as shells report it. */
    int exitCode() {
        return EXIT_CODES.get(signal);
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
