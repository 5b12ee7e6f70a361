package dev.stageway.spi;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A plugin bundle (zip or unpacked folder: {@code stageway-plugin.properties} and {@code lib/*.jar})
 * as a host loads it: the bundle's jars in a {@link PluginClassLoader} of their own, its
 * connectors found through {@link java.util.ServiceLoader}, and one {@link ConnectorRuntime}
 * shared by them. A host needs nothing but this module on its class path; close the bundle on
 * shutdown.
 */
public final class PluginBundle implements AutoCloseable {
    /** The bundle's descriptor: name, version, spi-version, connectors. */
    public static final String DESCRIPTOR = "stageway-plugin.properties";
    /** The contract this SPI defines; a bundle built for another cannot be loaded. */
    public static final String SPI_VERSION = "2";

    private final Properties descriptor;
    private final PluginClassLoader loader;
    private final Map<String, ConnectorFactory> connectors;
    private final Path unpacked;
    private ConnectorRuntime runtime;

    private PluginBundle(Properties descriptor, PluginClassLoader loader, Map<String, ConnectorFactory> connectors, Path unpacked) {
        this.descriptor = descriptor;
        this.loader = loader;
        this.connectors = connectors;
        this.unpacked = unpacked;
    }

    /** Opens the bundle at {@code bundle} (its zip, or the folder it unpacks to) against this SPI's own class loader. */
    public static PluginBundle open(Path bundle) {
        return open(bundle, PluginBundle.class.getClassLoader());
    }

    /**
     * Opens the bundle with {@code host} as the loader it asks for the shared packages
     * ({@link PluginClassLoader#HOST_PACKAGES}).
     *
     * @throws ConfigurationException when there is no bundle there or it implements another SPI version
     */
    public static PluginBundle open(Path bundle, ClassLoader host) {
        if (!Files.exists(bundle)) {
            throw new ConfigurationException(Problem.of("plugin", "no plugin bundle at " + bundle.toAbsolutePath()
                    + "; name stageway-plugin.zip or the folder it unpacks to"));
        }
        Path unpacked = null;
        PluginClassLoader loader = null;
        try {
            unpacked = Files.isDirectory(bundle) ? null : unzip(bundle);
            Path root = unpacked != null ? unpacked : bundle;
            Path base = Files.exists(root.resolve(DESCRIPTOR)) ? root : root.resolve("stageway-plugin");
            Properties descriptor = new Properties();
            try (InputStream in = Files.newInputStream(base.resolve(DESCRIPTOR))) {
                descriptor.load(in);
            }
            if (!SPI_VERSION.equals(descriptor.getProperty("spi-version"))) {
                throw new ConfigurationException(Problem.of("plugin", "the bundle at " + bundle + " implements SPI version "
                        + descriptor.getProperty("spi-version") + "; this host speaks " + SPI_VERSION));
            }
            List<URL> jars = new ArrayList<>();
            try (Stream<Path> files = Files.list(base.resolve("lib"))) {
                for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(jar.toUri().toURL());
                }
            }
            loader = new PluginClassLoader(jars.toArray(URL[]::new), host);
            return new PluginBundle(descriptor, loader, Connectors.load(loader), unpacked);
        } catch (IOException | RuntimeException e) {
            // Nothing of a bundle that failed to open stays: its class loader and unpacked files go.
            closeQuietly(loader);
            delete(unpacked);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("Cannot open the plugin bundle " + bundle + ": " + e.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static Path unzip(Path zip) throws IOException {
        Path dir = Files.createTempDirectory("stageway-plugin-");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the bundle: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }

    /** The bundle's descriptor ({@link #DESCRIPTOR}). */
    public Properties descriptor() {
        return descriptor;
    }

    /** The bundle's connectors, by name. */
    public Map<String, ConnectorFactory> connectors() {
        return connectors;
    }

    /** The class loader of the bundle's jars. */
    public ClassLoader loader() {
        return loader;
    }

    /**
     * The bundle's one implementation of a further service the SPI defines (such as
     * {@link dev.stageway.spi.bench.TransferBench}), found with {@link java.util.ServiceLoader}.
     *
     * @throws IllegalStateException when the bundle offers none, or more than one
     */
    public <T> T service(Class<T> type) {
        List<T> found = java.util.ServiceLoader.load(type, loader).stream().map(java.util.ServiceLoader.Provider::get).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("The plugin bundle offers " + found.size() + " implementations of " + type.getName()
                    + "; a host needs exactly one");
        }
        return found.get(0);
    }

    /**
     * The connector named {@code name}, or a configuration error naming {@code property} (the host's
     * setting that chose it) and listing the connectors there are.
     */
    public ConnectorFactory connector(String property, String name) {
        ConnectorFactory f = connectors.get(name);
        if (f == null) {
            throw new ConfigurationException(Problem.of(property, "names connector '" + name + "'; the plugin offers "
                    + String.join(", ", connectors.keySet())));
        }
        return f;
    }

    /** The plugin's runtime, made with default settings on first use by any of its connectors (they share it). */
    public synchronized ConnectorRuntime runtime() {
        return runtime == null ? runtime(Map.of()) : runtime;
    }

    /**
     * Makes the plugin's runtime with the host's settings for it (the names its connectors'
     * {@link ConnectorFactory#runtimeProperties()} list), before any run uses it.
     *
     * @throws ConfigurationException naming a setting that is unknown or invalid
     * @throws IllegalStateException  when the runtime was already made
     */
    public synchronized ConnectorRuntime runtime(Map<String, String> settings) {
        if (runtime != null) {
            throw new IllegalStateException("the plugin's runtime was already made: give its settings before the first run");
        }
        runtime = connectors.values().iterator().next().newRuntime(settings);
        return runtime;
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
        }
        closeQuietly(loader);
        delete(unpacked);
    }

    private static void closeQuietly(PluginClassLoader loader) {
        if (loader == null) {
            return;
        }
        try {
            loader.close();
        } catch (IOException ignored) {
            // The jars are about to be deleted.
        }
    }

    private static void delete(Path unpacked) {
        if (unpacked == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(unpacked)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder left behind is harmless.
        }
    }
}
