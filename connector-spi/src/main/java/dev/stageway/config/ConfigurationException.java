package dev.stageway.config;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a set of properties, reported at once. */
public final class ConfigurationException extends StagewayException {
    private static final long serialVersionUID = 1L;

    private final List<Problem> problems;

    public ConfigurationException(List<Problem> problems) {
        super(ErrorKind.CONFIGURATION, render(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(Problem problem) {
        this(List.of(problem));
    }

    /** Throws when {@code problems} holds any. */
    public static void throwIfAny(List<Problem> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        if (problems.size() == 1) {
            return "Invalid configuration: " + problems.get(0);
        }
        return "Invalid configuration (" + problems.size() + " problems):"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }
}
