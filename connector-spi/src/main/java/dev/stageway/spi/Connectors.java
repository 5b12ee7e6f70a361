package dev.stageway.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds the connectors a class loader offers. */
public final class Connectors {
    private Connectors() {
    }

    /** The connectors {@code loader} offers, by name. */
    public static Map<String, ConnectorFactory> load(ClassLoader loader) {
        Map<String, ConnectorFactory> byName = new TreeMap<>();
        for (ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class, loader)) {
            ConnectorFactory previous = byName.putIfAbsent(f.name(), f);
            if (previous != null) {
                throw new IllegalStateException("Two connectors are named " + f.name() + ": "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return byName;
    }
}
