package dev.stageway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One property of a connector: its name, type, default, whether it is required or
 * sensitive, its documentation and group, the properties it only makes sense with, and a
 * check of its value. Descriptors are constants; a {@link PropertyTable} holds them.
 *
 * @param <T> the parsed value's type
 */
public final class PropertyDescriptor<T> {
    private final String name;
    private final PropertyType<T> type;
    private final T defaultValue;
    private final boolean required;
    private final String documentation;
    private final String group;
    private final List<String> dependsOn;
    private final Function<T, Optional<String>> validator;

    private PropertyDescriptor(Builder<T> b) {
        this.name = Objects.requireNonNull(b.name, "name is null");
        this.type = Objects.requireNonNull(b.type, "type is null");
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.documentation = Objects.requireNonNull(b.documentation, "documentation is null for " + b.name);
        this.group = Objects.requireNonNull(b.group, "group is null for " + b.name);
        this.dependsOn = List.copyOf(b.dependsOn);
        this.validator = b.validator;
        if (required && defaultValue != null) {
            throw new IllegalArgumentException(name + " cannot be both required and defaulted");
        }
    }

    /** Empty when {@code parser} accepts a value, else the message of the {@link IllegalArgumentException} it throws. */
    public static <T> Function<T, Optional<String>> parses(java.util.function.Consumer<T> parser) {
        return value -> {
            try {
                parser.accept(value);
                return Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
        };
    }

    public static <T> Builder<T> builder(String name, PropertyType<T> type) {
        return new Builder<>(name, type);
    }

    public String name() {
        return name;
    }

    public PropertyType<T> type() {
        return type;
    }

    public Optional<T> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean required() {
        return required;
    }

    public boolean sensitive() {
        return type.sensitive();
    }

    public String documentation() {
        return documentation;
    }

    public String group() {
        return group;
    }

    /** Properties this one is only meaningful with (documentation; rules enforce it). */
    public List<String> dependsOn() {
        return dependsOn;
    }

    /** Parses and checks a raw value; the message of a failure names what is allowed. */
    T parse(String raw) {
        T value = type.parse(raw);
        Optional<String> problem = validator.apply(value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        return value;
    }

    @Override
    public String toString() {
        return name;
    }

    public static final class Builder<T> {
        private final String name;
        private final PropertyType<T> type;
        private T defaultValue;
        private boolean required;
        private String documentation;
        private String group = "General";
        private final List<String> dependsOn = new ArrayList<>();
        private Function<T, Optional<String>> validator = v -> Optional.empty();

        private Builder(String name, PropertyType<T> type) {
            this.name = name;
            this.type = type;
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> doc(String documentation) {
            this.documentation = documentation;
            return this;
        }

        public Builder<T> group(String group) {
            this.group = group;
            return this;
        }

        public Builder<T> dependsOn(String... names) {
            this.dependsOn.addAll(List.of(names));
            return this;
        }

        /** A check of the parsed value: empty when fine, else what is wrong and what is allowed. */
        public Builder<T> validator(Function<T, Optional<String>> validator) {
            this.validator = Objects.requireNonNull(validator, "validator is null");
            return this;
        }

        /**
         * A check that the parsed value is one {@code parser} accepts: what is wrong is the message of
         * the {@link IllegalArgumentException} it throws otherwise.
         */
        public Builder<T> parsedBy(java.util.function.Consumer<T> parser) {
            return validator(parses(parser));
        }

        public PropertyDescriptor<T> build() {
            return new PropertyDescriptor<>(this);
        }
    }
}
