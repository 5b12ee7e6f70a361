package dev.stageway.aws;

import dev.stageway.config.ConfigurationException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import dev.stageway.spi.ConnectorRuntime;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The assumed-role sessions of one host (integration runtime or harness): connections with
 * the same {@link RoleSessionKey} share a session, others never do. A session lives while a
 * connection holds it, and after that while its credentials are fresh, for the next connection
 * with its key. Create one per host and close it on shutdown.
 */
public final class RoleSessions implements ConnectorRuntime {
    private final Map<RoleSessionKey, Held> sessions = new HashMap<>();
    private final AtomicLong stsCalls = new AtomicLong();
    private final ExecutorService renewer;
    private final Clock clock;
    /** An idle session goes after this long, stale or not. */
    private final Duration idleLimit;
    private final ScheduledExecutorService sweeper;

    /** How often idle sessions are looked at, at most: a session goes within this long after its idle time is up. */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);
    /** At most this many idle sessions (each with its STS client) stay; the longest idle go first. */
    static final int MAX_IDLE = 64;

    private static final class Held {
        final RoleSession session;
        int holders;
        Instant idleSince = Instant.MAX;

        Held(RoleSession session) {
            this.session = session;
        }
    }

    /** Sessions with the default settings. */
    public RoleSessions() {
        this(Clock.systemUTC());
    }

    /** Sessions with the runtime's settings ({@link AwsProperties#RUNTIME}). */
    public static RoleSessions of(java.util.Map<String, String> settings) {
        ConfigurationException.throwIfAny(AwsProperties.RUNTIME.validate(settings));
        return new RoleSessions(Clock.systemUTC(),
                Duration.ofSeconds(AwsProperties.RUNTIME.parse(settings).get(AwsProperties.SESSION_IDLE_SECONDS)));
    }

    RoleSessions(Clock clock) {
        this(clock, Duration.ofSeconds(AwsProperties.SESSION_IDLE_SECONDS.defaultValue().orElseThrow()));
    }

    RoleSessions(Clock clock, Duration idleLimit) {
        this.clock = clock;
        this.idleLimit = idleLimit;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stageway-session-sweep");
            t.setDaemon(true);
            return t;
        });
        if (!idleLimit.isZero()) {
            // One sweep now and then closes sessions whose idle time is up even if no run comes to look again.
            long period = Math.min(idleLimit.toMillis(), SWEEP_EVERY.toMillis());
            sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        }
        this.renewer = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stageway-session-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** The sessions of a run's plugin runtime. */
    public static RoleSessions of(dev.stageway.spi.RunContext context) {
        if (context.runtime() instanceof RoleSessions sessions) {
            return sessions;
        }
        throw new IllegalArgumentException("the run's runtime was not made by this plugin's ConnectorFactory.newRuntime()");
    }

    /** STS AssumeRole calls made by all sessions so far. */
    public long stsCalls() {
        return stsCalls.get();
    }

    /** Sessions currently held by at least one connection. */
    public synchronized int openSessions() {
        return (int) sessions.values().stream().filter(h -> h.holders > 0).count();
    }

    synchronized RoleSession acquire(AssumeRoleSpec spec, PrimaryIdentity primary, AwsSettings settings) {
        if (sweeper.isShutdown()) {
            primary.close();
            throw new IllegalStateException("the plugin's runtime was closed; a host makes a new one to run again");
        }
        Region region = settings.region();
        URI endpoint = StsEndpoints.resolve(region, settings.stsEndpoint());
        RoleSessionKey key = new RoleSessionKey(primary.name(), spec.roleArn(), spec.externalId(), spec.duration(),
                spec.sessionName(), spec.sessionPolicy(), endpoint, settings.caBundle());
        evictStaleIdle();
        Held held = sessions.get(key);
        if (held == null) {
            StsClient sts = StsClient.builder()
                    .region(region)
                    .endpointOverride(endpoint)
                    .credentialsProvider(primary.provider())
                    .httpClientBuilder(AwsHttp.client(settings, 4))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetries.sts()).putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, AwsHttp.userAgent()))
                    .build();
            held = new Held(new RoleSession(key, spec, primary, sts, renewer, clock, stsCalls));
            sessions.put(key, held);
        } else {
            primary.close();   // the held session already has its own
        }
        held.holders++;
        held.idleSince = Instant.MAX;
        return held.session;
    }

    /**
     * A session no connection holds stays for the next one with the same key (a run's plan, then
     * its tasks; the next run of a tenant with a fixed session name), until its credentials go stale.
     */
    synchronized void release(RoleSession session) {
        Held held = sessions.get(session.key());
        if (held != null && held.session == session && --held.holders == 0) {
            held.idleSince = clock.instant();
            evictStaleIdle();
        }
    }

    private synchronized void sweep() {
        evictStaleIdle();
    }

    /**
     * Idle sessions whose credentials would need a new AssumeRole anyway (renewing is no cheaper than
     * starting anew), idle for longer than the idle limit, or beyond {@link #MAX_IDLE}.
     */
    private void evictStaleIdle() {
        Instant limit = clock.instant().minus(idleLimit);
        List<Held> idle = sessions.values().stream().filter(h -> h.holders == 0)
                .sorted(Comparator.comparing((Held h) -> h.idleSince).reversed()).toList();
        for (int i = 0; i < idle.size(); i++) {
            Held h = idle.get(i);
            if (i >= MAX_IDLE || h.session.isStale() || !h.idleSince.isAfter(limit)) {
                sessions.remove(h.session.key());
                h.session.close();
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            sessions.values().forEach(h -> h.session.close());
            sessions.clear();
        }
        sweeper.shutdownNow();
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
