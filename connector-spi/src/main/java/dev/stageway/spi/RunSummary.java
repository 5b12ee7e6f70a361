package dev.stageway.spi;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Counts of one side of a run, for the host's report.
 *
 * @param rows     records read or written
 * @param rejected records skipped or rejected as bad data
 * @param bytes    bytes moved to or from storage
 * @param details  further named figures (objects, staged files, STS calls)
 * @param samples  the first {@link #SAMPLES} rejected records, where the side can describe them
 */
public record RunSummary(long rows, long rejected, long bytes, Map<String, Long> details, List<RejectedRow> samples)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How many rejected records a summary describes at most. */
    public static final int SAMPLES = 100;

    /** The detail a commit reports, as 1, when its run id had already committed and it published nothing. */
    public static final String ALREADY_COMMITTED = "already committed";

    public static final RunSummary EMPTY = new RunSummary(0, 0, 0, Map.of(), List.of());

    public RunSummary {
        details = Map.copyOf(details);
        samples = samples == null ? List.of() : List.copyOf(samples.subList(0, Math.min(SAMPLES, samples.size())));
    }

    /** A summary that describes none of its rejected records. */
    public RunSummary(long rows, long rejected, long bytes, Map<String, Long> details) {
        this(rows, rejected, bytes, details, List.of());
    }

    /** Whether this is a commit that found its run already committed. */
    public boolean alreadyCommitted() {
        return details.getOrDefault(ALREADY_COMMITTED, 0L) == 1L;
    }

    /** This and {@code other} added up, figure by figure. */
    public RunSummary plus(RunSummary other) {
        Map<String, Long> sum = new java.util.TreeMap<>(details);
        other.details.forEach((k, v) -> sum.merge(k, v, Long::sum));
        List<RejectedRow> both = new ArrayList<>(samples);
        both.addAll(other.samples);
        return new RunSummary(rows + other.rows, rejected + other.rejected, bytes + other.bytes, sum, both);
    }
}
