package dev.stageway.testkit;

import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.Role;
import dev.stageway.testkit.kms.Kms;
import dev.stageway.testkit.imds.ImdsStandIn;
import dev.stageway.testkit.redshift.RedshiftStandIn;
import dev.stageway.testkit.s3.Buckets;
import dev.stageway.testkit.s3.S3StandIn;
import dev.stageway.testkit.s3.Shaping;
import dev.stageway.testkit.s3.nio2blob.SandboxDiskStore;
import dev.stageway.testkit.sts.StsStandIn;
import java.net.URI;
import java.nio.file.Path;
import dev.stageway.testkit.faults.Faults;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * The local AWS sandbox: S3, STS and IMDSv2 stand-ins on loopback, sharing one IAM that
 * enforces signatures, session tokens, expiry, trust policies, External Ids, session
 * durations and per-bucket permissions. Start it, point clients at its endpoints, close it.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxConfig config;
    private final Iam iam;
    private final Kms kms;
    private final Buckets buckets;
    private final S3StandIn s3;
    private final StsStandIn sts;
    private final ImdsStandIn imds;
    private final Optional<RedshiftStandIn> redshift;
    private final Faults faults;

    private Sandbox(Builder b) throws Exception {
        this.config = b.config;
        this.iam = new Iam(b.clock, b.sessionLifetime);
        this.kms = new Kms(iam, config.region());
        this.buckets = new Buckets();
        this.faults = new Faults(b.clock);
        BlobStore store = b.dataDirectory.<BlobStore>map(SandboxDiskStore::new).orElseGet(TransientNio2BlobStore::new);
        for (SandboxConfig.Account a : config.accounts()) {
            String id = a.accountId();
            for (SandboxConfig.User u : a.users()) {
                iam.addUser(id, u.userName(), u.accessKeyId(), u.secretAccessKey(),
                        List.of(Policy.parse("policy of user " + u.userName(), PolicyKind.IDENTITY, u.policyDocument())));
            }
            for (SandboxConfig.RoleSpec r : a.roles()) {
                iam.addRole(new Role(Role.arn(id, r.roleName()), id, r.roleName(),
                        Policy.parse("trust policy of role " + r.roleName(), PolicyKind.TRUST, r.assumeRolePolicyDocument()),
                        List.of(Policy.parse("policy of role " + r.roleName(), PolicyKind.IDENTITY, r.policyDocument())),
                        Duration.ofSeconds(r.maxSessionDuration())));
            }
            for (SandboxConfig.KmsKeySpec k : a.keys()) {
                kms.addKey(id, k.keyId(), Policy.parse("key policy of KMS key " + k.keyId(), PolicyKind.RESOURCE, k.keyPolicy()),
                        k.aliases(), k.enabled());
            }
            for (SandboxConfig.Bucket bucket : a.buckets()) {
                buckets.add(bucket.name(), id, bucket.policy().map(p -> Policy.parse("policy of bucket " + bucket.name(),
                        PolicyKind.RESOURCE, p)));
                if (!store.containerExists(bucket.name())) {
                    store.createContainer(bucket.name());
                }
                bucket.encryption().ifPresent(e -> store.putBucketEncryption(bucket.name(), ServerSideEncryptionConfiguration.builder()
                        .rules(ServerSideEncryptionRule.builder().applyServerSideEncryptionByDefault(ServerSideEncryptionByDefault.builder()
                                .sseAlgorithm(e.sseAlgorithm()).kmsMasterKeyID(e.kmsMasterKeyId().orElse(null)).build()).build())
                        .build()));
            }
        }
        S3StandIn s3Started = null;
        StsStandIn stsStarted = null;
        try {
            s3Started = new S3StandIn(iam, kms, buckets, store, config.region(), faults);
            stsStarted = new StsStandIn(iam, config.region(), faults);
            Optional<Role> instanceRole = config.instanceProfile().map(ip -> iam.role(ip.roleArn()).orElseThrow(() ->
                    new IllegalArgumentException("sandbox file: InstanceProfile role " + ip.roleArn() + " is not defined")));
            this.imds = new ImdsStandIn(iam, instanceRole,
                    config.instanceProfile().map(SandboxConfig.InstanceProfile::instanceId).orElse("i-0sandbox00000001"));
        } catch (Exception e) {
            if (stsStarted != null) {
                stsStarted.close();
            }
            if (s3Started != null) {
                s3Started.close();
            }
            throw e;
        }
        this.s3 = s3Started;
        this.sts = stsStarted;
        s3.shaping().latency(b.s3Latency);
        s3.shaping().bandwidth(b.s3Bandwidth);
        Optional<RedshiftStandIn> cluster = Optional.empty();
        if (b.redshift) {
            SandboxConfig.RedshiftCluster spec = config.redshift().orElseThrow(() ->
                    new IllegalArgumentException("sandbox file: a Redshift stand-in was asked for but the file has no Redshift section"));
            try {
                cluster = Optional.of(new RedshiftStandIn(iam, config.region(), s3.tlsEndpoint(), sts.endpoint(), spec, faults));
            } catch (Exception e) {
                imds.close();
                sts.close();
                s3.close();
                throw e;
            }
        }
        this.redshift = cluster;
    }

    /** Starts the default sandbox ({@link DefaultSandbox}). */
    public static Sandbox start() throws Exception {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public SandboxConfig config() {
        return config;
    }

    public String region() {
        return config.region();
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    /**
     * S3 over HTTPS, as clients reach S3 itself. Clients must trust
     * {@link dev.stageway.testkit.s3.SandboxCertificate}.
     */
    public URI s3TlsEndpoint() {
        return s3.tlsEndpoint();
    }

    public URI stsEndpoint() {
        return sts.endpoint();
    }

    public URI imdsEndpoint() {
        return imds.endpoint();
    }

    /** The Redshift stand-in, when the sandbox was built {@link Builder#withRedshift() with one}. */
    public RedshiftStandIn redshift() {
        return redshift.orElseThrow(() -> new IllegalStateException("this sandbox was built without withRedshift()"));
    }

    /** The faults its stand-ins inject: arm one to make S3, STS or Redshift fail as they can. */
    public Faults faults() {
        return faults;
    }

    /** Holds every S3 request this long before answering it (zero: not at all), as real S3's first byte takes time. */
    public void s3Latency(Duration latency) {
        s3.shaping().latency(latency);
    }

    /**
     * S3's shaping: first-byte latency, a bandwidth cap per connection, and the most connections
     * that were open at once ({@link Shaping#peakConnections()}).
     */
    public Shaping s3Shaping() {
        return s3.shaping();
    }

    /** The sandbox's KMS: its keys, and each account's {@code aws/s3} key once used. */
    public Kms kms() {
        return kms;
    }

    /** The sandbox's IAM, for counters ({@link Iam#counter}) and direct checks. */
    public Iam iam() {
        return iam;
    }

    /** STS AssumeRole requests made by {@code callerArn} (a user ARN or an assumed-role ARN). */
    public long assumeRoleCalls(String callerArn) {
        return iam.counter("sts:AssumeRole " + callerArn);
    }

    /** All STS AssumeRole requests so far. */
    public long assumeRoleCalls() {
        return iam.counterSum("sts:AssumeRole ");
    }

    /** AbortMultipartUpload requests so far, allowed or not. */
    public long abortMultipartUploadCalls() {
        return iam.counterSum("s3:AbortMultipartUpload ");
    }

    /** S3 requests whose User-Agent names run {@code runId} ({@code run/<id>}), as CloudTrail would show them. */
    public long s3RequestsOfRun(String runId) {
        return iam.counter("s3 run " + runId.replaceAll("[^A-Za-z0-9._-]", "-"));
    }

    /**
     * Who signed the requests to {@code bucket}: each principal's ARN (for a role session, with its
     * session name), with how many requests it signed.
     */
    public java.util.Map<String, Long> s3SignersOf(String bucket) {
        return iam.counters("s3 bucket " + bucket + " signed by ");
    }

    /** S3 requests made with credentials of {@code principalArn}. */
    public long s3Requests(String principalArn) {
        return iam.counterSum("s3 " + principalArn + " ");
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable c : new AutoCloseable[] {redshift.isPresent() ? redshift.get() : null, imds, sts, s3}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public static final class Builder {
        private SandboxConfig config = DefaultSandbox.config();
        private Optional<Duration> sessionLifetime = Optional.empty();
        private Clock clock = Clock.systemUTC();
        private Optional<Path> dataDirectory = Optional.empty();
        private boolean redshift;
        private Duration s3Latency = Duration.ZERO;
        private long s3Bandwidth;

        /**
         * S3 as it is reached over a network rather than loopback: {@code latency} before each
         * request's first byte, and at most {@code bytesPerSecond} on each connection, each
         * direction (zero: no cap). Off unless set.
         */
        public Builder s3Shaping(Duration latency, long bytesPerSecond) {
            this.s3Latency = Objects.requireNonNull(latency, "latency is null");
            this.s3Bandwidth = bytesPerSecond;
            return this;
        }

        /** Also starts the Redshift stand-in (embedded PostgreSQL; about 2 s and 75 MiB more). */
        public Builder withRedshift() {
            this.redshift = true;
            return this;
        }

        public Builder config(SandboxConfig config) {
            this.config = Objects.requireNonNull(config, "config is null");
            return this;
        }

        /**
         * Makes every temporary credential (STS and IMDS) really live {@code lifetime}, whatever was
         * asked; the Expiration each response carries tells the truth. For tests of renewal.
         */
        public Builder sessionLifetime(Duration lifetime) {
            this.sessionLifetime = Optional.of(lifetime);
            return this;
        }

        /**
         * The clock that times credentials (issue, expiry, and the checks of both): a test that moves
         * it moves the client's session clock with it, instead of sleeping.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock is null");
            return this;
        }

        /** Keeps objects in {@code directory} instead of memory. */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = Optional.of(directory);
            return this;
        }

        public Sandbox build() throws Exception {
            return new Sandbox(this);
        }
    }
}
