package dev.stageway.spi;

/**
 * State a plugin keeps for its host across runs (such as shared assumed-role sessions). The host
 * gets one from {@link ConnectorFactory#newRuntime()}, passes it in every {@link RunContext} for
 * that plugin's connectors, and closes it on shutdown. Opaque to the host.
 */
public interface ConnectorRuntime extends AutoCloseable {
    @Override
    void close();
}
