package dev.stageway.harness;

import dev.stageway.spi.LocalRun;
import dev.stageway.spi.RejectedRow;
import dev.stageway.spi.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a run did: how it was split, both sides' summaries and the elapsed time; printed, and
 * written as JSON with --report.
 */
record RunResult(String runId, String source, String target, int splits, int tasks, RunSummary read, RunSummary written,
                 LocalRun.PathTaken path, long elapsedMillis) {

    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", runId);
        m.put("source", source);
        m.put("target", target);
        m.put("splits", splits);
        m.put("tasks", tasks);
        m.put("path", path.name());
        if (!path.reason().isEmpty()) {
            m.put("pathReason", path.reason());
        }
        m.put("alreadyCommitted", written.alreadyCommitted());
        m.put("rowsRead", read.rows());
        m.put("rowsRejected", read.rejected() + written.rejected());
        List<RejectedRow> rejected = read.plus(written).samples();
        if (!rejected.isEmpty()) {
            m.put("rejected", rejected.stream().map(RunResult::rejected).toList());
        }
        m.put("rowsWritten", written.rows());
        m.put("bytesRead", read.bytes());
        m.put("bytesWritten", written.bytes());
        m.put("sourceDetails", read.details());
        m.put("targetDetails", written.details());
        m.put("elapsedMillis", elapsedMillis);
        return m;
    }

    /** A rejected record as the report shows it: rawLine only where the side keeps it. */
    private static Map<String, Object> rejected(RejectedRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", r.record());
        m.put("file", r.file());
        m.put("line", r.line());
        m.put("column", r.column());
        m.put("reason", r.reason());
        if (r.rawLine() != null) {
            m.put("rawLine", r.rawLine());
        }
        return m;
    }

    void print(PrintStream out) {
        if (written.alreadyCommitted()) {
            out.printf("run %s was already loaded into the target: nothing was done; %.2f s%n", runId, elapsedMillis / 1000.0);
            return;
        }
        if (!path.name().equals(LocalRun.PathTaken.STREAMED)) {
            // A copy counts no rows; a load counts those COPY loaded and rejected.
            String rows = written.rows() + written.rejected() > 0
                    ? String.format("%,d rows written, %,d rejected; ", written.rows(), written.rejected()) : "";
            out.printf("done by %s, no rows through this process: %s%,d source bytes; source %s; target %s; %.2f s%n", path.name(), rows,
                    written.bytes(), read.details(), written.details(), elapsedMillis / 1000.0);
            return;
        }
        out.printf("done: %,d rows read, %,d written, %,d rejected; %,d bytes read, %,d written; %d splits in %d tasks; "
                        + "source %s; target %s; %.2f s%n", read.rows(), written.rows(), read.rejected() + written.rejected(),
                read.bytes(), written.bytes(), splits, tasks, read.details(), written.details(), elapsedMillis / 1000.0);
    }

    void writeJson(Path file) {
        ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        try {
            Files.writeString(file, json.writeValueAsString(asMap()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the report " + file + ": " + e.getMessage(), e);
        }
    }
}
