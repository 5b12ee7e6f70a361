package dev.stageway.harness;

import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.TargetWriter;
import java.util.Optional;

/** Runs one mapping: the source's batches into the target, committed at the end; what a runtime does. */
final class MappingRun {
    private MappingRun() {
    }

    static RunResult run(PluginBundle plugin, Mapping mapping, String runId, Progress progress) {
        Mapping.Side from = mapping.source().orElseThrow();
        Mapping.Side to = mapping.target().orElseThrow();
        ConnectorFactory source = plugin.connector("source.connector", from.connector());
        ConnectorFactory target = plugin.connector("target.connector", to.connector());
        RunContext context = new RunContext(runId, plugin.runtime());
        long started = System.nanoTime();
        try (SourceReader reader = source.openReader(context, from.connection(source), from.own(source, true))) {
            if (reader.schema().size() == 0) {
                // An empty source (no objects, no rows): nothing to write, and no target to touch.
                progress.done();
                return new RunResult(runId, from.connector(), to.connector(), reader.summary(),
                        new RunSummary(0, 0, 0, java.util.Map.of()), (System.nanoTime() - started) / 1_000_000);
            }
            return copy(reader, target.openWriter(context, to.connection(target), to.own(target, false), reader.schema()), runId, from,
                    to, progress, started);
        } catch (RuntimeException e) {
            progress.done();
            throw e;
        }
    }

    private static RunResult copy(SourceReader reader, TargetWriter opened, String runId, Mapping.Side from, Mapping.Side to,
                                  Progress progress, long started) {
        try (TargetWriter writer = opened) {
            long rows = 0;
            for (Optional<RecordBatch> batch = reader.next(); batch.isPresent(); batch = reader.next()) {
                writer.write(batch.get());
                rows += batch.get().size();
                progress.update(rows, reader.summary().bytes());
            }
            RunSummary written;
            try {
                written = writer.commit();
            } finally {
                progress.done();
            }
            return new RunResult(runId, from.connector(), to.connector(), reader.summary(), written,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }
}
