package dev.stageway.aws;

import dev.stageway.config.ConfigurationException;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.StagewayException;
import dev.stageway.testkit.Sandbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Sessions that really expire after a few seconds (the sandbox's Expiration tells the truth):
 * a job that outlives several of them keeps working with one STS call per session, and tenants
 * never share one.
 */
class SessionRenewalTest {
    static final Duration LIFETIME = Duration.ofSeconds(3);
    static final TestClock CLOCK = new TestClock();
    static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().sessionLifetime(LIFETIME).clock(CLOCK).build();
        try (S3Client admin = S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3Endpoint())
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build()) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("k"), RequestBody.fromString("v"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    static Map<String, String> tenant(String account, String role, String externalId) {
        Map<String, String> p = new HashMap<>();
        p.put("aws.region", REGION);
        p.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        p.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        p.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        p.put("aws.role-arn", roleArn(account, role));
        p.put("aws.external-id", externalId);
        return p;
    }

    static S3Client s3(AwsCredentialsProvider credentials) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(credentials).build();
    }

    /**
     * Real time plus what the tests added: the sandbox's credentials and the client's sessions are
     * timed by it, so tests move time instead of sleeping (but for the one real-time job).
     */
    static final class TestClock extends Clock {
        private volatile Duration ahead = Duration.ZERO;

        void advance(Duration by) {
            ahead = ahead.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(ahead);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static ConnectorCredentials customer(RoleSessions sessions, String run) {
        return AwsCredentialsFactory.open(AwsSettings.parse(tenant(CUSTOMER_ACCOUNT, CUSTOMER_ROLE, CUSTOMER_EXTERNAL_ID), Map.of(), run),
                sessions);
    }

    /** The key the credentials have once the background renewal (which the caller did not wait for) is in place. */
    static String awaitOtherThan(ConnectorCredentials c, String key) throws InterruptedException {
        String now = c.resolveCredentials().accessKeyId();
        for (int i = 0; i < 250 && now.equals(key); i++) {
            Thread.sleep(20);
            now = c.resolveCredentials().accessKeyId();
        }
        return now;
    }

    @Test
    void aSessionIsRenewedInTheBackgroundAfterTwoThirdsAndInTheForegroundOnceStale() throws Exception {
        try (RoleSessions sessions = new RoleSessions(CLOCK); ConnectorCredentials c = customer(sessions, "timed")) {
            String first = c.resolveCredentials().accessKeyId();
            CLOCK.advance(Duration.ofMillis(1900));
            assertEquals(first, c.resolveCredentials().accessKeyId(), "before two thirds of its life a session serves as it is");
            assertEquals(1, sessions.stsCalls());
            CLOCK.advance(Duration.ofMillis(200));
            assertEquals(first, c.resolveCredentials().accessKeyId(), "past two thirds the caller is not kept waiting");
            String second = awaitOtherThan(c, first);
            assertNotEquals(first, second, "the renewed session serves from then on");
            assertEquals(2, sessions.stsCalls());
            CLOCK.advance(LIFETIME);
            assertNotEquals(second, c.resolveCredentials().accessKeyId(), "a stale session is renewed before it is used");
            assertEquals(3, sessions.stsCalls());
        }
    }

    @Test
    void aReleasedSessionServesTheNextConnectionWhileFreshAndNoLonger() throws Exception {
        try (RoleSessions sessions = new RoleSessions(CLOCK)) {
            String first;
            try (ConnectorCredentials plan = customer(sessions, "same-run")) {
                first = plan.resolveCredentials().accessKeyId();
            }
            assertEquals(0, sessions.openSessions());
            try (ConnectorCredentials task = customer(sessions, "same-run")) {
                assertEquals(first, task.resolveCredentials().accessKeyId(), "the run's next connection reuses the idle session");
            }
            assertEquals(1, sessions.stsCalls());
            CLOCK.advance(LIFETIME);
            try (ConnectorCredentials later = customer(sessions, "same-run")) {
                assertNotEquals(first, later.resolveCredentials().accessKeyId());
            }
            assertEquals(2, sessions.stsCalls(), "a stale idle session is dropped, not renewed for nobody");
        }
    }

    @Test
    void theIdleLimitIsTheRuntimesSetting() throws Exception {
        // Sessions here live 3 s: a limit well inside that, so only idleness decides.
        try (RoleSessions sessions = new RoleSessions(CLOCK, Duration.ofMillis(600))) {
            try (ConnectorCredentials run = customer(sessions, "idle")) {
                run.resolveCredentials();
            }
            CLOCK.advance(Duration.ofMillis(500));
            try (ConnectorCredentials run = customer(sessions, "idle")) {
                run.resolveCredentials();
            }
            assertEquals(1, sessions.stsCalls(), "idle for less than the limit: reused");
            CLOCK.advance(Duration.ofMillis(600));
            try (ConnectorCredentials run = customer(sessions, "idle")) {
                run.resolveCredentials();
            }
            assertEquals(2, sessions.stsCalls(), "idle for the limit: closed");
        }
        try (RoleSessions none = RoleSessions.of(Map.of("aws.session-idle-seconds", "0"))) {
            for (int i = 0; i < 2; i++) {
                try (ConnectorCredentials run = customer(none, "no-idle")) {
                    run.resolveCredentials();
                }
            }
            assertEquals(2, none.stsCalls(), "0: a session closes when its last run releases it");
        }
        ConfigurationException bad = assertThrows(ConfigurationException.class,
                () -> RoleSessions.of(Map.of("aws.session-idle-secs", "60")));
        assertTrue(bad.getMessage().contains("aws.session-idle-secs") && bad.getMessage().contains("aws.session-idle-seconds"),
                bad.getMessage());
    }

    /** The one test in real time: the sandbox's credentials really expire, and the job outlives three sessions. */
    @Test
    void aJobOutlivingSeveralSessionsKeepsWorkingWithOneCallPerSession() throws Exception {
        Duration job = LIFETIME.multipliedBy(3);
        try (RoleSessions sessions = new RoleSessions(CLOCK);
             ConnectorCredentials c = AwsCredentialsFactory.open(
                     AwsSettings.parse(tenant(CUSTOMER_ACCOUNT, CUSTOMER_ROLE, CUSTOMER_EXTERNAL_ID), Map.of(), "long-job"), sessions);
             S3Client s3 = s3(c)) {
            long before = sandbox.assumeRoleCalls();
            Set<String> keys = new HashSet<>();
            int requests = 0;
            Instant end = CLOCK.instant().plus(job);
            while (CLOCK.instant().isBefore(end)) {
                assertEquals("v", s3.getObjectAsBytes(b -> b.bucket(CUSTOMER_BUCKET).key("k")).asUtf8String());
                keys.add(c.resolveCredentials().accessKeyId());
                requests++;
                Thread.sleep(50);
            }
            long calls = sandbox.assumeRoleCalls() - before;
            // Renewal starts with a third of a session left, so a session serves about two thirds of its life.
            long most = (long) Math.ceil(job.toMillis() / (LIFETIME.toMillis() * 2.0 / 3)) + 1;
            assertTrue(requests > 30, "requests: " + requests);
            assertTrue(calls >= 3 && calls <= most, "STS calls " + calls + " for a " + job + " job of " + LIFETIME + " sessions");
            assertEquals(calls, c.stsCalls());
            assertEquals(calls, keys.size(), "each call gives one session's keys, each used");
        }
    }

    @Test
    void twoTenantsNeverShareASessionAndOneTenantsConnectionsDo() {
        try (RoleSessions sessions = new RoleSessions(CLOCK)) {
            AwsSettings a = AwsSettings.parse(tenant(CUSTOMER_ACCOUNT, CUSTOMER_ROLE, CUSTOMER_EXTERNAL_ID), Map.of(), "run");
            AwsSettings b = AwsSettings.parse(tenant(TENANT_B_ACCOUNT, TENANT_B_ROLE, TENANT_B_EXTERNAL_ID), Map.of(), "run");
            try (ConnectorCredentials a1 = AwsCredentialsFactory.open(a, sessions);
                 ConnectorCredentials a2 = AwsCredentialsFactory.open(a, sessions);
                 ConnectorCredentials b1 = AwsCredentialsFactory.open(b, sessions);
                 S3Client s3b = s3(b1)) {
                long before = sessions.stsCalls();
                String keyA1 = a1.resolveCredentials().accessKeyId();
                String keyA2 = a2.resolveCredentials().accessKeyId();
                String keyB = b1.resolveCredentials().accessKeyId();
                assertEquals(keyA1, keyA2);
                assertNotEquals(keyA1, keyB);
                assertEquals(2, sessions.stsCalls() - before);
                assertEquals(2, sessions.openSessions());
                assertThrows(S3Exception.class, () -> s3b.getObjectAsBytes(r -> r.bucket(CUSTOMER_BUCKET).key("k")));
            }
            assertEquals(0, sessions.openSessions());
        }
    }

    @Test
    void aSameRoleWithAnotherExternalIdIsAnotherSession() {
        try (RoleSessions sessions = new RoleSessions(CLOCK)) {
            Map<String, String> wrong = tenant(CUSTOMER_ACCOUNT, CUSTOMER_ROLE, "tenant-b-ext-0c91");
            try (ConnectorCredentials good = AwsCredentialsFactory.open(
                         AwsSettings.parse(tenant(CUSTOMER_ACCOUNT, CUSTOMER_ROLE, CUSTOMER_EXTERNAL_ID), Map.of(), "r"), sessions);
                 ConnectorCredentials bad = AwsCredentialsFactory.open(AwsSettings.parse(wrong, Map.of(), "r"), sessions)) {
                good.resolveCredentials();
                assertThrows(StagewayException.class, bad::resolveCredentials, "a valid session must never serve another External Id");
            }
        }
    }

    @Test
    void snapshotsCoverTheTimeAskedForOrSayWhyNot() throws Exception {
        try (RoleSessions sessions = new RoleSessions(CLOCK); ConnectorCredentials c = customer(sessions, "copy")) {
            CredentialSnapshot first = c.snapshot(Duration.ofSeconds(2));
            CLOCK.advance(Duration.ofMillis(1500));
            CredentialSnapshot second = c.snapshot(Duration.ofSeconds(2));
            assertNotEquals(first.accessKeyId(), second.accessKeyId(), "a session with 1.5 s left cannot cover 2 s: renewed");
            assertTrue(Duration.between(CLOCK.instant(), second.expiration().get()).toMillis() >= 2000);
            assertTrue(second.sessionToken().isPresent());
            assertFalse(second.toString().contains(second.sessionToken().get()));
            StagewayException tooLong = assertThrows(StagewayException.class, () -> c.snapshot(Duration.ofSeconds(10)));
            assertTrue(tooLong.getMessage().contains("that stay valid for 10 s"), tooLong.getMessage());
        }
    }
}
