package dev.stageway.config;

import java.util.Objects;

/**
 * A secret value (secret key, session token, password). {@link #toString()} never shows it;
 * only {@link #reveal()} does, and only code that hands it to AWS or the database calls that.
 */
public final class Secret {
    public static final String MASK = "[hidden]";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value is null");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
