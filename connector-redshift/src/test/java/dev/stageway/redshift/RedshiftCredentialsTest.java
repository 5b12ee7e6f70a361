package dev.stageway.redshift;

import static dev.stageway.redshift.RedshiftFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.AwsCredentialsFactory;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.ConnectorCredentials;
import dev.stageway.aws.CredentialSnapshot;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.testkit.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Temporary credentials embedded in COPY are fresh enough, and no secret reaches the logs. */
class RedshiftCredentialsTest {
    static final Schema ONE = Schema.of(Column.of("v", ColumnType.string()));
    static final Duration LIFETIME = Duration.ofSeconds(6);

    @Test
    void credentialsThatWouldExpireBeforeTheCopyAreRenewedFirst() throws Exception {
        try (RedshiftFixture fx = new RedshiftFixture(Sandbox.builder().withRedshift().sessionLifetime(LIFETIME).build())) {
            Map<String, String> connection = fx.connection();
            connection.put("redshift.copy.credential-validity-seconds", "4");
            RunSummary summary;
            try (SingleTaskWriter w = SingleTaskWriter.open(fx.connector, fx.context(), connection, props("redshift.table", "renewed"), ONE)) {
                w.write(new RecordBatch(ONE, List.<Object[]>of(new Object[] {"a"})));
                // The session that staged the rows now has under 4 s left: COPY must not be sent with it.
                Thread.sleep(LIFETIME.minusSeconds(3).toMillis());
                summary = w.commit();
            }
            assertEquals(1L, summary.details().get("rows loaded"));
            assertTrue(summary.details().get("sts calls") >= 2, "renewed before COPY: " + summary.details());

            // The control: the stand-in does refuse a COPY whose embedded token has expired.
            try (ConnectorCredentials c = AwsCredentialsFactory.open(AwsSettings.parse(dev.stageway.aws.AwsProperties.CONNECTION.select(connection),
                    Map.of(), "control"), fx.sessions)) {
                CredentialSnapshot stale = c.snapshot(Duration.ofSeconds(1));
                Thread.sleep(Duration.between(java.time.Instant.now(), stale.expiration().get()).toMillis() + 200);
                try (Connection jdbc = DriverManager.getConnection(fx.sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
                     Statement s = jdbc.createStatement()) {
                    SQLException e = assertThrows(SQLException.class, () -> s.execute("COPY renewed FROM 's3://"
                            + CUSTOMER_STAGING_BUCKET + "/nothing' " + RedshiftStatements.credentials(stale) + " CSV"));
                    assertTrue(e.getMessage().contains("ExpiredToken"), e.getMessage());
                }
            }
        }
    }

    @Test
    void noSecretAppearsInTheLogsAtTheMostVerboseLevel() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (RedshiftFixture fx = new RedshiftFixture(Sandbox.builder().withRedshift().build())) {
            fx.load(fx.connection(), props("redshift.table", "logged"), ONE, List.<Object[]>of(new Object[] {"x"}));
            fx.read(fx.connection(), props("redshift.table", "logged"));
            fx.execute("create table logged_strict (v int)");
            assertThrows(RuntimeException.class, () -> fx.load(fx.connection(), props("redshift.table", "logged_strict"), ONE,
                    List.<Object[]>of(new Object[] {"not a number"})));
            secrets.addAll(fx.sandbox.iam().secrets());
            secrets.add(REDSHIFT_PASSWORD);
        }
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        String text = Files.readString(log);
        assertTrue(text.contains("dev.stageway"), "the scan reads real trace output");
        for (String secret : secrets) {
            assertFalse(text.contains(secret), "a secret reached the log: " + secret.substring(0, 4) + "...");
        }
    }
}
