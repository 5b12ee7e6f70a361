package dev.stageway.spi;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What one task attempt staged, sent from its {@link TaskWriter} to the coordinator's commit, possibly
 * across JVMs: so it holds JDK types only, and is serialisable.
 *
 * @param task       the task
 * @param attempt    the attempt of the task that staged it
 * @param summary    what the attempt wrote (rows, bytes)
 * @param attributes what the commit needs of the attempt as a whole (for Redshift, the longest value of each string column)
 * @param items      what was staged, one map per object (key and upload, or staged file)
 */
public record CommitMessage(int task, int attempt, RunSummary summary, Map<String, String> attributes,
                            List<Map<String, String>> items) implements Serializable {
    private static final long serialVersionUID = 1L;

    public CommitMessage {
        attributes = Map.copyOf(attributes);
        items = items.stream().map(Map::copyOf).toList();
    }
}
