package dev.stageway.testkit.s3;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Connection;

/**
 * Conditions like real S3's, which loopback lacks: a wait before each request is answered (the
 * first byte's latency), and a cap on each connection's bandwidth, each direction on its own.
 * Both are off unless set. Also counts the connections open at once, and the most there were, and
 * the bytes of the bodies carried each way.
 */
public final class Shaping implements Connection.Listener {
    /**
     * What the user agent of a sandbox service's own S3 client holds (the Redshift stand-in's COPY
     * and UNLOAD): its traffic stays inside AWS, so {@link #bodyBytes()} leaves it out.
     */
    public static final String INSIDE_AWS = "stageway-sandbox-service";

    /** How much a connection may send at once before its cap makes it wait: small against any cap, large against syscalls. */
    private static final int SLICE = 16 * 1024;

    private final AtomicLong latencyMillis = new AtomicLong();
    private final AtomicLong bytesPerSecond = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final LongAdder bodyBytes = new LongAdder();
    /** Per connection, by its identity: the cap of what it receives and of what it sends. */
    private final Map<Connection, Throttle[]> throttles = new ConcurrentHashMap<>();

    /** Holds every request this long before answering it (zero: not at all). */
    public void latency(Duration latency) {
        latencyMillis.set(latency.toMillis());
    }

    /** Caps each connection at this many bytes a second in each direction (zero: no cap). */
    public void bandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a bandwidth cap cannot be negative: " + bytesPerSecond);
        }
        this.bytesPerSecond.set(bytesPerSecond);
    }

    /** The most connections that were open at once since the last {@link #resetPeak()}. */
    public int peakConnections() {
        return peak.get();
    }

    /**
     * The bytes of request and response bodies carried between S3 and its clients so far, both
     * ways: what passed through clients' processes. A copy inside S3 carries none, and neither do
     * the reads and writes of the sandbox's own services ({@link #INSIDE_AWS}).
     */
    public long bodyBytes() {
        return bodyBytes.sum();
    }

    /**
     * {@link #bodyBytes()} once no body has moved for 100 ms: an answer whose client stopped reading
     * it is still being written, and counted, after the client's call returned, so a count taken at
     * once could charge those bytes to whatever is measured next. Meant for a sandbox whose shaping,
     * if any, moves some bytes more often than every 100 ms; fails if bodies still move after 5 s.
     */
    public long settledBodyBytes() throws InterruptedException {
        long last = bodyBytes();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(100);
            long now = bodyBytes();
            if (now == last) {
                return now;
            }
            last = now;
        }
        throw new IllegalStateException("S3 bodies were still moving after 5 s");
    }

    /** Starts counting the peak again from the connections open now. */
    public void resetPeak() {
        peak.set(open.get());
    }

    @Override
    public void onOpened(Connection connection) {
        int now = open.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
    }

    @Override
    public void onClosed(Connection connection) {
        open.decrementAndGet();
        throttles.remove(connection);
    }

    /** Waits out the first byte's latency. */
    void awaitFirstByte() throws IOException {
        sleep(latencyMillis.get() * 1_000_000L);
    }

    /** The request as its connection's cap lets it be read, its body counted. */
    HttpServletRequest request(HttpServletRequest request) {
        long cap = bytesPerSecond.get();
        return new HttpServletRequestWrapper(request) {
            private ServletInputStream in;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (in == null) {
                    in = capped(super.getInputStream(), cap == 0 ? null : throttle(request, 0, cap), counter(request));
                }
                return in;
            }
        };
    }

    /** The response as its connection's cap lets it be written, its body counted. */
    HttpServletResponse response(HttpServletRequest request, HttpServletResponse response) {
        long cap = bytesPerSecond.get();
        return new HttpServletResponseWrapper(response) {
            private ServletOutputStream out;

            @Override
            public ServletOutputStream getOutputStream() throws IOException {
                if (out == null) {
                    out = capped(super.getOutputStream(), cap == 0 ? null : throttle(request, 1, cap), counter(request));
                }
                return out;
            }
        };
    }

    /** Where a request's body bytes count: nowhere for a sandbox service's own. */
    private LongAdder counter(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        return agent != null && agent.contains(INSIDE_AWS) ? new LongAdder() : bodyBytes;
    }

    private Throttle throttle(HttpServletRequest request, int direction, long cap) {
        Connection connection = ServletContextRequest.getServletContextRequest(request).getConnectionMetaData().getConnection();
        Throttle[] both = throttles.compute(connection, (c, old) -> old != null && old[0].bytesPerSecond == cap ? old
                : new Throttle[] {new Throttle(cap), new Throttle(cap)});
        return both[direction];
    }

    /** A connection's pace in one direction: the time at which its next byte may go. */
    private static final class Throttle {
        private final long bytesPerSecond;
        private long nextNanos = System.nanoTime();

        Throttle(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        /**
         * Waits until {@code bytes} more may have gone at the cap. Short waits are left to add up:
         * a thread cannot sleep for a slice's few microseconds, and sleeping longer each time would
         * hold the connection well under its cap.
         */
        void pass(int bytes) throws IOException {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                nextNanos = Math.max(nextNanos, now) + bytes * 1_000_000_000L / bytesPerSecond;
                wait = nextNanos - now;
            }
            if (wait >= MIN_WAIT_NANOS) {
                sleep(wait);
            }
        }
    }

    /** The shortest wait worth sleeping for; shorter ones are carried into the next. */
    private static final long MIN_WAIT_NANOS = 1_000_000L;

    /** Sleeps {@code nanos}, to the timer's resolution rather than a whole millisecond more. */
    private static void sleep(long nanos) throws IOException {
        long until = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while shaping");
            }
        }
    }

    /** A request body counted and, with a throttle, read at its pace. */
    private ServletInputStream capped(ServletInputStream real, Throttle throttle, LongAdder counter) {
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                int b = real.read();
                if (b >= 0) {
                    passed(throttle, counter, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = real.read(b, off, throttle == null ? len : Math.min(len, SLICE));
                if (n > 0) {
                    passed(throttle, counter, n);
                }
                return n;
            }

            @Override
            public boolean isFinished() {
                return real.isFinished();
            }

            @Override
            public boolean isReady() {
                return real.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                real.setReadListener(listener);
            }
        };
    }

    /** A response body counted and, with a throttle, written at its pace. */
    private ServletOutputStream capped(ServletOutputStream real, Throttle throttle, LongAdder counter) {
        return new ForwardingOutputStream(real) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int done = 0; done < len; ) {
                    int n = throttle == null ? len - done : Math.min(SLICE, len - done);
                    passed(throttle, counter, n);
                    real.write(b, off + done, n);
                    done += n;
                }
            }
        };
    }

    private static void passed(Throttle throttle, LongAdder counter, int bytes) throws IOException {
        counter.add(bytes);
        if (throttle != null) {
            throttle.pass(bytes);
        }
    }
}
