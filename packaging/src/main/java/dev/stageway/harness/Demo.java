package dev.stageway.harness;

import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.error.StagewayException;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.s3.SandboxCertificate;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code stageway demo}: starts the default sandbox and runs every path through the plugin bundle:
 * S3 -> S3 with each credential strategy and into a bucket encrypted with the customer's KMS key,
 * S3 -> Redshift with temporary credentials and with IAM_ROLE, Redshift -> S3 through UNLOAD, and
 * a refused wrong External Id; S3 is reached over HTTPS.
 */
final class Demo {
    private Demo() {
    }

    static final int ROWS = 1_000;

    private record Case(String name, Map<String, String> mapping, boolean expectRefusal) {
    }

    static int run(Path bundle, PrintStream out) {
        long started = System.nanoTime();
        out.println("Starting the local sandbox (S3, STS, IMDSv2, Redshift stand-in)...");
        try (Sandbox sandbox = Sandbox.builder().withRedshift().build();
             PluginBundle plugin = PluginBundle.open(bundle, Demo.class.getClassLoader())) {
            out.printf("Sandbox up in %.1f s; plugin %s %s with connectors %s%n%n", (System.nanoTime() - started) / 1e9,
                    plugin.descriptor().getProperty("name"), plugin.descriptor().getProperty("version"), plugin.connectors().keySet());
            seed(sandbox);
            out.printf("%-3s %-58s %7s %7s  %s%n", "#", "case", "rows", "time", "result");
            int number = 0;
            boolean allAsExpected = true;
            for (Case c : cases(sandbox)) {
                number++;
                long t0 = System.nanoTime();
                String rows = "-";
                String result;
                boolean asExpected;
                try {
                    RunResult r = MappingRun.run(plugin, Mapping.of(c.mapping()), "demo-" + number, 1, Progress.silent());
                    rows = String.format("%,d", r.written().rows());
                    asExpected = !c.expectRefusal() && r.written().rows() == ROWS;
                    String path = r.path().name().equals(LocalRun.PathTaken.STREAMED) ? "" : ", by " + r.path().name()
                            + ": no row through the agent";
                    result = asExpected ? "ok" + path : "UNEXPECTED: " + r.written().rows() + " rows";
                } catch (StagewayException e) {
                    asExpected = c.expectRefusal();
                    result = (asExpected ? "ok, refused as expected (" : "FAILED (") + e.kind() + "): " + e.getMessage();
                }
                allAsExpected &= asExpected;
                out.printf("%-3d %-58s %7s %6.1fs  %s%n", number, c.name(), rows, (System.nanoTime() - t0) / 1e9, result);
            }
            out.printf("%n%s in %.1f s%n", allAsExpected ? "All cases behaved as expected" : "SOME CASES DID NOT BEHAVE AS EXPECTED",
                    (System.nanoTime() - started) / 1e9);
            return allAsExpected ? Stageway.OK : 1;
        } catch (StagewayException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("The demo could not run: " + e.getMessage(), e);
        }
    }

