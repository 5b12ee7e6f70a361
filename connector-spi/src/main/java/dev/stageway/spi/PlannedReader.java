package dev.stageway.spi;

import java.util.Map;
import java.util.Optional;

/**
 * A whole source read in one thread: plans it, then reads its splits one after another. For a
 * host that needs no parallelism; closing it closes the plan (removing what planning created).
 */
public final class PlannedReader implements SourceReader {
    private final SourcePlan plan;
    private final SplitsReader splits;

    private PlannedReader(ConnectorFactory connector, RunContext context, Map<String, String> connection, Map<String, String> source) {
        this.plan = connector.planSource(context, connection, source);
        this.splits = new SplitsReader(connector, context, connection, source, plan.schema(), plan.splits());
    }

    public static PlannedReader open(ConnectorFactory connector, RunContext context, Map<String, String> connection,
                                     Map<String, String> source) {
        return new PlannedReader(connector, context, connection, source);
    }

    @Override
    public Schema schema() {
        return plan.schema();
    }

    @Override
    public Optional<RecordBatch> next() {
        return splits.next();
    }

    /** What the split readers read so far; planning's own figures are {@link SourcePlan#summary()}. */
    @Override
    public RunSummary summary() {
        return splits.summary();
    }

    @Override
    public void close() {
        try {
            splits.close();
        } finally {
            plan.close();
        }
    }
}
