package dev.stageway.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The sandbox in a child process ({@code stageway sandbox --write-env}): Spark's libraries and the
 * sandbox's (s3proxy, embedded PostgreSQL) do not share a class path, as on a real cluster the
 * engine and AWS do not.
 */
final class SparkSandbox implements AutoCloseable {
    private final Process process;
    private final Map<String, String> env;

    private SparkSandbox(Process process, Map<String, String> env) {
        this.process = process;
        this.env = env;
    }

    static SparkSandbox start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("target"), "sandbox-");
        Path envFile = dir.resolve("sandbox.env");
        Path harness = Path.of("..", "packaging", "target", "stageway.jar");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", harness.toString(),
                "sandbox", "--write-env", envFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sandbox.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!Files.exists(envFile) || Files.size(envFile) == 0) {
            if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                p.destroyForcibly();
                throw new IllegalStateException("The sandbox did not start: " + Files.readString(dir.resolve("sandbox.log")));
            }
            Thread.sleep(100);
        }
        Thread.sleep(200);   // the file is written whole before the sandbox says so; let it finish
        Properties values = new Properties();
        try (InputStream in = Files.newInputStream(envFile)) {
            values.load(in);
        }
        Map<String, String> env = new TreeMap<>();
        values.forEach((k, v) -> env.put((String) k, (String) v));
        return new SparkSandbox(p, env);
    }

    String get(String key) {
        return env.get(key);
    }

    /** A connection as the customer's role, through the agent's keys and the role's External Id. */
    Map<String, String> customer() {
        Map<String, String> m = new TreeMap<>();
        m.put("aws.region", get("aws.region"));
        m.put("aws.s3.endpoint", get("aws.s3.endpoint"));
        m.put("aws.sts.endpoint", get("aws.sts.endpoint"));
        m.put("aws.s3.path-style-access", "true");
        m.put("aws.access-key-id", get("agent.access-key-id"));
        m.put("aws.secret-access-key", get("agent.secret-access-key"));
        m.put("aws.role-arn", get("customer.role-arn"));
        m.put("aws.external-id", get("customer.external-id"));
        return m;
    }

    /** A Redshift target or source of {@code table}, staging below {@code staging} in the staging bucket. */
    Map<String, String> redshift(String table, String staging) {
        Map<String, String> m = customer();
        m.put("redshift.jdbc-url", get("redshift.jdbc-url"));
        m.put("redshift.user", get("redshift.user"));
        m.put("redshift.password", get("redshift.password"));
        m.put("redshift.staging-path", get("staging.bucket") + "/" + staging);
        m.put("redshift.table", table);
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
