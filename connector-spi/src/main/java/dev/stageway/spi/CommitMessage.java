package dev.stageway.spi;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /**
     * Refuses messages with two of one task: a commit given them would publish a task twice (or two
     * attempts' objects under one name).
     */
    public static void checkOneAttemptPerTask(List<CommitMessage> messages) {
        Set<Integer> tasks = new HashSet<>();
        for (CommitMessage m : messages) {
            if (!tasks.add(m.task())) {
                throw new IllegalArgumentException("Cannot commit two messages of task " + m.task()
                        + ": give the commit one attempt's message per task");
            }
        }
    }
}
