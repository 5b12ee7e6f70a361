package dev.stageway.harness;

import java.io.PrintStream;

/** Progress of a run: a line redrawn in place on a terminal, a plain line every few seconds otherwise. */
final class Progress {
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    private static final long REDRAW_EVERY_NANOS = 200_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastShown = started;
    private boolean drawn;

    private Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A terminal's redrawn bar when {@code out} is the console, plain lines otherwise. */
    static Progress forConsole(PrintStream out) {
        return new Progress(out, out == System.out && System.console() != null);
    }

    static Progress silent() {
        return new Progress(new PrintStream(java.io.OutputStream.nullOutputStream()), false);
    }

    synchronized void update(long rows, long bytes) {
        long now = System.nanoTime();
        if (now - lastShown < (terminal ? REDRAW_EVERY_NANOS : PLAIN_EVERY_NANOS)) {
            return;
        }
        lastShown = now;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        String line = String.format("%,d rows, %.1f MB read, %,.0f rows/s, %.1f MB/s, %.0f s", rows, bytes / 1e6, rows / seconds,
                bytes / 1e6 / seconds, seconds);
        if (terminal) {
            out.print("\r" + line + "   ");
            drawn = true;
        } else {
            out.println("progress: " + line);
        }
        out.flush();
    }

    synchronized void done() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }
}
