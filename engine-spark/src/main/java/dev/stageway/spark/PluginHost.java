package dev.stageway.spark;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.ConnectorRuntime;
import dev.stageway.spi.PluginBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.plugin.PluginContext;

/**
 * The plugin bundle and its one runtime in this JVM (the driver's, or an executor's): opened on
 * first use from the Spark setting {@value #SETTING}, shared by every read and write here, so role
 * sessions are shared per tenant and never across tenants; closed by {@link StagewaySparkPlugin}
 * when Spark shuts this JVM's side down.
 */
final class PluginHost {
    /** The Spark setting that names the plugin bundle. */
    static final String SETTING = "spark.stageway.plugin";
    private static PluginBundle bundle;
    private static boolean closesAtExit;
    /** How this executor reaches the driver's side of {@link StagewaySparkPlugin}; null where it is not set. */
    private static PluginContext driver;

    private PluginHost() {
    }

    /** The connector named by the option {@code connector}. */
    static synchronized ConnectorFactory connector(String name) {
        return bundle().connector(StagewayOptions.CONNECTOR, name);
    }

    /** The plugin's runtime in this JVM. */
    static synchronized ConnectorRuntime runtime() {
        return bundle().runtime();
    }

    private static synchronized PluginBundle bundle() {
        if (bundle == null) {
            bundle = PluginBundle.open(locate(SparkEnv.get().conf()), PluginHost.class.getClassLoader());
            if (!closesAtExit) {
                // Where spark.plugins does not name StagewaySparkPlugin, nothing else would close it.
                Runtime.getRuntime().addShutdownHook(new Thread(PluginHost::close, "stageway-plugin-close"));
                closesAtExit = true;
            }
        }
        return bundle;
    }

    /**
     * The bundle the setting names: the path as given where it exists (the driver, a shared file
     * system), else the file of that name Spark shipped here with {@code --files} or unpacked with
     * {@code --archives}.
     */
    static Path locate(SparkConf conf) {
        if (!conf.contains(SETTING)) {
            throw new ConfigurationException(Problem.of(SETTING, "is not set: set it to the path of stageway-plugin.zip "
                    + "(and ship that file to executors with --files or --archives)"));
        }
        Path given = Path.of(conf.get(SETTING));
        if (Files.exists(given)) {
            return given;
        }
        Path shipped = Path.of(SparkFiles.get(given.getFileName().toString()));
        if (Files.exists(shipped)) {
            return shipped;
        }
        Path unpacked = Path.of(given.getFileName().toString());
        if (Files.exists(unpacked)) {
            return unpacked;
        }
        throw new ConfigurationException(Problem.of(SETTING, "names " + given + ", which is neither here nor among the files "
                + "Spark shipped with --files or --archives"));
    }

    static synchronized void connectedToDriver(PluginContext context) {
        driver = context;
    }

    /** Asks the driver's side of {@link StagewaySparkPlugin}. */
    static Object askDriver(Object message) throws Exception {
        PluginContext context;
        synchronized (PluginHost.class) {
            context = driver;
        }
        if (context == null) {
            throw new ConfigurationException(Problem.of("spark.plugins", "does not name " + StagewaySparkPlugin.class.getName()
                    + ", which a read whose planning creates objects (a Redshift source's UNLOAD) needs: add it"));
        }
        return context.ask(message);
    }

    /** Closes the bundle and its runtime; the next use opens them again. */
    static synchronized void close() {
        if (bundle != null) {
            bundle.close();
            bundle = null;
        }
    }
}
