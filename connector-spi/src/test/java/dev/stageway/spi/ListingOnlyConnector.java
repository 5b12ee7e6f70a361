package dev.stageway.spi;

import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.config.PropertyType;
import java.util.List;
import java.util.Map;

/** A connector that only describes itself, to test discovery; it opens nothing. */
public final class ListingOnlyConnector implements ConnectorFactory {
    static final PropertyTable CONNECTION = PropertyTable.of("Listing connection", List.of(
            PropertyDescriptor.builder("listing.endpoint", PropertyType.URL).required().doc("Where to list.").build()), List.of());
    static final PropertyTable SOURCE = PropertyTable.of("Listing source", List.of(
            PropertyDescriptor.builder("listing.limit", PropertyType.integer(1, 1000)).defaultValue(10L).doc("How many.").build()),
            List.of());

    @Override
    public String name() {
        return "listing-only";
    }

    @Override
    public String description() {
        return "Describes itself for the discovery test.";
    }

    @Override
    public PropertyTable connectionProperties() {
        return CONNECTION;
    }

    @Override
    public PropertyTable sourceProperties() {
        return SOURCE;
    }

    @Override
    public PropertyTable targetProperties() {
        return PropertyTable.of("none", List.of(), List.of());
    }

    @Override
    public ConnectorRuntime newRuntime() {
        return () -> { };
    }

    @Override
    public List<CheckStep> check(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource) {
        return List.of();
    }

    @Override
    public SourcePlan planSource(RunContext context, Map<String, String> connection, Map<String, String> source) {
        throw new UnsupportedOperationException("discovery test only");
    }

    @Override
    public SourceReader openReader(RunContext context, Map<String, String> connection, Map<String, String> source, Split split) {
        throw new UnsupportedOperationException("discovery test only");
    }

    @Override
    public TargetWrite openWrite(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema) {
        throw new UnsupportedOperationException("discovery test only");
    }
}
