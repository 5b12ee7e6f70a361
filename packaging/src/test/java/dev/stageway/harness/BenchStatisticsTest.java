package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.harness.BenchStatistics.Standing;
import org.junit.jupiter.api.Test;

/** How a figure summarises its rounds, and how its spread stands against its target. */
class BenchStatisticsTest {
    @Test
    void aFigureIsTheMedianOfRoundsWithTheSpreadOfTheirOwnRatios() {
        Figure f = BenchStatistics.figure("x", new double[] {100, 90, 120}, "MB/s", new double[] {100, 100, 80}, ">= 1.0");
        assertEquals(100, f.value());
        assertEquals(100, f.baseline());
        assertEquals(1.0, f.ratio(), 1e-9, "the median of 1.0, 0.9 and 1.5");
        assertArrayEquals(new double[] {0.9, 1.5}, f.spread(), 1e-9);
        assertEquals(Standing.ACROSS, f.standing());
    }

    @Test
    void theSpreadMeetsMissesOrReachesAcrossEachKindOfTarget() {
        assertEquals(Standing.MEETS, figure(1.0, 1.2, ">= 1.0").standing());
        assertEquals(Standing.MISSES, figure(0.7, 0.9, ">= 1.0").standing());
        assertEquals(Standing.ACROSS, figure(0.7, 1.1, ">= 1.0").standing());
        assertEquals(Standing.MEETS, figure(1.01, 1.08, "<= 1.1, 2 GiB with -Xmx192m").standing());
        assertEquals(Standing.MISSES, figure(1.2, 1.3, "<= 1.1").standing());
        assertEquals(Standing.ACROSS, figure(1.05, 1.2, "<= 1.1").standing());
        assertEquals(Standing.MEETS, figure(1, 1, "= 1").standing());
        assertEquals(Standing.MISSES, figure(2, 2, "= 1").standing());
        assertEquals(Standing.MEETS, figure(0.1, 0.2, "agentBytes = 0; time reported").standing(), "no comparison with a number first");
    }

    private static Figure figure(double low, double high, String target) {
        return new Figure("x", 1, "u", 1, (low + high) / 2, target, new double[] {low, high}, null);
    }
}
