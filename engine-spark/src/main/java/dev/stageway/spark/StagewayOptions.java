package dev.stageway.spark;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.RunContext;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The options of a {@code format("stageway")} read or write: {@code connector}, an optional
 * {@code run-id} ({@code givenRunId}, null when none was given), and the connector's properties
 * under the names a mapping file gives them, without the {@code source.} or {@code target.}
 * prefix. Serialisable, for tasks; its {@code toString} names keys only, as values may be secrets.
 */
record StagewayOptions(String connector, String givenRunId, Map<String, String> properties) implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String CONNECTOR = "connector";
    static final String RUN_ID = "run-id";

    StagewayOptions {
        properties = Map.copyOf(properties);
    }

    static StagewayOptions of(Map<String, String> options) {
        Map<String, String> properties = new TreeMap<>();
        options.forEach((k, v) -> properties.put(k.toLowerCase(Locale.ROOT), v));
        String connector = properties.remove(CONNECTOR);
        if (connector == null || connector.isBlank()) {
            throw new ConfigurationException(Problem.of(CONNECTOR, "is not set: give .option(\"connector\", \"s3\") or \"redshift\""));
        }
        String runId = properties.remove(RUN_ID);
        if (runId != null && !RunContext.isValidRunId(runId)) {
            throw new ConfigurationException(Problem.of(RUN_ID, "must be " + RunContext.RUN_ID_RULE));
        }
        return new StagewayOptions(connector, runId, properties);
    }

    /** The same options for a write that replaces what its target holds, as the connector says that is done. */
    StagewayOptions replacing() {
        return new StagewayOptions(connector, givenRunId, factory().replacing(properties));
    }

    ConnectorFactory factory() {
        return PluginHost.connector(connector);
    }

    /** The connection's properties. */
    Map<String, String> connection() {
        return factory().connectionOf(properties);
    }

    /** The source's or target's own properties. */
    Map<String, String> side(boolean asSource) {
        return factory().sideOf(properties, asSource);
    }

    @Override
    public String toString() {
        return connector + " " + properties.keySet();
    }
}
