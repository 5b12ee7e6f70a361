package dev.stageway.spi;

import java.io.Serializable;
import java.util.Map;

/**
 * Counts of one side of a run, for the host's report.
 *
 * @param rows     records read or written
 * @param rejected records skipped or rejected as bad data
 * @param bytes    bytes moved to or from storage
 * @param details  further named figures (objects, staged files, STS calls)
 */
public record RunSummary(long rows, long rejected, long bytes, Map<String, Long> details) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The detail a commit reports, as 1, when its run id had already committed and it published nothing. */
    public static final String ALREADY_COMMITTED = "already committed";

    public static final RunSummary EMPTY = new RunSummary(0, 0, 0, Map.of());

    public RunSummary {
        details = Map.copyOf(details);
    }

    /** Whether this is a commit that found its run already committed. */
    public boolean alreadyCommitted() {
        return details.getOrDefault(ALREADY_COMMITTED, 0L) == 1L;
    }

    /** This and {@code other} added up, figure by figure. */
    public RunSummary plus(RunSummary other) {
        Map<String, Long> sum = new java.util.TreeMap<>(details);
        other.details.forEach((k, v) -> sum.merge(k, v, Long::sum));
        return new RunSummary(rows + other.rows, rejected + other.rejected, bytes + other.bytes, sum);
    }
}
