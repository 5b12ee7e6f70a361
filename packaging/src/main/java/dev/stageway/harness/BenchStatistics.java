package dev.stageway.harness;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * How bench figures are measured and summarised: both sides of a round back to back, alternating
 * which goes first; medians of rounds; the figure that carries a value next to its baseline.
 */
final class BenchStatistics {
    private BenchStatistics() {
    }

    /** One figure: our value, the baseline measured in the same run, their ratio, and the target it is held to. */
    record Figure(String figure, double value, String unit, double baseline, double ratio, String target) {
    }

    /**
     * Both sides of a round: ours first in even rounds, the baseline first in odd ones, so neither
     * always runs second (after the other's garbage, on a warmer or busier machine).
     */
    static double[] pair(int round, Callable<Double> ours, Callable<Double> baseline) throws Exception {
        if (round % 2 == 0) {
            double o = ours.call();
            return new double[] {o, baseline.call()};
        }
        double b = baseline.call();
        return new double[] {ours.call(), b};
    }

    static double seconds(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * A figure from rounds measured in pairs (see {@link #pair}): value and baseline are medians, the
     * ratio is the median of the rounds' own ratios, so a slow spell of this shared machine that hits
     * one round's pair does not skew the comparison.
     */
    static Figure figure(String name, double[] ours, String unit, double[] baseline, String target) {
        double[] ratios = new double[ours.length];
        for (int i = 0; i < ours.length; i++) {
            ratios[i] = ours[i] / baseline[i];
        }
        return new Figure(name, median(ours), unit, median(baseline), median(ratios), target);
    }

    static Figure figure(String name, double value, String unit, double baseline, String target) {
        return new Figure(name, value, unit, baseline, baseline == 0 ? 0 : value / baseline, target);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
