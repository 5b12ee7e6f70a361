package dev.stageway.spark;

import dev.stageway.spi.RunSummary;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * What a Stageway read or write shows in Spark's SQL metrics (the UI's SQL tab, a query's plan):
 * rows and STS calls, from the connectors' run summaries. Public so that Spark can make its
 * metric classes by name.
 */
public final class StagewayMetrics {
    static final String ROWS = "stagewayRows";
    static final String STS_CALLS = "stagewayStsCalls";

    private StagewayMetrics() {
    }

    /** Rows read from the source, or written to the target. */
    public static final class Rows extends CustomSumMetric {
        @Override
        public String name() {
            return ROWS;
        }

        @Override
        public String description() {
            return "rows through Stageway";
        }
    }

    /** STS calls (AssumeRole) the connectors made: one per role session, shared by every request. */
    public static final class StsCalls extends CustomSumMetric {
        @Override
        public String name() {
            return STS_CALLS;
        }

        @Override
        public String description() {
            return "STS calls of Stageway";
        }
    }

    static CustomMetric[] supported() {
        return new CustomMetric[] {new Rows(), new StsCalls()};
    }

    /** The metrics of a run summary. */
    static CustomTaskMetric[] of(RunSummary summary) {
        return new CustomTaskMetric[] {metric(ROWS, summary.rows()), metric(STS_CALLS, summary.details().getOrDefault("sts calls", 0L))};
    }

    private static CustomTaskMetric metric(String name, long value) {
        return new CustomTaskMetric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long value() {
                return value;
            }
        };
    }
}
