package dev.stageway.aws;

import dev.stageway.config.PropertyTable;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.ConnectorRuntime;
import java.util.Map;

/**
 * A connector whose runs reach AWS: its runtime is the plugin's shared role sessions
 * ({@link RoleSessions}), with the settings of {@link AwsProperties#RUNTIME}.
 */
public interface AwsConnectorFactory extends ConnectorFactory {

    @Override
    default ConnectorRuntime newRuntime() {
        return newRuntime(Map.of());
    }

    @Override
    default PropertyTable runtimeProperties() {
        return AwsProperties.RUNTIME;
    }

    @Override
    default ConnectorRuntime newRuntime(Map<String, String> settings) {
        return RoleSessions.of(settings);
    }
}
