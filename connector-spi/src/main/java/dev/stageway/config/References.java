package dev.stageway.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Secrets by reference: a property value may hold {@code ${env:NAME}} (an environment variable),
 * {@code ${file:PATH}} (a file's content, one trailing line break removed) or
 * {@code ${file:PATH:KEY}} (a key of a properties file), so mapping files need not hold secrets in
 * clear text. Only these two prefixes resolve: any other {@code ${...}} stays as written (IAM
 * policy variables such as {@code ${aws:username}} in a session policy), and {@code $${} writes a
 * literal {@code ${}. A reference that cannot be resolved is named in the error, never a value.
 *
 * <p>Off until the host turns it on ({@link #enable()}): a host whose properties come from its
 * operator (the {@code stageway} harness, a Spark job) does; a runtime that takes properties from
 * tenants must not, or a tenant could read the agent's own environment and files.
 */
public final class References {
    private static volatile boolean enabled;

    private final UnaryOperator<String> environment;

    References(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    static final References SYSTEM = new References(System::getenv);

    /** Turns secrets by reference on for every property table in this JVM. */
    public static void enable() {
        enabled = true;
    }

    static boolean enabled() {
        return enabled;
    }

    /** {@code value} with its references resolved; an {@link IllegalArgumentException} names one that cannot be. */
    String resolve(String value) {
        if (!value.contains("${")) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (value.startsWith("${env:", i) || value.startsWith("${file:", i)) {
                int end = value.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("has a reference without its closing '}': " + value.substring(i, i + 6) + "...");
                }
                out.append(lookup(value.substring(i, end + 1)));
                i = end + 1;
            } else {
                out.append(value.charAt(i++));
            }
        }
        return out.toString();
    }

    private String lookup(String reference) {
        String body = reference.substring(2, reference.length() - 1);
        if (body.startsWith("env:")) {
            String name = body.substring(4);
            String v = name.isEmpty() ? null : environment.apply(name);
            if (v == null) {
                throw unresolved(reference, "the environment variable " + name + " is not set");
            }
            return v;
        }
        String spec = body.substring(5);
        if (isFile(spec)) {
            return content(reference, Path.of(spec));
        }
        int colon = spec.lastIndexOf(':');
        if (colon <= 0 || !isFile(spec.substring(0, colon))) {
            throw unresolved(reference, "there is no such file");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(content(reference, Path.of(spec.substring(0, colon)))));
        } catch (IOException | IllegalArgumentException e) {
            throw unresolved(reference, "the file is not a properties file");
        }
        String key = spec.substring(colon + 1);
        if (!p.containsKey(key)) {
            throw unresolved(reference, "the file has no key " + key);
        }
        return p.getProperty(key);
    }

    private static boolean isFile(String path) {
        try {
            return Files.isRegularFile(Path.of(path));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static String content(String reference, Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw unresolved(reference, "the file cannot be read as UTF-8 text");
        }
    }

    private static IllegalArgumentException unresolved(String reference, String why) {
        return new IllegalArgumentException("refers to " + reference + ", which cannot be resolved: " + why);
    }
}
