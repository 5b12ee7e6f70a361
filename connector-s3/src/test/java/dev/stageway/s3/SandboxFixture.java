package dev.stageway.s3;

import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.aws.RoleSessions;
import dev.stageway.spi.PlannedReader;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.testkit.Sandbox;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Connection maps for each strategy against a sandbox, and helpers to write and read through the connector. */
final class SandboxFixture implements AutoCloseable {
    final Sandbox sandbox;
    final RoleSessions sessions = new RoleSessions();
    final S3ConnectorFactory connector = new S3ConnectorFactory();

    SandboxFixture(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** A fixture over a fresh default sandbox. */
    static SandboxFixture start() throws Exception {
        return new SandboxFixture(Sandbox.start());
    }

    @Override
    public void close() throws Exception {
        sessions.close();
        sandbox.close();
    }

    Map<String, String> endpoints() {
        Map<String, String> p = new HashMap<>();
        p.put("aws.region", sandbox.region());
        p.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        p.put("aws.s3.endpoint", sandbox.s3Endpoint().toString());
        p.put("aws.s3.path-style-access", "true");
        p.put("aws.imds.endpoint", sandbox.imdsEndpoint().toString());
        return p;
    }

    Map<String, String> agentKeys() {
        Map<String, String> p = endpoints();
        p.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        p.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        return p;
    }

    Map<String, String> customerRole() {
        Map<String, String> p = agentKeys();
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        return p;
    }

    Map<String, String> customerRoleFromEc2() {
        Map<String, String> p = endpoints();
        p.put("aws.use-ec2-role-to-assume-role", "true");
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        return p;
    }

    RunContext context() {
        return new RunContext("test-run", sessions);
    }

    /** A client with the customer admin's keys, to look at buckets behind the connector's back. */
    S3Client admin() {
        return S3Client.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build();
    }

    void write(Map<String, String> connection, Map<String, String> target, Schema schema, List<Object[]> rows) {
        try (SingleTaskWriter w = SingleTaskWriter.open(connector, context(), connection, target, schema)) {
            w.write(new RecordBatch(schema, rows));
            w.commit();
        }
    }

    List<Object[]> read(Map<String, String> connection, Map<String, String> source) {
        try (SourceReader r = PlannedReader.open(connector, context(), connection, source)) {
            List<Object[]> rows = new ArrayList<>();
            for (Optional<RecordBatch> b = r.next(); b.isPresent(); b = r.next()) {
                rows.addAll(b.get().rows());
            }
            return rows;
        }
    }

    static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
