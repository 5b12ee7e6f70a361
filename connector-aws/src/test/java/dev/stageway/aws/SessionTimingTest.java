package dev.stageway.aws;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionTimingTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFifteenMinuteSessionRenewsFiveMinutesBeforeAndBlocksOnlyInTheLastMinute() {
        SessionTiming t = SessionTiming.of(T0, T0.plus(Duration.ofMinutes(15)));
        assertEquals(T0.plus(Duration.ofMinutes(10)), t.prefetchAt());
        assertEquals(T0.plus(Duration.ofMinutes(14)), t.staleAt());
        assertFalse(t.shouldPrefetch(T0.plus(Duration.ofMinutes(9))));
        assertTrue(t.shouldPrefetch(T0.plus(Duration.ofMinutes(10))));
        assertFalse(t.isStale(T0.plus(Duration.ofMinutes(13))));
        assertTrue(t.isStale(T0.plus(Duration.ofMinutes(14))));
    }

    @Test
    void aShortSessionScalesTheSameWay() {
        SessionTiming t = SessionTiming.of(T0, T0.plusSeconds(3));
        assertEquals(T0.plusSeconds(2), t.prefetchAt());
        assertEquals(T0.plusMillis(2700), t.staleAt());
    }

    @Test
    void coversComparesRemainingLifetime() {
        SessionTiming t = SessionTiming.of(T0, T0.plus(Duration.ofHours(1)));
        assertTrue(t.covers(T0, Duration.ofMinutes(60)));
        assertFalse(t.covers(T0.plusSeconds(1), Duration.ofMinutes(60)));
    }
}
