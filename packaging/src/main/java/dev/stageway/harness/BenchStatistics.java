package dev.stageway.harness;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How bench figures are measured and summarised: both sides of a round back to back, alternating
 * which goes first; medians of rounds; the figure that carries a value next to its baseline.
 */
final class BenchStatistics {
    private BenchStatistics() {
    }

    /**
     * One figure: our value, the baseline measured in the same run, their ratio, the target it is
     * held to, and the spread of the rounds' own ratios ({@code [min, max]}); for a direct path, the
     * bytes that passed through the agent's process (null for other figures).
     */
    record Figure(String figure, double value, String unit, double baseline, double ratio, String target, double[] spread,
                  Long agentBytes) {

        Figure withAgentBytes(long bytes) {
            return new Figure(figure, value, unit, baseline, ratio, target, spread, bytes);
        }

        /**
         * Where the rounds' ratios stand against the target's line: all on its side, all short of
         * it, or across it (this machine's noise decides). Targets that are not one comparison with
         * a number are met.
         */
        Standing standing() {
            Matcher m = COMPARISON.matcher(target);
            if (!m.find()) {
                return Standing.MEETS;
            }
            double line = Double.parseDouble(m.group(2));
            boolean low = spread[0] >= line;
            boolean high = spread[1] <= line;
            boolean allMeet = switch (m.group(1)) {
                case ">=" -> low;
                case "<=" -> high;
                default -> low && high;
            };
            boolean noneMeet = switch (m.group(1)) {
                case ">=" -> spread[1] < line;
                case "<=" -> spread[0] > line;
                default -> spread[1] < line || spread[0] > line;
            };
            return allMeet ? Standing.MEETS : noneMeet ? Standing.MISSES : Standing.ACROSS;
        }
    }

    enum Standing {
        MEETS(""), MISSES("  (short of the target in every round)"), ACROSS("  (the rounds' spread reaches across the target: noise decides)");

        final String note;

        Standing(String note) {
            this.note = note;
        }
    }

    private static final Pattern COMPARISON = Pattern.compile("^(>=|<=|=)\\s*([0-9]+(?:\\.[0-9]+)?)");

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

    /** {@code rounds} pairs after one that warms up both sides: each side's values, round by round ({@code [ours, baseline]}). */
    static double[][] rounds(int rounds, Callable<Double> ours, Callable<Double> baseline) throws Exception {
        return rounds(1, rounds, ours, baseline);
    }

    /** {@code rounds} pairs after {@code warmups} that warm up both sides, as {@link #rounds(int, Callable, Callable)}. */
    static double[][] rounds(int warmups, int rounds, Callable<Double> ours, Callable<Double> baseline) throws Exception {
        double[][] values = new double[2][rounds];
        for (int r = -warmups; r < rounds; r++) {
            double[] pair = pair(r, ours, baseline);
            if (r >= 0) {
                values[0][r] = pair[0];
                values[1][r] = pair[1];
            }
        }
        return values;
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
        return new Figure(name, median(ours), unit, median(baseline), median(ratios), target,
                new double[] {Arrays.stream(ratios).min().orElseThrow(), Arrays.stream(ratios).max().orElseThrow()}, null);
    }

    /** A figure measured once. */
    static Figure figure(String name, double value, String unit, double baseline, String target) {
        double ratio = baseline == 0 ? 0 : value / baseline;
        return new Figure(name, value, unit, baseline, ratio, target, new double[] {ratio, ratio}, null);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
