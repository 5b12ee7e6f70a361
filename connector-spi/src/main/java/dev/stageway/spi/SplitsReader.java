package dev.stageway.spi;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Splits of one plan read one after another as one reader: each split's reader is opened when the
 * one before it runs dry, and closed then. For a host that reads a run of splits in one thread.
 */
public final class SplitsReader implements SourceReader {
    private final ConnectorFactory connector;
    private final RunContext context;
    private final Map<String, String> connection;
    private final Map<String, String> source;
    private final Schema schema;
    private final Iterator<Split> splits;
    private SourceReader current;
    private RunSummary done = RunSummary.EMPTY;

    /** @param schema the plan's, which every split's records have */
    public SplitsReader(ConnectorFactory connector, RunContext context, Map<String, String> connection, Map<String, String> source,
                        Schema schema, List<Split> splits) {
        this.connector = connector;
        this.context = context;
        this.connection = connection;
        this.source = source;
        this.schema = schema;
        this.splits = splits.iterator();
    }

    @Override
    public Schema schema() {
        return schema;
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

    /** What the splits read so far. */
    @Override
    public RunSummary summary() {
        return current == null ? done : done.plus(current.summary());
    }

    @Override
    public void close() {
        if (current != null) {
            done = done.plus(current.summary());
            current.close();
            current = null;
        }
    }
}
