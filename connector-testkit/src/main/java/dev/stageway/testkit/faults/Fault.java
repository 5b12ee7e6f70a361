package dev.stageway.testkit.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One failure the sandbox injects: what goes wrong ({@link Kind}), on which requests (an
 * operation and, for S3, a key glob), and when: from the {@code nth} matching request on, at most
 * {@code times} times (0: every time), or, for STS, to every matching request for a window after
 * it is armed. Thread-safe; {@link #fired()} tells a test how often it struck.
 */
public final class Fault {

    /** What goes wrong, and at which stand-in. */
    public enum Kind {
        /** S3: 500 InternalError, the request not carried out. */
        INTERNAL_ERROR("s3"),
        /** S3: 503 SlowDown, the request not carried out. */
        SLOW_DOWN("s3"),
        /** S3: the connection closed before the request is carried out, with no answer. */
        RESET("s3"),
        /** S3: the answer's headers promise the whole body, the connection closes half-way through it. */
        TRUNCATE("s3"),
        /** S3: the answer comes after {@code delay}. */
        SLOW("s3"),
        /** STS: 400 Throttling (Rate exceeded). */
        THROTTLE("sts"),
        /** STS: 503 ServiceUnavailable. */
        UNAVAILABLE("sts"),
        /** Redshift: the connection drops when the statement arrives; the open transaction is rolled back. */
        DROP("redshift"),
        /** Redshift: the statement (COMMIT) is carried out, then the connection drops before the answer. */
        DROP_AFTER("redshift"),
        /** Redshift: the statement fails with serializable isolation error 1023, aborting the transaction. */
        SERIALIZATION_ERROR("redshift");

        private final String service;

        Kind(String service) {
            this.service = service;
        }

        public String service() {
            return service;
        }
    }

    private final Kind kind;
    private final String operation;
    private final String keyGlob;
    private final Pattern key;
    private final int nth;
    private final int times;
    private final Duration delay;
    private final Duration window;
    private Instant armedAt;
    private int seen;
    private int fired;

    private Fault(Kind kind, String operation, String keyGlob, int nth, int times, Duration delay, Duration window) {
        this.kind = Objects.requireNonNull(kind, "kind is null");
        this.operation = Objects.requireNonNull(operation, "operation is null");
        this.keyGlob = Objects.requireNonNull(keyGlob, "key is null");
        this.key = glob(keyGlob);
        if (nth < 1 || times < 0) {
            throw new IllegalArgumentException("a fault needs nth >= 1 and times >= 0 (0: every time), was nth " + nth + ", times " + times);
        }
        this.nth = nth;
        this.times = times;
        this.delay = Objects.requireNonNull(delay, "delay is null");
        this.window = window;
    }

    /** {@code kind} on the first request of any operation, once. */
    public static Fault of(Kind kind) {
        return new Fault(kind, "*", "*", 1, 1, kind == Kind.SLOW ? Duration.ofSeconds(2) : Duration.ZERO, null);
    }

    /**
     * Only on this operation: an S3 API operation ({@code UploadPart}), an STS action, or a
     * Redshift statement ({@code COPY}, {@code COMMIT}); several separated by '|'.
     */
    public Fault on(String operation) {
        return new Fault(kind, operation, keyGlob, nth, times, delay, window);
    }

    /** Only on S3 requests whose key matches the glob ({@code *} any characters, {@code ?} one). */
    public Fault onKey(String glob) {
        return new Fault(kind, operation, glob, nth, times, delay, window);
    }

    /** From the nth matching request on (1: the first). */
    public Fault nth(int n) {
        return new Fault(kind, operation, keyGlob, n, times, delay, window);
    }

    /** At most this many times; 0 for every matching request. */
    public Fault times(int n) {
        return new Fault(kind, operation, keyGlob, nth, n, delay, window);
    }

    /** For {@link Kind#SLOW}: how late the answer comes. */
    public Fault delay(Duration d) {
        return new Fault(kind, operation, keyGlob, nth, times, d, window);
    }

    /** Every matching request for this long after the fault is armed (then never again); replaces nth and times. */
    public Fault lasting(Duration d) {
        return new Fault(kind, operation, keyGlob, 1, 0, delay, Objects.requireNonNull(d, "window is null"));
    }

    public Kind kind() {
        return kind;
    }

    public Duration delay() {
        return delay;
    }

    /** How often it struck. */
    public synchronized int fired() {
        return fired;
    }

    synchronized void arm(Instant now) {
        armedAt = now;
        seen = 0;
        fired = 0;
    }

    /** Whether it strikes this request (counting it as seen when it matches). */
    synchronized boolean strikes(String service, String operation, String key, Instant now) {
        if (!kind.service().equals(service) || !names(operation) || !this.key.matcher(key).matches()) {
            return false;
        }
        if (window != null) {
            boolean open = !now.isAfter(armedAt.plus(window));
            fired += open ? 1 : 0;
            return open;
        }
        seen++;
        if (seen < nth || times > 0 && fired >= times) {
            return false;
        }
        fired++;
        return true;
    }

    private boolean names(String operation) {
        return this.operation.equals("*") || java.util.Arrays.stream(this.operation.split("\\|")).anyMatch(operation::equalsIgnoreCase);
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return kind + " on " + operation + (keyGlob.equals("*") ? "" : " " + keyGlob)
                + (window != null ? " for " + window : " from request " + nth + (times == 0 ? ", every time" : ", " + times + " time(s)"));
    }
}
