package dev.stageway.spark;

import dev.stageway.spi.RunContext;
import dev.stageway.spi.TaskWriter;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.types.StructType;

/** Shipped to the tasks: opens, in each, the connector's writer of that task attempt. */
final class StagewayWriterFactory implements DataWriterFactory {
    private static final long serialVersionUID = 1L;
    private final StagewayOptions options;
    private final StructType struct;
    private final String runId;
    private final int tasks;
    private final Map<String, String> taskPlan;

    StagewayWriterFactory(StagewayOptions options, StructType struct, String runId, int tasks, Map<String, String> taskPlan) {
        this.options = options;
        this.struct = struct;
        this.runId = runId;
        this.tasks = tasks;
        this.taskPlan = Map.copyOf(taskPlan);
    }

    @Override
    public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
        // Spark's task attempt id, unique in the application: a task's attempt number starts again at 0
        // when a stage is retried, and two attempts must never stage under one name.
        TaskContext task = TaskContext.get();
        int attempt = task == null ? 0 : (int) (task.taskAttemptId() % Integer.MAX_VALUE);
        RunContext context = new RunContext(runId, PluginHost.runtime(), tasks);
        var schema = SparkTypes.schema(struct);
        TaskWriter writer = options.factory().openTaskWriter(context, options.connection(), options.side(false), schema, taskPlan,
                partitionId, attempt);
        return new StagewayDataWriter(writer, struct, schema);
    }
}
