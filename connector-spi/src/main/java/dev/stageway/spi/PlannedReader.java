package dev.stageway.spi;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A whole source read in one thread: plans it, then reads its splits one after another. For a
 * host that needs no parallelism; closing it closes the plan (removing what planning created).
 */
public final class PlannedReader implements SourceReader {
    private final ConnectorFactory connector;
    private final RunContext context;
    private final Map<String, String> connection;
    private final Map<String, String> source;
    private final SourcePlan plan;
    private final Iterator<Split> splits;
    private SourceReader current;
    private RunSummary done = RunSummary.EMPTY;

    private PlannedReader(ConnectorFactory connector, RunContext context, Map<String, String> connection, Map<String, String> source) {
        this.connector = connector;
        this.context = context;
        this.connection = connection;
        this.source = source;
        this.plan = connector.planSource(context, connection, source);
        this.splits = plan.splits().iterator();
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
        while (true) {
            if (current == null) {
                if (!splits.hasNext()) {
                    return Optional.empty();
                }
                current = connector.openReader(context, connection, source, splits.next());
            }
            Optional<RecordBatch> batch = current.next();
            if (batch.isPresent()) {
                return batch;
            }
            done = done.plus(current.summary());
            current.close();
            current = null;
        }
    }

    /** What the split readers read so far; planning's own figures are {@link SourcePlan#summary()}. */
    @Override
    public RunSummary summary() {
        return current == null ? done : done.plus(current.summary());
    }

    @Override
    public void close() {
        try {
            if (current != null) {
                current.close();
            }
        } finally {
            plan.close();
        }
    }
}
