package dev.stageway.harness;

import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import java.util.function.BooleanSupplier;

/** Runs one mapping in this process with the plugin's contract: plan, tasks, one commit; what a runtime does. */
final class MappingRun {
    private MappingRun() {
    }

    static RunResult run(PluginBundle plugin, Mapping mapping, String runId, int parallelism, Progress progress) {
        return run(plugin, mapping, runId, parallelism, progress, () -> false, () -> { });
    }

    /**
     * @param stop       asked between batches: once true, the run is aborted and {@link LocalRun.Stopped} thrown
     * @param committing told when the commit starts, after which the run is not stopped
     */
    static RunResult run(PluginBundle plugin, Mapping mapping, String runId, int parallelism, Progress progress, BooleanSupplier stop,
                         Runnable committing) {
        Mapping.Side from = mapping.source().orElseThrow();
        Mapping.Side to = mapping.target().orElseThrow();
        ConnectorFactory source = plugin.connector("source.connector", from.connector());
        ConnectorFactory target = plugin.connector("target.connector", to.connector());
        long started = System.nanoTime();
        try {
            LocalRun.Result r = LocalRun.run(new RunContext(runId, plugin.runtime()),
                    new LocalRun.Side(source, from.connection(source), from.own(source, true)),
                    new LocalRun.Side(target, to.connection(target), to.own(target, false)), parallelism, new LocalRun.Progress() {
                        @Override
                        public void update(long rows, long bytes) {
                            progress.update(rows, bytes);
                        }

                        @Override
                        public void committing() {
                            committing.run();
                        }
                    }, stop);
            return new RunResult(runId, from.connector(), to.connector(), r.splits(), r.tasks(), r.read(),
                    r.written().orElse(RunSummary.EMPTY), r.path(), (System.nanoTime() - started) / 1_000_000);
        } finally {
            progress.done();
        }
    }
}
