package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.AwsSettings;
import dev.stageway.config.ConfigurationException;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.testkit.DefaultSandbox;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.SandboxConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A canary in every secret: the sandbox's users' secret keys and the cluster's password, and so
 * every secret property of the mappings (one given by reference) and every session the sandbox
 * issues. No command's output with every logger at TRACE, no run report, no stack trace of a
 * failure with its causes, and no {@code toString()} of a type holding configuration shows any of
 * them.
 */
class SecretsSweepTest {
    static final String CANARY = "CANARYz7q";
    static Sandbox sandbox;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        SandboxConfig base = DefaultSandbox.config();
        List<SandboxConfig.Account> accounts = base.accounts().stream().map(a -> new SandboxConfig.Account(a.accountId(), a.alias(),
                a.users().stream().map(u -> new SandboxConfig.User(u.userName(), u.accessKeyId(), canary(u.userName()),
                        u.policyDocument())).toList(), a.roles(), a.buckets(), a.keys())).toList();
        SandboxConfig.RedshiftCluster c = base.redshift().orElseThrow();
        sandbox = Sandbox.builder().withRedshift().config(new SandboxConfig(base.region(), accounts, base.instanceProfile(),
                Optional.of(new SandboxConfig.RedshiftCluster(c.clusterIdentifier(), c.accountId(), c.masterUsername(),
                        canary("cluster"), c.iamRoles(), c.defaultIamRole(), c.slices(), c.workgroupName())))).build();
        try (var admin = software.amazon.awssdk.services.s3.S3Client.builder()
                .region(software.amazon.awssdk.regions.Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint())
                .forcePathStyle(true).credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID,
                                secretOf(CUSTOMER_ADMIN_ACCESS_KEY_ID)))).build()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("sweep/in/a.csv"), RequestBody.fromString("id,name\n1,a\n2,b\n"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    /** The canary secret the sandbox gives the user of this access key. */
    private static String secretOf(String accessKeyId) {
        return DefaultSandbox.config().accounts().stream().flatMap(a -> a.users().stream())
                .filter(u -> u.accessKeyId().equals(accessKeyId)).map(u -> canary(u.userName())).findFirst().orElseThrow();
    }

    /** A 40-character secret that starts with the canary. */
    static String canary(String who) {
        return (CANARY + who + "/0000000000000000000000000000000000000000").substring(0, 40);
    }

    private static Map<String, String> customer(boolean wrongSecret) throws Exception {
        // The agent's secret comes by reference, as a host that keeps secrets out of mapping files gives it.
        Path secret = Files.writeString(dir.resolve("agent-secret"), wrongSecret ? canary("wrong") : secretOf(AGENT_ACCESS_KEY_ID) + "\n");
        return Demo.with(Demo.keys(), "aws.secret-access-key", "${file:" + secret + "}", "aws.role-arn",
                roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE), "aws.external-id", CUSTOMER_EXTERNAL_ID);
    }

    private static Map<String, String> mapping(boolean wrongSecret, String jdbcUrl) throws Exception {
        Map<String, String> m = new TreeMap<>();
        Demo.side(m, "source", "s3", Demo.endpoints(sandbox, customer(wrongSecret)));
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/sweep/in/");
        Demo.side(m, "target", "redshift", Demo.with(Demo.redshift(sandbox, customer(wrongSecret)), "redshift.jdbc-url", jdbcUrl));
        m.put("target.redshift.table", "sweep_t");
        return m;
    }

    /** The same load, logging in to the cluster or the workgroup with IAM as the customer's role (temporary passwords). */
    private static Map<String, String> iamMapping(boolean workgroup) throws Exception {
        Map<String, String> m = mapping(false, sandbox.redshift().jdbcUrl());
        m.keySet().removeAll(List.of("target.redshift.user", "target.redshift.password"));
        Demo.iamLogin(sandbox, workgroup).forEach((k, v) -> m.put("target." + k, v));
        String table = workgroup ? "sweep_workgroup" : "sweep_iam";
        m.put("target.redshift.table", table);
        m.put("target.redshift.load-log-table", table + "_log");   // the role's own user writes its own log
        return m;
    }

    private static Path file(String name, Map<String, String> m) throws Exception {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return Files.writeString(dir.resolve(name), b.toString());
    }

    /** Every secret the sandbox knows or issued so far. */
    private static List<String> secrets() {
        List<String> all = new ArrayList<>(sandbox.iam().secrets());
        all.add(CANARY);
        return all;
    }

    private static void assertNoSecret(String where, String text) {
        for (String s : secrets()) {
            assertFalse(text.contains(s), where + " shows a secret (" + s.substring(0, 6) + "...):\n" + text);
        }
    }

    /** The harness in a JVM of its own, every logger at TRACE. */
    private static String stageway(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace", "-cp", System.getProperty("java.class.path"),
                Stageway.class.getName(), "--verbose", "--plugin", CommandsTest.BUNDLE.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return "exit " + p.exitValue() + "\n" + new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void noCommandOutputLogOrReportShowsASecret() throws Exception {
        String jdbc = sandbox.redshift().jdbcUrl();
        Path good = file("sweep.properties", mapping(false, jdbc));
        Path report = dir.resolve("report.json");
        List<String> outputs = new ArrayList<>();
        outputs.add(stageway("validate", good.toString()));
        outputs.add(stageway("check", good.toString()));
        String run = stageway("run", good.toString(), "--report", report.toString());
        assertTrue(run.startsWith("exit 0"), run);
        outputs.add(run);
        outputs.add(stageway("cleanup", good.toString(), "--older-than", "0s", "--dry-run"));
        for (boolean workgroup : new boolean[] {false, true}) {
            String iam = stageway("run", file("iam-" + workgroup + ".properties", iamMapping(workgroup)).toString());
            assertTrue(iam.startsWith("exit 0"), iam);
            outputs.add(iam);
        }
        // Failures: a wrong secret key, a password in a JDBC URL the driver cannot parse, one in a URL it can.
        outputs.add(stageway("run", file("wrong.properties", mapping(true, jdbc)).toString()));
        outputs.add(stageway("check", file("url.properties", mapping(false, "jdbc:redshift://[bad?password=" + canary("url"))).toString()));
        outputs.add(stageway("check", file("url2.properties", mapping(false, jdbc + (jdbc.contains("?") ? "&" : "?") + "password="
                + canary("url2"))).toString()));
        for (String o : outputs) {
            assertNoSecret(o.lines().limit(3).toList().toString(), o);
        }
        assertTrue(String.join("\n", outputs).contains("TRACE") || String.join("\n", outputs).contains("DEBUG"),
                "the loggers did speak");
        assertNoSecret("the run report", Files.readString(report));
    }

    @Test
    void noStackTraceOrToStringShowsASecret() throws Exception {
        dev.stageway.config.References.enable();
        Mapping good = Mapping.of(mapping(false, sandbox.redshift().jdbcUrl()));
        Mapping wrong = Mapping.of(mapping(true, sandbox.redshift().jdbcUrl() + "?password=" + canary("url3")));
        List<String> texts = new ArrayList<>(List.of(good.toString(), wrong.toString()));
        try (PluginBundle plugin = PluginBundle.open(CommandsTest.BUNDLE)) {
            RunContext context = new RunContext("sweep", plugin.runtime());
            for (Mapping m : List.of(good, wrong)) {
                Mapping.Side source = m.source().orElseThrow();
                Mapping.Side target = m.target().orElseThrow();
                ConnectorFactory s3 = plugin.connector("source.connector", "s3");
                ConnectorFactory redshift = plugin.connector("target.connector", "redshift");
                texts.add(new LocalRun.Side(s3, source.connection(s3), source.own(s3, true)).toString());
                texts.add(context.toString());
                texts.add(failure(() -> s3.planSource(context, source.connection(s3), source.own(s3, true)).close()));
                texts.add(failure(() -> redshift.openWrite(context, target.connection(redshift), target.own(redshift, false),
                        DeadRuns.SCHEMA).abort()));
                texts.add(failure(() -> redshift.validateTarget(target.connection(redshift), Map.of("redshift.password",
                        "${file:" + dir.resolve("missing") + "}")).forEach(p -> { throw new ConfigurationException(p); })));
            }
        }
        texts.add(AwsSettings.parse(dev.stageway.aws.AwsProperties.CONNECTION.select(good.source().orElseThrow().properties()), Map.of(),
                "sweep").toString());
        for (String t : texts) {
            assertNoSecret("a stack trace or toString", t);
        }
    }

    /** The stack trace, causes and all, of what {@code action} threw; empty when it did not. */
    private static String failure(ThrowingRunnable action) {
        try {
            action.run();
            return "";
        } catch (Throwable t) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            return trace + "\n" + t;
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
