package dev.stageway.spi;

import dev.stageway.aws.AwsProperties;
import dev.stageway.config.PropertyTable;
import java.util.List;
import java.util.Map;

/** A connector that only describes itself, to test discovery; it opens nothing. */
public final class ListingOnlyConnector implements ConnectorFactory {
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
        return AwsProperties.CONNECTION;
    }

    @Override
    public PropertyTable sourceProperties() {
        return AwsProperties.ADVANCED;
    }

    @Override
    public PropertyTable targetProperties() {
        return PropertyTable.of("none", List.of(), List.of());
    }

    @Override
    public ConnectorRuntime newRuntime() {
        return new dev.stageway.aws.RoleSessions();
    }

    @Override
    public List<CheckStep> check(RunContext context, Map<String, String> connection, Map<String, String> side, boolean asSource) {
        return List.of();
    }

    @Override
    public SourceReader openReader(RunContext context, Map<String, String> connection, Map<String, String> source) {
        throw new UnsupportedOperationException("discovery test only");
    }

    @Override
    public TargetWriter openWriter(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema) {
        throw new UnsupportedOperationException("discovery test only");
    }
}
