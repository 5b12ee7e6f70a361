package dev.stageway.config;

import java.util.List;
import java.util.Objects;

/**
 * One configuration problem, attached to every property involved (a pair of keys that must
 * come together names both).
 */
public record Problem(List<String> properties, String message) {
    public Problem {
        properties = List.copyOf(properties);
        Objects.requireNonNull(message, "message is null");
        if (properties.isEmpty()) {
            throw new IllegalArgumentException("a problem names at least one property");
        }
    }

    public static Problem of(String property, String message) {
        return new Problem(List.of(property), message);
    }

    @Override
    public String toString() {
        return String.join(", ", properties) + ": " + message;
    }
}
