package dev.stageway.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * The overhead of running on Spark: S3 to Redshift of the same CSV objects through Spark
 * {@code local[2]} and through {@code stageway run --parallelism 2} (the direct load off, so both
 * stream and stage), rows per second and STS calls per job, against the sandbox in a child process.
 * Run from engine-spark after {@code ./mvnw -o install -DskipTests}:
 * {@code java $(cat target/spark-opens) -cp "$(cat target/test-classpath):target/classes:target/test-classes"
 * dev.stageway.spark.SparkEngineOverhead [rows] [rounds]}.
 */
public final class SparkEngineOverhead {
    private static final Pattern NUMBER = Pattern.compile("\"(elapsedMillis|rowsWritten|sts calls)\"\\s*:\\s*(\\d+)");

    private SparkEngineOverhead() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (SparkSandbox sandbox = SparkSandbox.start()) {
            SparkSession spark = SparkSession.builder().master("local[2]").appName("stageway-overhead")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.plugins", StagewaySparkPlugin.class.getName())
                    .config(PluginHost.SETTING, Path.of("target", "stageway-plugin.zip").toAbsolutePath().toString()).getOrCreate();
            List<QueryExecution> executions = new CopyOnWriteArrayList<>();
            spark.listenerManager().register(SparkPlans.listener(executions));
            Map<String, String> folder = sandbox.customer();
            folder.put("s3.folder-path", sandbox.get("customer.bucket") + "/overhead/");
            spark.range(rows).selectExpr("id", "concat('customer-', id % 10007) as customer", "cast(id % 100000 as decimal(12,2)) / 100 as amount",
                            "date_add(date'2026-01-01', cast(id % 1000 as int)) as day", "id % 3 = 0 as paid",
                            "concat('order \"', id, '\", priority ', id % 4) as note")
                    .repartition(8).write().format("stageway").option("connector", "s3").options(folder).mode("append").save();
            Path mapping = mapping(sandbox, folder);
            System.out.printf(Locale.ROOT, "%d rows in 8 CSV objects; S3 -> Redshift, redshift.direct-load=off for the CLI%n", rows);
            for (int r = 1; r <= rounds; r++) {
                executions.clear();
                Map<String, String> target = sandbox.redshift("overhead_spark", "overhead-spark/");
                target.put("redshift.direct-load", "off");
                long start = System.nanoTime();
                spark.read().format("stageway").option("connector", "s3").options(folder).load()
                        .write().format("stageway").option("connector", "redshift").options(target).mode("overwrite").save();
                double sparkSeconds = (System.nanoTime() - start) / 1e9;
                while (executions.isEmpty()) {
                    Thread.sleep(50);
                }
                SparkPlan plan = executions.get(0).executedPlan();
                long sparkSts = SparkPlans.metric(plan, StagewayMetrics.STS_CALLS, true) + SparkPlans.metric(plan, StagewayMetrics.STS_CALLS, false);
                long sparkRows = SparkPlans.metric(plan, StagewayMetrics.ROWS, false);

                Path report = Files.createTempFile(Path.of("target"), "overhead-", ".json");
                Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        Path.of("..", "packaging", "target", "stageway.jar").toString(), "--plugin", "target/stageway-plugin.zip", "run",
                        mapping.toString(), "--parallelism", "2", "--report", report.toString()).inheritIO().start();
                if (cli.waitFor() != 0) {
                    throw new IllegalStateException("stageway run failed");
                }
                Map<String, Long> cliFigures = figures(Files.readString(report));
                double cliSeconds = cliFigures.get("elapsedMillis") / 1000.0;
                System.out.printf(Locale.ROOT, "round %d: spark %.0f rows/s (%.1f s, %d rows written, %d STS calls by the connectors), "
                                + "stageway run %.0f rows/s (%.1f s, %d rows, %d STS calls), spark/run %.2f%n", r, rows / sparkSeconds,
                        sparkSeconds, sparkRows, sparkSts, rows / cliSeconds, cliSeconds, cliFigures.get("rowsWritten"),
                        cliFigures.get("sts calls"), cliSeconds / sparkSeconds);
            }
            spark.stop();
        }
    }

    private static Path mapping(SparkSandbox sandbox, Map<String, String> folder) throws Exception {
        Map<String, String> all = new TreeMap<>();
        all.put("source.connector", "s3");
        folder.forEach((k, v) -> all.put("source." + k, v));
        all.put("target.connector", "redshift");
        Map<String, String> target = sandbox.redshift("overhead_cli", "overhead-cli/");
        target.put("redshift.load-mode", "truncate");
        target.put("redshift.direct-load", "off");
        target.forEach((k, v) -> all.put("target." + k, v));
        StringBuilder b = new StringBuilder();
        all.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = Files.createTempFile(Path.of("target"), "overhead-", ".properties");
        Files.writeString(file, b.toString());
        return file;
    }

    /** A report's elapsed time, rows written and STS calls (both sides' summed). */
    private static Map<String, Long> figures(String json) {
        Map<String, Long> figures = new TreeMap<>();
        Matcher m = NUMBER.matcher(json);
        while (m.find()) {
            figures.merge(m.group(1), Long.parseLong(m.group(2)), Long::sum);
        }
        return figures;
    }
}
