package dev.stageway.redshift;

import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.aws.RoleSessions;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.PlannedReader;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.testkit.Sandbox;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A sandbox with the Redshift stand-in, connection maps, and helpers to load, read and query. */
final class RedshiftFixture implements AutoCloseable {
    final Sandbox sandbox;
    final RoleSessions sessions = new RoleSessions();
    final RedshiftConnectorFactory connector = new RedshiftConnectorFactory();
    private int runs;

    RedshiftFixture(Sandbox sandbox) {
        this.sandbox = sandbox;
    }

    /** The customer's role assumed cross-account with its External Id, staging in the customer's bucket. */
    Map<String, String> connection() {
        Map<String, String> p = new HashMap<>();
        p.put("aws.region", sandbox.region());
        p.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        p.put("aws.s3.endpoint", sandbox.s3Endpoint().toString());
        p.put("aws.s3.path-style-access", "true");
        p.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        p.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        p.put("redshift.jdbc-url", sandbox.redshift().jdbcUrl());
        p.put("redshift.user", REDSHIFT_USER);
        p.put("redshift.password", REDSHIFT_PASSWORD);
        p.put("redshift.staging-path", "s3://" + CUSTOMER_STAGING_BUCKET + "/stageway/");
        return p;
    }

    /**
     * {@code credentials} (one of the strategies' properties, without endpoints) logging in with IAM
     * to the cluster, or to the Serverless workgroup.
     */
    Map<String, String> iamLogin(Map<String, String> credentials, boolean workgroup) {
        Map<String, String> p = connection();
        p.keySet().removeIf(k -> k.startsWith("aws.access-key-id") || k.startsWith("aws.secret-access-key")
                || k.startsWith("aws.role-arn") || k.startsWith("aws.external-id") || k.equals("redshift.user")
                || k.equals("redshift.password"));
        p.put("aws.imds.endpoint", sandbox.imdsEndpoint().toString());
        p.putAll(credentials);
        p.put("redshift.auth", "iam");
        if (workgroup) {
            p.put("redshift.jdbc-url", sandbox.redshift().serverlessJdbcUrl());
            p.put("redshift.workgroup", sandbox.redshift().workgroup());
            p.put("aws.redshift-serverless.endpoint", sandbox.redshift().serverlessApiEndpoint().toString());
        } else {
            p.put("redshift.cluster-id", REDSHIFT_CLUSTER);
            p.put("aws.redshift.endpoint", sandbox.redshift().apiEndpoint().toString());
        }
        return p;
    }

    Map<String, String> iamRoleConnection() {
        Map<String, String> p = connection();
        p.put("redshift.copy-auth", "iam-role");
        p.put("redshift.iam-role", roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE));
        return p;
    }

    RunContext context() {
        return new RunContext("run-" + (++runs), sessions);
    }

    RunSummary load(Map<String, String> connection, Map<String, String> target, Schema schema, List<Object[]> rows) {
        try (SingleTaskWriter w = SingleTaskWriter.open(connector, context(), connection, target, schema)) {
            w.write(new RecordBatch(schema, rows));
            return w.commit();
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

    /** Rows of {@code sql}, each value as text (null stays null). */
    List<List<String>> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                    row.add(r.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void close() throws Exception {
        sessions.close();
        sandbox.close();
    }
}
