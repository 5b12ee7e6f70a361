package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.spi.ConnectorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A mapping file: Java properties with {@code source.connector} and {@code target.connector}, then
 * each side's properties under {@code source.} and {@code target.}. A file may hold only one side.
 */
record Mapping(Optional<Side> source, Optional<Side> target) {

    /** One side: its connector's name and its properties without the prefix. */
    record Side(String prefix, String connector, Map<String, String> properties) {

        /** The property names only: values may be secrets. */
        @Override
        public String toString() {
            return prefix + " (" + connector + "): " + properties.keySet();
        }

        /** The properties the connector's connection table holds. */
        Map<String, String> connection(ConnectorFactory f) {
            return f.connectionOf(properties);
        }

        /** The source's or target's own properties. */
        Map<String, String> own(ConnectorFactory f, boolean asSource) {
            return f.sideOf(properties, asSource);
        }
    }

    static Mapping read(Path file) {
        return of(MappingFile.read(file));
    }

    static Mapping of(Map<String, String> all) {
        List<Problem> problems = new ArrayList<>();
        for (String key : all.keySet()) {
            if (!key.startsWith("source.") && !key.startsWith("target.")) {
                problems.add(Problem.of(key, "unknown key: mapping keys start with source. or target."));
            }
        }
        Optional<Side> source = side("source", all, problems);
        Optional<Side> target = side("target", all, problems);
        if (source.isEmpty() && target.isEmpty() && problems.isEmpty()) {
            problems.add(Problem.of("source.connector", "the file names no source and no target"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new Mapping(source, target);
    }

    private static Optional<Side> side(String prefix, Map<String, String> all, List<Problem> problems) {
        Map<String, String> props = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix + ".") && !k.equals(prefix + ".connector")) {
                props.put(k.substring(prefix.length() + 1), v);
            }
        });
        String connector = all.get(prefix + ".connector");
        if (connector == null || connector.isBlank()) {
            if (!props.isEmpty()) {
                problems.add(Problem.of(prefix + ".connector", "is required when " + prefix + ".* properties are given: s3 or redshift"));
            }
            return Optional.empty();
        }
        return Optional.of(new Side(prefix, connector.strip(), props));
    }
}
