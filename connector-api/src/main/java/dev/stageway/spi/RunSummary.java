package dev.stageway.spi;

import java.util.Map;

/**
 * Counts of one side of a run, for the host's report.
 *
 * @param rows     records read or written
 * @param rejected records skipped or rejected as bad data
 * @param bytes    bytes moved to or from storage
 * @param details  further named figures (objects, staged files, STS calls)
 */
public record RunSummary(long rows, long rejected, long bytes, Map<String, Long> details) {
    public RunSummary {
        details = Map.copyOf(details);
    }
}
