package dev.stageway.testkit.iam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The condition keys of one request and their values, as IAM evaluates them: key names are
 * case-insensitive, values are not, and a key may carry several values (such as
 * {@code aws:TagKeys}). A key that is absent is not the same as a key with no values.
 */
public final class RequestContext {
    private final Map<String, List<String>> values;

    private RequestContext(Map<String, List<String>> values) {
        this.values = values;
    }

    public static final RequestContext EMPTY = new RequestContext(Map.of());

    public static Builder builder() {
        return new Builder(new LinkedHashMap<>());
    }

    /** The values of {@code key}, or empty when the request does not carry it. */
    public Optional<List<String>> get(String key) {
        return Optional.ofNullable(values.get(normalise(key)));
    }

    /** The single value of {@code key}, as policy variables use it; empty when absent or multi-valued. */
    public Optional<String> single(String key) {
        List<String> v = values.get(normalise(key));
        return v == null || v.size() != 1 ? Optional.empty() : Optional.of(v.get(0));
    }

    static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return values.toString();
    }

    public static final class Builder {
        private final Map<String, List<String>> values;

        private Builder(Map<String, List<String>> values) {
            this.values = values;
        }

        public Builder put(String key, String value) {
            values.put(normalise(key), List.of(value));
            return this;
        }

        /** Puts {@code value} when present; an empty value leaves the key absent. */
        public Builder put(String key, Optional<String> value) {
            value.ifPresent(v -> put(key, v));
            return this;
        }

        public Builder putAll(String key, List<String> keyValues) {
            values.put(normalise(key), List.copyOf(keyValues));
            return this;
        }

        public RequestContext build() {
            return new RequestContext(Map.copyOf(values));
        }
    }
}
