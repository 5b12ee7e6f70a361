package dev.stageway.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.execution.CommandResultExec;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.util.QueryExecutionListener;

/** Watching the queries Spark runs, and reading their SQL metrics. */
final class SparkPlans {
    private SparkPlans() {
    }

    /** A metric of the plan's scans ({@code scans}) or of its other nodes (the write). */
    static long metric(SparkPlan plan, String name, boolean scans) {
        List<SparkPlan> nodes = new ArrayList<>(List.of(plan));
        long sum = 0;
        while (!nodes.isEmpty()) {
            SparkPlan node = nodes.remove(nodes.size() - 1);
            scala.Option<SQLMetric> m = node.metrics().get(name);
            if (m.isDefined() && node instanceof BatchScanExec == scans) {
                sum += m.get().value();
            }
            if (node instanceof AdaptiveSparkPlanExec adaptive) {
                nodes.add(adaptive.executedPlan());
            }
            if (node instanceof CommandResultExec command) {
                nodes.add(command.commandPhysicalPlan());
            }
            nodes.addAll(scala.jdk.javaapi.CollectionConverters.asJava(node.children()));
        }
        return sum;
    }

    /** Keeps each query Spark ran to its end. */
    static QueryExecutionListener listener(List<QueryExecution> ran) {
        return new QueryExecutionListener() {
            @Override
            public void onSuccess(String action, QueryExecution qe, long nanos) {
                ran.add(qe);
            }

            @Override
            public void onFailure(String action, QueryExecution qe, Exception e) {
                ran.add(qe);
            }
        };
    }
}
