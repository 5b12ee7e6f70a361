package dev.stageway.spark;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;

/**
 * Set with {@code spark.plugins=dev.stageway.spark.StagewaySparkPlugin}. In the driver and in each
 * executor it closes the plugin bundle and its runtime when Spark shuts that side down (cached role
 * sessions end with them); in local mode the two sides share one JVM, and so one runtime, closed
 * when the last of them shuts down. It also carries tasks' questions about reads planned on the
 * driver ({@link ReadPlans}), whose plans it closes as each SQL execution ends.
 */
public final class StagewaySparkPlugin implements SparkPlugin {
    private static int sides;

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext context) {
                opened();
                sc.addSparkListener(new SparkListener() {
                    @Override
                    public void onOtherEvent(SparkListenerEvent event) {
                        if (event instanceof SparkListenerSQLExecutionEnd end) {
                            ReadPlans.executionEnded(Long.toString(end.executionId()));
                        }
                    }
                });
                return Map.of();
            }

            @Override
            public Object receive(Object message) {
                return ReadPlans.reply((ReadPlans.Request) message);
            }

            @Override
            public void shutdown() {
                ReadPlans.closeAll();
                closed();
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext context, Map<String, String> extraConf) {
                PluginHost.connectedToDriver(context);
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