    /** Orders CSV with the awkward values real files have, in the customer's bucket and the agent's. */
    private static void seed(Sandbox sandbox) {
        StringBuilder csv = new StringBuilder("id,customer,note\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(",\"customer ").append(i % 97).append("\",")
                    .append(i % 10 == 0 ? "" : i % 7 == 0 ? "\"says \"\"hi\"\", then\nleaves\"" : "\"żółć, 日本\"").append('\n');
        }
        String body = csv.toString();
        for (String[] who : new String[][] {{CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY, CUSTOMER_BUCKET},
                {AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY, AGENT_BUCKET}}) {
            try (S3Client s3 = S3Client.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint())
                    .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(who[0], who[1])))
                    .build()) {
                s3.putObject(b -> b.bucket(who[2]).key("demo/in/orders.csv"), RequestBody.fromString(body));
            }
        }
    }

    private static List<Case> cases(Sandbox sandbox) {
        String customerRole = roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE);
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("S3 -> S3, static keys (the agent's IAM user)", s3ToS3(sandbox, keys(), AGENT_BUCKET, "static"), false));
        cases.add(new Case("S3 -> S3, keys -> AssumeRole cross-account with External Id",
                s3ToS3(sandbox, with(keys(), "aws.role-arn", customerRole, "aws.external-id", CUSTOMER_EXTERNAL_ID), CUSTOMER_BUCKET,
                        "keys-role"), false));
        cases.add(new Case("S3 -> S3, EC2 instance role -> AssumeRole with External Id",
                s3ToS3(sandbox, with(Map.of(), "aws.use-ec2-role-to-assume-role", "true", "aws.role-arn", customerRole,
                        "aws.external-id", CUSTOMER_EXTERNAL_ID), CUSTOMER_BUCKET, "ec2-role"), false));
        cases.add(new Case("S3 -> S3, the agent's own identity (instance role)", s3ToS3(sandbox, Map.of(), AGENT_BUCKET, "ambient"), false));
        Map<String, String> customer = with(keys(), "aws.role-arn", customerRole, "aws.external-id", CUSTOMER_EXTERNAL_ID);
        Map<String, String> secure = s3ToS3(sandbox, customer, CUSTOMER_BUCKET, "unused");
        secure.put("target.s3.folder-path", CUSTOMER_SECURE_BUCKET + "/" + CUSTOMER_SECURE_PREFIX + "demo/");
        secure.put("target.s3.sse", "sse-kms");
        secure.put("target.s3.sse.kms-key-id", customerKeyArn());
        cases.add(new Case("S3 -> S3 encrypted with the customer's KMS key (SSE-KMS)", secure, false));
        cases.add(new Case("S3 -> Redshift, COPY with temporary credentials (truncate)",
                s3ToRedshift(sandbox, customer, Map.of(), Map.of("redshift.load-mode", "truncate")), false));
        cases.add(new Case("S3 -> Redshift, COPY with IAM_ROLE (upsert by id)", s3ToRedshift(sandbox, customer,
                Map.of("redshift.copy-auth", "iam-role", "redshift.iam-role", roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE)),
                Map.of("redshift.load-mode", "upsert", "redshift.key-columns", "id")), false));
        Map<String, String> serverless = s3ToRedshift(sandbox, customer, Map.of(), Map.of("redshift.load-mode", "truncate",
                "redshift.table", "demo_orders_serverless", "redshift.load-log-table", "demo_serverless_load_log"));
        serverless.keySet().removeAll(List.of("target.redshift.user", "target.redshift.password"));
        iamLogin(sandbox, true).forEach((k, v) -> serverless.put("target." + k, v));
        cases.add(new Case("S3 -> Redshift Serverless, IAM login (cross-account role)", serverless, false));
        // The table exists now, both sides share the connection, and NULL marks nulls: COPY reads the object where it is.
        Map<String, String> direct = s3ToRedshift(sandbox, customer, Map.of(), Map.of("redshift.load-mode", "truncate"));
        direct.put("source.csv.null-value", "NULL");
        cases.add(new Case("S3 -> Redshift, COPY straight from the source's objects", direct, false));
        Map<String, String> unload = new TreeMap<>();
        side(unload, "source", "redshift", redshift(sandbox, customer));
        unload.put("source.redshift.table", "demo_orders");
        side(unload, "target", "s3", endpoints(sandbox, customer));
        unload.put("target.s3.folder-path", CUSTOMER_BUCKET + "/demo/out/unloaded/");
        cases.add(new Case("Redshift -> S3 through UNLOAD", unload, false));
        cases.add(new Case("refused: keys -> AssumeRole with another tenant's External Id",
                s3ToS3(sandbox, with(keys(), "aws.role-arn", customerRole, "aws.external-id", TENANT_B_EXTERNAL_ID), CUSTOMER_BUCKET,
                        "refused"), true));
        return cases;
    }

    static Map<String, String> keys() {
        return Map.of("aws.access-key-id", AGENT_ACCESS_KEY_ID, "aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
    }

    static Map<String, String> endpoints(Sandbox sandbox, Map<String, String> credentials) {
        // Over HTTPS, as S3 is reached (SSE-KMS requires it), trusting the sandbox's certificate as a CA bundle.
        return with(credentials, "aws.region", sandbox.region(), "aws.s3.endpoint", sandbox.s3TlsEndpoint().toString(),
                "aws.sts.endpoint", sandbox.stsEndpoint().toString(), "aws.imds.endpoint", sandbox.imdsEndpoint().toString(),
                "aws.s3.path-style-access", "true", "aws.ca-bundle", SandboxCertificate.caBundle().toString());
    }

    static Map<String, String> redshift(Sandbox sandbox, Map<String, String> credentials) {
        return with(endpoints(sandbox, credentials), "redshift.jdbc-url", sandbox.redshift().jdbcUrl(),
                "redshift.user", sandbox.redshift().user(), "redshift.password", sandbox.redshift().password(),
                "redshift.staging-path", CUSTOMER_STAGING_BUCKET + "/stageway/");
    }

    /** Logging in with IAM, instead of the cluster's password, to the cluster or to its Serverless workgroup. */
    static Map<String, String> iamLogin(Sandbox sandbox, boolean workgroup) {
        return workgroup
                ? with(Map.of(), "redshift.auth", "iam", "redshift.jdbc-url", sandbox.redshift().serverlessJdbcUrl(),
                        "redshift.workgroup", sandbox.redshift().workgroup(),
                        "aws.redshift-serverless.endpoint", sandbox.redshift().serverlessApiEndpoint().toString())
                : with(Map.of(), "redshift.auth", "iam", "redshift.jdbc-url", sandbox.redshift().jdbcUrl(),
                        "redshift.cluster-id", sandbox.config().redshift().orElseThrow().clusterIdentifier(),
                        "aws.redshift.endpoint", sandbox.redshift().apiEndpoint().toString());
    }

    private static Map<String, String> s3ToS3(Sandbox sandbox, Map<String, String> credentials, String bucket, String out) {
        Map<String, String> m = new TreeMap<>();
        side(m, "source", "s3", endpoints(sandbox, credentials));
        m.put("source.s3.folder-path", bucket + "/demo/in/");
        side(m, "target", "s3", endpoints(sandbox, credentials));
        m.put("target.s3.folder-path", bucket + "/demo/out/" + out + "/");
        m.put("target.s3.compression", "gzip");
        return m;
    }

    private static Map<String, String> s3ToRedshift(Sandbox sandbox, Map<String, String> credentials, Map<String, String> copyAuth,
                                                    Map<String, String> mode) {
        Map<String, String> m = new TreeMap<>();
        side(m, "source", "s3", endpoints(sandbox, credentials));
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/demo/in/");
        Map<String, String> cluster = new TreeMap<>(redshift(sandbox, credentials));
        cluster.putAll(copyAuth);
        side(m, "target", "redshift", cluster);
        m.put("target.redshift.table", "demo_orders");
        mode.forEach((k, v) -> m.put("target." + k, v));
        return m;
    }

    static void side(Map<String, String> mapping, String prefix, String connector, Map<String, String> properties) {
        mapping.put(prefix + ".connector", connector);
        properties.forEach((k, v) -> mapping.put(prefix + "." + k, v));
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new TreeMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
