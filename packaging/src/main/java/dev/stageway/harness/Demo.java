package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.aws.AwsCredentialsFactory;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.ConnectorCredentials;
import dev.stageway.aws.RoleSessions;
import dev.stageway.error.StagewayException;
import dev.stageway.testkit.Sandbox;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Runs the credential path of Stageway on the embedded local sandbox: each of the four
 * strategies reads an object its identity may read, and a wrong External Id is refused.
 * Exits 0 when everything behaves as expected.
 */
public final class Demo {
    private Demo() {
    }

    private record Case(String name, Map<String, String> properties, String bucket, boolean expectAllowed) {
    }

    private record Row(String name, String strategy, String identity, String outcome, boolean asExpected) {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(System.out));
    }

    static int run(PrintStream out) throws Exception {
        long started = System.nanoTime();
        try (Sandbox sandbox = Sandbox.start(); RoleSessions sessions = new RoleSessions()) {
            out.printf("Local sandbox up in %d ms: S3 %s, STS %s, IMDS %s%n", (System.nanoTime() - started) / 1_000_000,
                    sandbox.s3Endpoint(), sandbox.stsEndpoint(), sandbox.imdsEndpoint());
            seed(sandbox);
            List<Row> rows = new ArrayList<>();
            for (Case c : cases(sandbox)) {
                rows.add(run(c, sandbox, sessions));
            }
            print(out, rows);
            boolean ok = rows.stream().allMatch(Row::asExpected);
            out.printf("%s; %d STS AssumeRole calls in all; %d ms%n", ok ? "All cases behaved as expected" : "SOME CASES FAILED",
                    sessions.stsCalls(), (System.nanoTime() - started) / 1_000_000);
            return ok ? 0 : 1;
        }
    }

    private static void seed(Sandbox sandbox) {
        try (S3Client admin = s3(sandbox, StaticCredentialsProvider.create(
                AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY)));
             S3Client agent = s3(sandbox, StaticCredentialsProvider.create(
                     AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY)))) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("demo/orders.csv"), RequestBody.fromString("id,total\n1,9.50\n"));
            agent.putObject(b -> b.bucket(AGENT_BUCKET).key("demo/orders.csv"), RequestBody.fromString("id,total\n1,9.50\n"));
        }
    }

    private static List<Case> cases(Sandbox sandbox) {
        Map<String, String> base = new HashMap<>();
        base.put("aws.region", sandbox.region());
        base.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        base.put("aws.imds.endpoint", sandbox.imdsEndpoint().toString());
        Map<String, String> keys = with(base, "aws.access-key-id", AGENT_ACCESS_KEY_ID, "aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        String customerRole = roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE);
        return List.of(
                new Case("1 static keys", keys, AGENT_BUCKET, true),
                new Case("2 keys -> AssumeRole (cross-account, External Id)",
                        with(keys, "aws.role-arn", customerRole, "aws.external-id", CUSTOMER_EXTERNAL_ID), CUSTOMER_BUCKET, true),
                new Case("3 EC2 role -> AssumeRole (External Id)", with(base, "aws.use-ec2-role-to-assume-role", "true",
                        "aws.role-arn", customerRole, "aws.external-id", CUSTOMER_EXTERNAL_ID), CUSTOMER_BUCKET, true),
                new Case("4 ambient (instance role)", base, AGENT_BUCKET, true),
                new Case("refused: wrong External Id",
                        with(keys, "aws.role-arn", customerRole, "aws.external-id", "another-tenants-id"), CUSTOMER_BUCKET, false));
    }

    private static Row run(Case c, Sandbox sandbox, RoleSessions sessions) {
        String strategy = "";
        try (ConnectorCredentials credentials = AwsCredentialsFactory.open(AwsSettings.parse(c.properties(), Map.of(), "demo"), sessions)) {
            strategy = credentials.strategy().describe();
            String identity;
            try (StsClient sts = StsClient.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.stsEndpoint())
                    .credentialsProvider(credentials).build()) {
                identity = sts.getCallerIdentity().arn();
            }
            try (S3Client s3 = s3(sandbox, credentials)) {
                long bytes = s3.getObjectAsBytes(b -> b.bucket(c.bucket()).key("demo/orders.csv")).asByteArray().length;
                return new Row(c.name(), strategy, identity, "read s3://" + c.bucket() + "/demo/orders.csv (" + bytes + " bytes)",
                        c.expectAllowed());
            }
        } catch (StagewayException e) {
            return new Row(c.name(), strategy, "-", "refused (" + e.kind() + "): " + e.getMessage(), !c.expectAllowed());
        }
    }

    private static void print(PrintStream out, List<Row> rows) {
        for (Row r : rows) {
            out.printf("%n[%s] %s%n  strategy: %s%n  identity: %s%n  outcome:  %s%n", r.asExpected() ? " ok " : "FAIL", r.name(),
                    r.strategy(), r.identity(), r.outcome());
        }
        out.println();
    }

    private static S3Client s3(Sandbox sandbox, AwsCredentialsProvider credentials) {
        return S3Client.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(credentials).build();
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
