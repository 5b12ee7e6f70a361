package dev.stageway.harness;

import dev.stageway.testkit.DefaultSandbox;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.faults.Fault;
import dev.stageway.testkit.faults.Faults;
import dev.stageway.testkit.s3.SandboxCertificate;
import dev.stageway.testkit.SandboxConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Runs the local sandbox in the foreground, printing (and writing) what a mapping needs to reach it. */
final class SandboxCommand {
    private SandboxCommand() {
    }

    static final List<String> SECRET_KEYS = List.of("agent.secret-access-key", "redshift.password");

    static int run(String config, String envFile, String faultsFile, PrintStream out) {
        List<Fault> faults;
        try {
            faults = faultsFile == null ? List.of() : Faults.read(Path.of(faultsFile));
        } catch (IllegalArgumentException e) {
            throw new dev.stageway.config.ConfigurationException(dev.stageway.config.Problem.of("--faults", e.getMessage()));
        }
        Sandbox sandbox = start(config, envFile, out);
        for (Fault f : faults) {
            sandbox.faults().arm(f);
            out.println("fault armed: " + f);
        }
        try {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    sandbox.close();
                } catch (Exception ignored) {
                    // Stopping anyway.
                }
                stopped.countDown();
            }));
            stopped.await();
            return Stageway.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Stageway.OK;
        }
    }

    /** Starts the sandbox, prints its values (secrets masked) and writes them all with --write-env. */
    static Sandbox start(String config, String envFile, PrintStream out) {
        Sandbox sandbox;
        try {
            Sandbox.Builder builder = Sandbox.builder().withRedshift();
            if (config != null) {
                builder.config(SandboxConfig.read(Path.of(config)));
            }
            sandbox = builder.build();
        } catch (IOException | IllegalArgumentException e) {
            throw new dev.stageway.config.ConfigurationException(dev.stageway.config.Problem.of("--config",
                    "cannot be used: " + e.getMessage()));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the sandbox: " + e.getMessage(), e);
        }
        Map<String, String> env = env(sandbox);
        // The certificate of the HTTPS endpoint, for mappings to name as aws.ca-bundle: beside the env file, where it stays.
        Path caBundle = envFile == null ? SandboxCertificate.caBundle()
                : SandboxCertificate.writePem(Path.of(envFile).toAbsolutePath().resolveSibling("sandbox-ca.pem"));
        env.put("aws.ca-bundle", caBundle.toString());
        out.println("Local sandbox running (Ctrl-C to stop):");
        // Even the sandbox's own secrets are not printed; --write-env writes them for mappings to use.
        env.forEach((k, v) -> out.println("  " + k + "=" + (SECRET_KEYS.contains(k) ? "[hidden]" : v)));
        if (envFile != null) {
            try {
                write(Path.of(envFile), env);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + envFile + ": " + e.getMessage(), e);
            }
            out.println("written to " + envFile);
        }
        out.flush();
        return sandbox;
    }

    /** The keys a mapping needs to reach the sandbox's default identities, buckets and cluster. */
    static Map<String, String> env(Sandbox sandbox) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("aws.region", sandbox.region());
        env.put("aws.s3.endpoint", sandbox.s3Endpoint().toString());
        env.put("aws.s3.tls-endpoint", sandbox.s3TlsEndpoint().toString());
        env.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        env.put("aws.imds.endpoint", sandbox.imdsEndpoint().toString());
        env.put("agent.access-key-id", DefaultSandbox.AGENT_ACCESS_KEY_ID);
        env.put("agent.secret-access-key", DefaultSandbox.AGENT_SECRET_ACCESS_KEY);
        env.put("customer.role-arn", DefaultSandbox.roleArn(DefaultSandbox.CUSTOMER_ACCOUNT, DefaultSandbox.CUSTOMER_ROLE));
        env.put("customer.external-id", DefaultSandbox.CUSTOMER_EXTERNAL_ID);
        env.put("customer.bucket", DefaultSandbox.CUSTOMER_BUCKET);
        env.put("customer.secure-bucket", DefaultSandbox.CUSTOMER_SECURE_BUCKET + "/" + DefaultSandbox.CUSTOMER_SECURE_PREFIX);
        env.put("customer.kms-key-arn", DefaultSandbox.customerKeyArn());
        env.put("staging.bucket", DefaultSandbox.CUSTOMER_STAGING_BUCKET);
        env.put("tenant-b.role-arn", DefaultSandbox.roleArn(DefaultSandbox.TENANT_B_ACCOUNT, DefaultSandbox.TENANT_B_ROLE));
        env.put("tenant-b.external-id", DefaultSandbox.TENANT_B_EXTERNAL_ID);
        env.put("tenant-b.bucket", DefaultSandbox.TENANT_B_BUCKET);
        env.put("redshift.jdbc-url", sandbox.redshift().jdbcUrl());
        env.put("redshift.user", sandbox.redshift().user());
        env.put("redshift.password", sandbox.redshift().password());
        env.put("redshift.iam-role", DefaultSandbox.roleArn(DefaultSandbox.CUSTOMER_ACCOUNT, DefaultSandbox.REDSHIFT_ROLE));
        env.put("redshift.cluster-id", DefaultSandbox.REDSHIFT_CLUSTER);
        env.put("aws.redshift.endpoint", sandbox.redshift().apiEndpoint().toString());
        env.put("redshift.workgroup", sandbox.redshift().workgroup());
        env.put("redshift.serverless-jdbc-url", sandbox.redshift().serverlessJdbcUrl());
        env.put("aws.redshift-serverless.endpoint", sandbox.redshift().serverlessApiEndpoint().toString());
        return env;
    }

    private static void write(Path file, Map<String, String> env) throws IOException {
        StringBuilder b = new StringBuilder("# Local sandbox endpoints and credentials (sandbox-only values)\n");
        env.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, b.toString());
    }
}
