package dev.stageway.harness;

import dev.stageway.spi.PluginBundle;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.spi.CheckStep;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.RunContext;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** describe, validate, check and run. */
final class Commands {
    private Commands() {
    }

    static int describe(Path bundle, String connector, PrintStream out) {
        try (PluginBundle plugin = PluginBundle.open(bundle, Commands.class.getClassLoader())) {
            Map<String, ConnectorFactory> connectors = plugin.connectors();
            List<String> names = connector == null ? List.copyOf(connectors.keySet()) : List.of(connector);
            out.println("plugin " + plugin.descriptor().getProperty("name") + " " + plugin.descriptor().getProperty("version")
                    + " (SPI " + plugin.descriptor().getProperty("spi-version") + ")");
            out.println("any value may be ${env:NAME}, ${file:PATH} or ${file:PATH:KEY} (secrets by reference; $${ writes a literal ${)");
            for (String name : names) {
                ConnectorFactory f = plugin.connector("describe", name);
                out.println();
                out.println(name + ": " + f.description());
                table(out, "connection", f.connectionProperties());
                table(out, "source", f.sourceProperties());
                table(out, "target", f.targetProperties());
                if (!f.runtimeProperties().descriptors().isEmpty()) {
                    table(out, "runtime (given once by a host for all its runs)", f.runtimeProperties());
                }
            }
            return Stageway.OK;
        }
    }

    private static void table(PrintStream out, String what, PropertyTable table) {
        out.println("  " + what + " properties:");
        for (PropertyDescriptor<?> d : table.descriptors()) {
            out.println("    " + d.name() + "  [" + d.group() + "]  type: " + d.type().description() + "  default: "
                    + defaultText(d) + "  required: " + (d.required() ? "yes" : "no") + "  sensitive: " + (d.sensitive() ? "yes" : "no"));
            out.println("        " + d.documentation());
        }
    }

    private static <T> String defaultText(PropertyDescriptor<T> d) {
        return d.defaultValue().map(v -> d.type().format(v)).map(v -> v.isEmpty() ? "(empty)" : v).orElse("-");
    }

    static int validate(Path bundle, Path file, PrintStream out) {
        Mapping mapping = Mapping.read(file);
        try (PluginBundle plugin = PluginBundle.open(bundle, Commands.class.getClassLoader())) {
            List<Problem> problems = problems(plugin, mapping);
            problems.forEach(out::println);
            if (problems.isEmpty()) {
                out.println(file + " is valid");
                return Stageway.OK;
            }
            return Stageway.USAGE;
        }
    }

    /** Every problem of both sides, each naming its property with the side's prefix. */
    static List<Problem> problems(PluginBundle plugin, Mapping mapping) {
        List<Problem> problems = new ArrayList<>();
        for (Mapping.Side side : List.of(mapping.source(), mapping.target()).stream().flatMap(java.util.Optional::stream).toList()) {
            ConnectorFactory f;
            try {
                f = plugin.connector(side.prefix() + ".connector", side.connector());
            } catch (dev.stageway.config.ConfigurationException e) {
                problems.addAll(e.problems());
                continue;
            }
            boolean asSource = side.prefix().equals("source");
            List<Problem> found = asSource ? f.validateSource(side.connection(f), side.own(f, true))
                    : f.validateTarget(side.connection(f), side.own(f, false));
            for (Problem p : found) {
                problems.add(new Problem(p.properties().stream().map(n -> side.prefix() + "." + n).toList(), p.message()));
            }
        }
        return dedupe(problems);
    }

    private static List<Problem> dedupe(List<Problem> problems) {
        List<Problem> out = new ArrayList<>();
        for (Problem p : problems) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    static int check(Path bundle, Path file, PrintStream out) {
        Mapping mapping = Mapping.read(file);
        try (PluginBundle plugin = PluginBundle.open(bundle, Commands.class.getClassLoader())) {
            List<Problem> problems = problems(plugin, mapping);
            if (!problems.isEmpty()) {
                problems.forEach(out::println);
                return Stageway.USAGE;
            }
            boolean allPassed = true;
            RunContext context = new RunContext(runId("check"), plugin.runtime());
            for (Mapping.Side side : List.of(mapping.source(), mapping.target()).stream().flatMap(java.util.Optional::stream).toList()) {
                ConnectorFactory f = plugin.connector(side.prefix() + ".connector", side.connector());
                boolean asSource = side.prefix().equals("source");
                out.println(side.prefix() + " (" + side.connector() + "):");
                for (CheckStep step : f.check(context, side.connection(f), side.own(f, asSource), asSource)) {
                    out.println("  [" + (step.warns() ? "warn" : step.passed() ? "pass" : "FAIL") + "] " + step.name() + ": "
                            + step.detail());
                    if (!step.hint().isEmpty()) {
                        out.println("         hint: " + step.hint());
                    }
                    allPassed &= step.passed();
                }
            }
            out.println(allPassed ? "all checks passed" : "some checks failed");
            return allPassed ? Stageway.OK : dev.stageway.error.ErrorKind.AUTHENTICATION.exitCode();
        }
    }

    /** @param runId null for a new one */
    static int run(Path bundle, Path file, Path report, String runId, int parallelism, PrintStream out) {
        Mapping mapping = Mapping.read(file);
        if (mapping.source().isEmpty() || mapping.target().isEmpty()) {
            throw new dev.stageway.config.ConfigurationException(Problem.of(mapping.source().isEmpty() ? "source.connector"
                    : "target.connector", "run needs both a source and a target"));
        }
        try (PluginBundle plugin = PluginBundle.open(bundle, Commands.class.getClassLoader())) {
            List<Problem> problems = problems(plugin, mapping);
            if (!problems.isEmpty()) {
                throw new dev.stageway.config.ConfigurationException(problems);
            }
            RunResult result;
            int exit = Stageway.OK;
            try (Interruption interruption = Interruption.install(System.err)) {
                try {
                    result = MappingRun.run(plugin, mapping, runId != null ? runId : runId("run"), parallelism, Progress.forConsole(out),
                            interruption::requested, interruption::committing);
                } catch (LocalRun.Stopped e) {
                    out.println("interrupted: nothing was published");
                    return interruption.exitCode();
                }
                if (interruption.requested()) {
                    // The signal came while the commit ran: it finished, and what it published stays.
                    out.println("interrupted: the run had already published what follows");
                    exit = interruption.exitCode();
                }
            }
            result.print(out);
            if (report != null) {
                result.writeJson(report);
                out.println("report written to " + report);
            }
            return exit;
        }
    }

    static String runId(String what) {
        return what + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
    }
}
