package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.error.ErrorKind;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.Leftover;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cleanup}: what runs of a mapping left behind when their process died (open multipart
 * uploads, staging folders), older than an age, removed by the connectors that made them, which
 * recognise their own and touch nothing else.
 */
final class Cleanup {
    private Cleanup() {
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");

    /** {@code 0s}, {@code 30m}, {@code 24h}, {@code 7d}. */
    static Duration age(String text) {
        Matcher m = text == null ? null : DURATION.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new ConfigurationException(Problem.of("--older-than", "must be a number and a unit, s, m, h or d (such as 30m, 24h, "
                    + "7d), was " + text));
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static int run(Path bundle, Path file, Duration olderThan, boolean dryRun, PrintStream out) {
        Mapping mapping = Mapping.read(file);
        Instant before = Instant.now().minus(olderThan);
        try (PluginBundle plugin = PluginBundle.open(bundle, Cleanup.class.getClassLoader())) {
            ConfigurationException.throwIfAny(Commands.problems(plugin, mapping));
            RunContext context = new RunContext(Commands.runId("cleanup"), plugin.runtime());
            Set<String> seen = new HashSet<>();
            int found = 0;
            int failed = 0;
            for (Mapping.Side side : List.of(mapping.source(), mapping.target()).stream().flatMap(Optional::stream).toList()) {
                ConnectorFactory f = plugin.connector(side.prefix() + ".connector", side.connector());
                boolean asSource = side.prefix().equals("source");
                out.println(side.prefix() + " (" + side.connector() + "):");
                int shown = 0;
                for (Leftover l : f.cleanUp(context, side.connection(f), side.own(f, asSource), asSource, before, dryRun)) {
                    if (!seen.add(l.kind() + " " + l.location())) {
                        continue;   // both sides share a staging folder
                    }
                    shown++;
                    found++;
                    failed += l.outcome() == Leftover.Outcome.FAILED ? 1 : 0;
                    out.println("  " + switch (l.outcome()) {
                        case REMOVED -> "removed ";
                        case FOUND -> "would remove ";
                        case FAILED -> "FAILED to remove ";
                    } + l.kind() + " " + l.location() + ", from " + l.created() + ": " + l.detail());
                }
                if (shown == 0) {
                    out.println("  nothing older than " + before + " left behind");
                }
            }
            out.println(dryRun ? "dry run: " + found + " found, nothing removed"
                    : (found - failed) + " removed" + (failed == 0 ? "" : ", " + failed + " could not be removed"));
            return failed == 0 ? Stageway.OK : ErrorKind.STORAGE.exitCode();
        }
    }
}
