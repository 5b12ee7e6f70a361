package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.LocalRun;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.faults.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * One plugin runtime, as a long-lived agent holds it, running 64 runs at once for 8 tenants,
 * each tenant with its own account, role, External Id and bucket, while STS throttles: every run
 * succeeds, every request to a tenant's bucket is signed by that tenant's session and no other,
 * and STS is asked once per tenant.
 */
class ManyTenantsTest {
    static final int TENANTS = 8;
    static final int RUNS = 64;
    static final int ROWS = 50;
    static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().config(withTenants(TENANTS)).build();
        StringBuilder csv = new StringBuilder("id,name\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append(i).append(",name ").append(i).append('\n');
        }
        try (StsClient sts = StsClient.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.stsEndpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID,
                        AGENT_SECRET_ACCESS_KEY))).build()) {
            for (int n = 1; n <= TENANTS; n++) {
                int tenant = n;
                Credentials c = sts.assumeRole(b -> b.roleArn(tenantRoleArn(tenant)).externalId(tenantExternalId(tenant))
                        .roleSessionName("seed")).credentials();
                try (S3Client s3 = S3Client.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint())
                        .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                                software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(c.accessKeyId(),
                                        c.secretAccessKey(), c.sessionToken()))).build()) {
                    s3.putObject(b -> b.bucket(tenantBucket(tenant)).key("in/rows.csv"), RequestBody.fromString(csv.toString()));
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    private static Map<String, String> tenant(int n) {
        return Demo.endpoints(sandbox, Demo.with(Demo.keys(), "aws.role-arn", tenantRoleArn(n), "aws.external-id", tenantExternalId(n)));
    }

    @Test
    void sixtyFourRunsOfEightTenantsAtOnceStayApartAndAskStsOncePerTenant() throws Exception {
        long callsBefore = sandbox.assumeRoleCalls();
        Fault throttled = sandbox.faults().arm(Fault.of(Fault.Kind.THROTTLE).on("AssumeRole").lasting(Duration.ofSeconds(2)));
        ExecutorService pool = Executors.newFixedThreadPool(RUNS);
        try (PluginBundle plugin = PluginBundle.open(CommandsTest.BUNDLE)) {
            ConnectorFactory s3 = plugin.connector("connector", "s3");
            List<Future<LocalRun.Result>> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                int run = i;
                int n = i % TENANTS + 1;
                runs.add(pool.submit(() -> {
                    Map<String, String> connection = tenant(n);
                    LocalRun.Side source = new LocalRun.Side(s3, connection, Map.of("s3.folder-path", tenantBucket(n) + "/in/"));
                    LocalRun.Side target = new LocalRun.Side(s3, connection, Map.of("s3.folder-path", tenantBucket(n) + "/out/run-" + run + "/",
                            "s3.direct-copy", "off"));   // every row through the runs' shared sessions, not a copy inside S3
                    return LocalRun.run(new RunContext("tenants-" + run, plugin.runtime()), source, target, 1, (rows, bytes) -> { });
                }));
            }
            for (Future<LocalRun.Result> r : runs) {
                assertEquals(ROWS, r.get().written().orElseThrow().rows());
            }
        } finally {
            pool.shutdownNow();   // every run has ended by now: nothing is cut short
        }
        assertTrue(throttled.fired() > 0, "STS throttled, and the runs rode it out");
        assertEquals(TENANTS, sandbox.assumeRoleCalls() - callsBefore, "one AssumeRole per tenant, whatever its number of runs");
        for (int n = 1; n <= TENANTS; n++) {
            String own = "arn:aws:sts::" + tenantAccount(n) + ":assumed-role/stageway-tenant/";
            Map<String, Long> signers = sandbox.s3SignersOf(tenantBucket(n));
            assertFalse(signers.isEmpty());
            for (String signer : signers.keySet()) {
                assertTrue(signer.startsWith(own), tenantBucket(n) + " had a request signed by " + signer);
            }
            assertEquals(2, signers.size(), "the seeding session and the runs' one shared session: " + signers);
        }
    }
}
