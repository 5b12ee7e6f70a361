package dev.stageway.s3;

import static dev.stageway.s3.SandboxFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.PlannedReader;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.faults.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every strategy through the connector: allowed where the sandbox's IAM allows it, refused clearly where not. */
class S3CredentialsTest {
    static final Schema ONE = Schema.of(Column.of("v", ColumnType.string()));
    static final List<Object[]> ROWS = List.<Object[]>of(new Object[] {"a"}, new Object[] {"b"});

    static void assertRoundTrip(SandboxFixture fx, Map<String, String> connection, String bucket, String folder) {
        fx.write(connection, props("s3.folder-path", bucket + "/" + folder), ONE, ROWS);
        List<Object[]> back = fx.read(connection, props("s3.folder-path", bucket + "/" + folder));
        assertEquals(List.of("a", "b"), back.stream().map(r -> (String) r[0]).toList());
    }

    @Test
    void eachStrategyWritesAndReadsWhereAllowedAndIsRefusedWhereNot() throws Exception {
        try (Sandbox sandbox = Sandbox.start()) {
            SandboxFixture fx = new SandboxFixture(sandbox);
            try {
                assertRoundTrip(fx, fx.agentKeys(), AGENT_BUCKET, "static");
                assertRoundTrip(fx, fx.customerRole(), CUSTOMER_BUCKET, "keys-role");
                assertRoundTrip(fx, fx.customerRoleFromEc2(), CUSTOMER_BUCKET, "ec2-role");
                assertRoundTrip(fx, fx.endpoints(), AGENT_BUCKET, "ambient");

                StagewayException keys = assertThrows(StagewayException.class,
                        () -> fx.read(fx.agentKeys(), props("s3.folder-path", CUSTOMER_BUCKET + "/keys-role")));
                assertEquals(ErrorKind.AUTHENTICATION, keys.kind());
                assertTrue(keys.getMessage().startsWith("Cannot list s3://customer-data/keys-role/ as "
                        + "arn:aws:iam::111122223333:user/stageway-agent: access denied."), keys.getMessage());
                assertFalse(keys.getMessage().contains(AGENT_SECRET_ACCESS_KEY));

                StagewayException ambient = assertThrows(StagewayException.class, () -> fx.write(fx.endpoints(),
                        props("s3.folder-path", CUSTOMER_BUCKET + "/ambient"), ONE, ROWS));
                assertTrue(ambient.getMessage().contains("as arn:aws:sts::111122223333:assumed-role/stageway-agent-instance/"),
                        ambient.getMessage());
                assertTrue(ambient.getMessage().contains("s3://customer-data/ambient/"), ambient.getMessage());
            } finally {
                fx.sessions.close();
            }
        }
    }

    @Test
    void transfersOutliveSeveralShortSessions() throws Exception {
        Duration lifetime = Duration.ofSeconds(3);
        try (Sandbox sandbox = Sandbox.builder().sessionLifetime(lifetime).build()) {
            SandboxFixture fx = new SandboxFixture(sandbox);
            try {
                Map<String, String> target = props("s3.folder-path", CUSTOMER_BUCKET + "/slow",
                        "s3.multipart.part-size-bytes", String.valueOf(5 * 1024 * 1024));
                long before = sandbox.assumeRoleCalls();
                Instant start = Instant.now();
                long rowsWritten = 0;
                try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), fx.customerRole(), target, ONE)) {
                    // Rows arrive slowly: parts are uploaded across several sessions.
                    while (Duration.between(start, Instant.now()).compareTo(lifetime.multipliedBy(3)) < 0) {
                        List<Object[]> rows = new ArrayList<>();
                        for (int i = 0; i < 1024; i++) {
                            rows.add(new Object[] {"r" + rowsWritten++ + "-" + "x".repeat(1000)});
                        }
                        w.write(new RecordBatch(ONE, rows));
                        Thread.sleep(100);
                    }
                    w.commit();
                }
                long writeCalls = sandbox.assumeRoleCalls() - before;
                assertTrue(writeCalls >= 3, "the upload spanned several sessions: " + writeCalls);
                long rowsRead = 0;
                try (SourceReader r = PlannedReader.open(fx.connector, fx.context(), fx.customerRole(), props("s3.folder-path",
                        CUSTOMER_BUCKET + "/slow", "s3.multipart.part-size-bytes", String.valueOf(5 * 1024 * 1024),
                        "s3.multipart.concurrency", "1"))) {
                    Instant readStart = Instant.now();
                    for (Optional<RecordBatch> b = r.next(); b.isPresent(); b = r.next()) {
                        rowsRead += b.get().size();
                        Thread.sleep(Math.max(0, 8 - Duration.between(readStart, Instant.now()).toSeconds()));
                    }
                }
                assertEquals(rowsWritten, rowsRead);
            } finally {
                fx.sessions.close();
            }
        }
    }

    @Test
    void throttlingIsRetriedWithBackoff() throws Exception {
        try (Sandbox sandbox = Sandbox.start()) {
            SandboxFixture fx = new SandboxFixture(sandbox);
            try {
                Fault throttled = sandbox.faults().arm(Fault.of(Fault.Kind.SLOW_DOWN).times(2));
                assertRoundTrip(fx, fx.customerRole(), CUSTOMER_BUCKET, "throttled");
                assertEquals(2, throttled.fired());
            } finally {
                fx.sessions.close();
            }
        }
    }
}
