package dev.stageway.spi;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * Loads a plugin's classes from its own jars first, as integration runtimes do, so a library the
 * host also carries in another version cannot break it. Only the SPI the host and plugin talk
 * through (and SLF4J, so plugin logs reach the host's logging) comes from the host.
 */
public final class PluginClassLoader extends URLClassLoader {
    /** Packages shared with the host: the SPI types that cross the boundary, and the logging API. */
    public static final List<String> HOST_PACKAGES = List.of("dev.stageway.spi.", "dev.stageway.config.", "dev.stageway.error.", "org.slf4j.");

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    public PluginClassLoader(URL[] jars, ClassLoader host) {
        super("stageway-plugin", jars, host);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                if (HOST_PACKAGES.stream().anyMatch(name::startsWith)) {
                    c = getParent().loadClass(name);
                } else {
                    try {
                        c = platform.loadClass(name);   // the JDK's own classes
                    } catch (ClassNotFoundException notJdk) {
                        try {
                            c = findClass(name);        // then the plugin's jars
                        } catch (ClassNotFoundException notPlugin) {
                            c = getParent().loadClass(name);
                        }
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        // Plugin resources first too (META-INF/services, library properties), the host's only as a fallback.
        URL url = findResource(name);
        return url != null ? url : super.getResource(name);
    }

    @Override
    public java.util.Enumeration<URL> getResources(String name) throws java.io.IOException {
        return findResources(name);
    }
}
