package dev.stageway.harness;

import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.RunContext;
import dev.stageway.testkit.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The session-memory figure: the heap one cached role session holds in the plugin's runtime (its
 * credentials, its STS client), with 64 tenants' sessions cached after their runs, against what
 * the SDK's own assume-role credentials provider, one per tenant with its STS client, holds.
 */
final class SessionMemory {
    private SessionMemory() {
    }

    static final int TENANTS = 64;

    static Figure measure(Path bundle) throws Exception {
        try (Sandbox sandbox = Sandbox.builder().config(withTenants(TENANTS)).build()) {
            double ours;
            try (PluginBundle plugin = PluginBundle.open(bundle, SessionMemory.class.getClassLoader())) {
                ours = perSession(n -> sessionOfARun(sandbox, plugin, n));
            }
            double sdk = perSession(n -> sdkProvider(sandbox, n));
            return figure("session-memory", ours / 1024, "KiB", sdk / 1024, "<= 1.5, per cached session");
        }
    }

    /** Makes one tenant's session held; returns what must be closed when done, if anything. */
    private interface Holder {
        Optional<AutoCloseable> hold(int tenant) throws Exception;
    }

    /** Heap after the first holder, and after all, divided by the others: what each more one costs. */
    private static double perSession(Holder holder) throws Exception {
        List<AutoCloseable> held = new ArrayList<>();
        try {
            holder.hold(1).ifPresent(held::add);   // loads the classes, so they are not counted
            long before = usedAfterGc();
            for (int n = 2; n <= TENANTS; n++) {
                holder.hold(n).ifPresent(held::add);
            }
            return (usedAfterGc() - before) / (double) (TENANTS - 1);
        } finally {
            for (AutoCloseable c : held) {
                try {
                    c.close();
                } catch (Exception e) {
                    // Measuring is over; the rest still close.
                }
            }
        }
    }

    /** A tenant's connection check through the plugin: its role session stays cached in the runtime afterwards. */
    private static Optional<AutoCloseable> sessionOfARun(Sandbox sandbox, PluginBundle plugin, int tenant) {
        ConnectorFactory s3 = plugin.connector("connector", "s3");
        Map<String, String> connection = Demo.endpoints(sandbox, Demo.with(Demo.keys(), "aws.role-arn", tenantRoleArn(tenant),
                "aws.external-id", tenantExternalId(tenant)));
        var steps = s3.check(new RunContext("session-memory-" + tenant, plugin.runtime()), connection,
                Map.of("s3.folder-path", tenantBucket(tenant) + "/"), true);
        if (!steps.stream().allMatch(s -> s.passed())) {
            throw new IllegalStateException("tenant " + tenant + "'s check failed: " + steps);
        }
        return Optional.empty();   // the runtime holds it, and closes it with the plugin
    }

    /** The SDK's provider for a tenant, with its own STS client, resolved once. */
    private static Optional<AutoCloseable> sdkProvider(Sandbox sandbox, int tenant) {
        StsClient sts = StsClient.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.stsEndpoint())
                .httpClientBuilder(ApacheHttpClient.builder()).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY))).build();
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(tenantRoleArn(tenant)).externalId(tenantExternalId(tenant)).roleSessionName("sdk"))
                .build();
        provider.resolveCredentials();
        return Optional.of(() -> {
            provider.close();
            sts.close();
        });
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return r.totalMemory() - r.freeMemory();
    }
}
