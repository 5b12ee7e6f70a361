package dev.stageway.spark;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Set with {@code spark.plugins=dev.stageway.spark.StagewaySparkPlugin}: opens the plugin bundle
 * and its runtime once in the driver and once in each executor, and closes them when Spark shuts
 * that side down (cached role sessions end with them). In local mode the driver and its executor
 * share one JVM, and so one runtime, closed when the last of the two shuts down.
 */
public final class StagewaySparkPlugin implements SparkPlugin {
    private static int sides;

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext context) {
                opened();
                return Map.of();
            }

            @Override
            public void shutdown() {
                closed();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext context, Map<String, String> extraConf) {
                opened();
            }

            @Override
            public void shutdown() {
                closed();
            }
        };
    }

    private static synchronized void opened() {
        sides++;
    }

    private static synchronized void closed() {
        if (--sides <= 0) {
            sides = 0;
            PluginHost.close();
        }
    }
}
