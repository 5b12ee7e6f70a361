package dev.stageway.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Typed values parsed from a flat property map by a {@link PropertyTable}. Immutable;
 * {@link #toString()} masks sensitive values.
 */
public final class ParsedProperties {
    private final Map<String, Object> values;
    private final Set<String> given;
    private final Map<String, PropertyDescriptor<?>> descriptors;

    ParsedProperties(Map<String, Object> values, Set<String> given, Map<String, PropertyDescriptor<?>> descriptors) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.given = Set.copyOf(given);
        this.descriptors = descriptors;
    }

    /**
     * True when the property was given (not just defaulted), even with a value that did not
     * parse: rules then still report what else is missing.
     */
    public boolean isSet(PropertyDescriptor<?> property) {
        return given.contains(property.name());
    }

    /** The given value, else the default, else empty. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(PropertyDescriptor<T> property) {
        T value = (T) values.get(property.name());
        return value != null ? Optional.of(value) : property.defaultValue();
    }

    /** The given value, else the default; fails for an optional property without default that was not given. */
    public <T> T get(PropertyDescriptor<T> property) {
        return find(property).orElseThrow(() -> new NoSuchElementException(property.name() + " is not set and has no default"));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public String toString() {
        return values.entrySet().stream()
                .map(e -> {
                    PropertyDescriptor d = descriptors.get(e.getKey());
                    return e.getKey() + "=" + d.type().format(e.getValue());
                })
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
