package dev.stageway.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What one side offers toward a direct path: a value, or the reason it offers none, in words a
 * run report shows ({@code pathReason}).
 */
public record Direct<T>(Optional<T> value, String reason) {

    public Direct {
        Objects.requireNonNull(value, "value is null");
        Objects.requireNonNull(reason, "reason is null");
    }

    public static <T> Direct<T> of(T value) {
        return new Direct<>(Optional.of(value), "");
    }

    public static <T> Direct<T> refused(String reason) {
        return new Direct<>(Optional.empty(), reason);
    }
}
