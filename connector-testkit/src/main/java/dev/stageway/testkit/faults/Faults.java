package dev.stageway.testkit.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The faults armed in a sandbox, which its stand-ins ask before answering each request. The
 * first armed fault that strikes a request decides what goes wrong with it; faults armed after it
 * do not see (or count) that request.
 */
public final class Faults {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    private final List<Fault> armed = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public Faults(Clock clock) {
        this.clock = clock;
    }

    /** Arms {@code fault} (its window, if any, starts now); returns it, to ask later how often it struck. */
    public Fault arm(Fault fault) {
        fault.arm(clock.instant());
        armed.add(fault);
        return fault;
    }

    /** Disarms every fault. */
    public void clear() {
        armed.clear();
    }

    public List<Fault> armed() {
        return List.copyOf(armed);
    }

    /** The fault that strikes this S3 request, if any. */
    public Optional<Fault> s3(String operation, String key) {
        return strike("s3", operation, key);
    }

    /** The fault that strikes this STS action, if any. */
    public Optional<Fault> sts(String action) {
        return strike("sts", action, "");
    }

    /** The fault that strikes this Redshift statement ({@code COPY}, {@code COMMIT}, ...), if any. */
    public Optional<Fault> redshift(String statement) {
        return strike("redshift", statement, "");
    }

    private Optional<Fault> strike(String service, String operation, String key) {
        for (Fault f : armed) {
            if (f.strikes(service, operation, key, clock.instant())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * Faults from a JSON file: {@code {"faults": [{"fault": "slow-down", "operation": "UploadPart",
     * "key": "out/*", "nth": 2, "times": 1}, {"fault": "throttle", "for": "30s"}, ...]}}. {@code fault}
     * is a {@link Fault.Kind} in lower case with '-' ({@code internal-error}, {@code drop-after});
     * {@code delay} and {@code for} are durations such as {@code 500ms}, {@code 2s}, {@code 1m}.
     */
    public static List<Fault> read(Path file) {
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw new IllegalArgumentException("faults file " + file + " cannot be read as JSON: " + e.getMessage(), e);
        }
        List<Fault> faults = new ArrayList<>();
        JsonNode list = root.path("faults");
        if (!list.isArray()) {
            throw new IllegalArgumentException("faults file " + file + ": expected {\"faults\": [...]}");
        }
        for (JsonNode n : list) {
            String name = n.path("fault").asString("");
            Fault.Kind kind;
            try {
                kind = Fault.Kind.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("faults file " + file + ": unknown fault '" + name + "'; one of "
                        + java.util.Arrays.stream(Fault.Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
            }
            Fault f = Fault.of(kind);
            if (n.has("operation")) {
                f = f.on(n.get("operation").asString());
            }
            if (n.has("key")) {
                f = f.onKey(n.get("key").asString());
            }
            if (n.has("nth")) {
                f = f.nth(n.get("nth").asInt());
            }
            if (n.has("times")) {
                f = f.times(n.get("times").asInt());
            }
            if (n.has("delay")) {
                f = f.delay(duration(file, n.get("delay").asString()));
            }
            if (n.has("for")) {
                f = f.lasting(duration(file, n.get("for").asString()));
            }
            faults.add(f);
        }
        return faults;
    }

    private static Duration duration(Path file, String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("faults file " + file + ": '" + text + "' is not a duration such as 500ms, 2s or 1m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
