package dev.stageway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a property's text becomes a typed value. {@link #parse} throws
 * {@link IllegalArgumentException} whose message says what is allowed (never echoing a
 * sensitive value).
 *
 * @param <T> the Java type of the parsed value
 */
public final class PropertyType<T> {
    private final String description;
    private final boolean sensitive;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private PropertyType(String description, boolean sensitive, Function<String, T> parser, Function<T, String> formatter) {
        this.description = description;
        this.sensitive = sensitive;
        this.parser = parser;
        this.formatter = formatter;
    }

    public static final PropertyType<String> STRING = new PropertyType<>("string", false, s -> s, s -> s);

    /** A secret: parsed into {@link Secret}, masked in every output. */
    public static final PropertyType<Secret> SECRET = new PropertyType<>("secret", true, Secret::of, s -> Secret.MASK);

    public static final PropertyType<Boolean> BOOLEAN = new PropertyType<>("boolean", false, s -> {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true": return Boolean.TRUE;
            case "false": return Boolean.FALSE;
            default: throw new IllegalArgumentException("must be true or false");
        }
    }, String::valueOf);

    public static final PropertyType<URI> URL = new PropertyType<>("URL", false, s -> {
        try {
            URI uri = new URI(s);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
        }
    }, URI::toString);

    /** A whole number from {@code min} to {@code max}, both included. */
    public static PropertyType<Long> integer(long min, long max) {
        String range = "a whole number from " + min + " to " + max;
        return new PropertyType<>("integer (" + min + "–" + max + ")", false, s -> {
            long value;
            try {
                value = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be " + range);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be " + range + ", was " + value);
            }
            return value;
        }, String::valueOf);
    }

    /**
     * One of an enum's constants, written in lower case with '-' for '_' ({@code IAM_ROLE} is
     * {@code iam-role}); case-insensitive on input.
     */
    public static <E extends Enum<E>> PropertyType<E> oneOf(Class<E> type) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(PropertyType::spelling).collect(Collectors.joining(", "));
        return new PropertyType<>("one of: " + allowed, false, s -> {
            for (E constant : type.getEnumConstants()) {
                if (spelling(constant).equalsIgnoreCase(s)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("must be one of " + allowed);
        }, PropertyType::spelling);
    }

    /** How an enum constant is written in properties. */
    public static String spelling(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public T parse(String text) {
        return parser.apply(Objects.requireNonNull(text, "text is null"));
    }

    /** The value as it would be written in a properties file; a secret is masked. */
    public String format(T value) {
        return formatter.apply(value);
    }

    /** What the documentation shows as the type. */
    public String description() {
        return description;
    }

    public boolean sensitive() {
        return sensitive;
    }

    @Override
    public String toString() {
        return description;
    }
}
