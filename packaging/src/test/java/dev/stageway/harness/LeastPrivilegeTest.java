package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.s3.SandboxCertificate;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;

/**
 * Every connector path works with exactly what {@code stageway trust-policy} prints, and taking
 * away any one statement breaks exactly the paths that need it, with an error naming the missing
 * action. The customer's role gets the printed permissions for a data folder and a staging folder
 * in a bucket encrypted by default with the customer's KMS key; the cluster's role gets what
 * {@code --redshift-role} prints.
 */
class LeastPrivilegeTest {
    static final TrustPolicy.Folder DATA = new TrustPolicy.Folder(CUSTOMER_SECURE_BUCKET, CUSTOMER_SECURE_PREFIX + "data/");
    static final TrustPolicy.Folder STAGING = new TrustPolicy.Folder(CUSTOMER_SECURE_BUCKET, CUSTOMER_SECURE_PREFIX + "staging/");
    static final String CLUSTER_ARN = "arn:aws:redshift:" + REGION + ":" + CUSTOMER_ACCOUNT + ":cluster:" + REDSHIFT_CLUSTER;
    static String workgroupArn;
    static List<TrustPolicy.Grant> ROLE;
    static final List<TrustPolicy.Grant> CLUSTER = TrustPolicy.redshiftPermissions(STAGING, Optional.of(DATA),
            Optional.of(customerKeyArn()));
    static final int ROWS = 100_000;   // about 8 MiB of CSV: more than one 5 MiB part

    /** The connector paths, each a run a user makes. */
    enum Path_ {
        WRITE, READ, ABORT, CHECK, CHECK_LOAD, CLEANUP, LOAD, UNLOAD, LOAD_WITH_IAM_ROLE, UNLOAD_WITH_IAM_ROLE, LOAD_WITH_IAM_LOGIN,
        LOAD_INTO_WORKGROUP, SERVER_SIDE_COPY, DIRECT_LOAD, DIRECT_LOAD_WITH_IAM_ROLE
    }

    /** Paths that stage in the staging folder with the role's credentials, and must remove what they staged. */
    static final Set<Path_> STAGING_PATHS = EnumSet.of(Path_.LOAD, Path_.UNLOAD, Path_.LOAD_WITH_IAM_ROLE, Path_.LOAD_WITH_IAM_LOGIN,
            Path_.LOAD_INTO_WORKGROUP, Path_.DIRECT_LOAD, Path_.DIRECT_LOAD_WITH_IAM_ROLE);

    /** Which paths need each printed statement (a statement no path here can show is listed with none). */
    static final Map<String, Set<Path_>> NEEDS = new LinkedHashMap<>();

    static {
        NEEDS.put("ListFolder", EnumSet.of(Path_.READ, Path_.CHECK, Path_.SERVER_SIDE_COPY, Path_.DIRECT_LOAD,
                Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("ReadFolder", EnumSet.of(Path_.READ, Path_.SERVER_SIDE_COPY, Path_.DIRECT_LOAD, Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("WriteFolder", EnumSet.of(Path_.WRITE, Path_.CHECK, Path_.SERVER_SIDE_COPY));
        NEEDS.put("AbortUploadsInFolder", EnumSet.of(Path_.ABORT, Path_.CLEANUP));
        NEEDS.put("DeleteInFolder", EnumSet.of(Path_.CHECK));
        NEEDS.put("ListStaging", EnumSet.of(Path_.LOAD, Path_.UNLOAD, Path_.CHECK_LOAD, Path_.CLEANUP, Path_.DIRECT_LOAD,
                Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("ReadStaging", EnumSet.of(Path_.LOAD, Path_.UNLOAD, Path_.CHECK_LOAD, Path_.DIRECT_LOAD));
        NEEDS.put("WriteStaging", EnumSet.of(Path_.LOAD, Path_.LOAD_WITH_IAM_ROLE, Path_.UNLOAD, Path_.CHECK_LOAD, Path_.DIRECT_LOAD,
                Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("DeleteInStaging", EnumSet.of(Path_.LOAD, Path_.UNLOAD, Path_.CHECK_LOAD, Path_.CLEANUP, Path_.DIRECT_LOAD,
                Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("ListOpenUploads", EnumSet.of(Path_.CLEANUP));
        NEEDS.put("ReadLifecycleRules", EnumSet.of(Path_.CHECK, Path_.CHECK_LOAD));
        NEEDS.put("EncryptWithKey", EnumSet.of(Path_.WRITE, Path_.LOAD, Path_.UNLOAD, Path_.SERVER_SIDE_COPY, Path_.DIRECT_LOAD,
                Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("DecryptWithKey", EnumSet.of(Path_.WRITE, Path_.READ, Path_.LOAD, Path_.UNLOAD, Path_.CHECK_LOAD,
                Path_.SERVER_SIDE_COPY, Path_.DIRECT_LOAD, Path_.DIRECT_LOAD_WITH_IAM_ROLE));
        NEEDS.put("LogInToCluster", EnumSet.of(Path_.LOAD_WITH_IAM_LOGIN));
        NEEDS.put("LogInToWorkgroup", EnumSet.of(Path_.LOAD_INTO_WORKGROUP));
    }

    static final Map<String, Set<Path_>> CLUSTER_NEEDS = Map.of(
            "ListStaging", EnumSet.of(Path_.UNLOAD_WITH_IAM_ROLE),
            "CopyFromStaging", EnumSet.of(Path_.LOAD_WITH_IAM_ROLE, Path_.DIRECT_LOAD_WITH_IAM_ROLE),
            "CopyFromFolder", EnumSet.of(Path_.DIRECT_LOAD_WITH_IAM_ROLE),
            "UnloadToStaging", EnumSet.of(Path_.UNLOAD_WITH_IAM_ROLE),
            "DecryptStaged", EnumSet.of(Path_.LOAD_WITH_IAM_ROLE, Path_.DIRECT_LOAD_WITH_IAM_ROLE),
            "EncryptUnloaded", EnumSet.of(Path_.UNLOAD_WITH_IAM_ROLE));

    static Sandbox sandbox;
    static S3Client admin;
    @TempDir
    static Path dir;
    private static int runs;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().withRedshift().build();
        workgroupArn = sandbox.redshift().workgroupArn();
        ROLE = TrustPolicy.permissions(Optional.of(DATA), Optional.of(STAGING), Optional.of(customerKeyArn()),
                new TrustPolicy.DatabaseLogin(Optional.of(CLUSTER_ARN), "dev", Optional.empty(), Optional.of(workgroupArn)));
        admin = customerAdminS3(sandbox);
        try (Connection c = DriverManager.getConnection(sandbox.redshift().jdbcUrl(), REDSHIFT_USER, REDSHIFT_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("create table lp_direct (id int, name varchar(64), note varchar(128))");   // a direct load creates no table
        }
        StringBuilder csv = new StringBuilder("id,name,note\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(",name ").append(i).append(",\"a note long enough to make the object span parts\"\n");
        }
        admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("lp/in/orders.csv"), RequestBody.fromString(csv.toString()));
        admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("lp/bad/orders.csv"),
                RequestBody.fromString(csv + "100001,unclosed,\"quote\n"));
        String role = roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE);
        install(role, TrustPolicy.trust("arn:aws:iam::" + AGENT_ACCOUNT + ":root", CUSTOMER_EXTERNAL_ID), ROLE);
        install(roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE), TrustPolicy.redshiftTrust(), CLUSTER);
        // The rule trust-policy prints for both folders, which the connection check looks for.
        admin.putBucketLifecycleConfiguration(b -> b.bucket(DATA.bucket()).lifecycleConfiguration(c -> c.rules(
                List.of(DATA.prefix(), STAGING.prefix()).stream().map(p -> LifecycleRule.builder().id("abort " + p)
                        .filter(f -> f.prefix(p)).status(ExpirationStatus.ENABLED)
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(TrustPolicy.ABORT_AFTER_DAYS)).build()).toList())));
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        sandbox.close();
    }

    /** Gives the role the printed trust policy and these statements, as a customer pasting them into IAM would. */
    static void install(String roleArn, String trust, List<TrustPolicy.Grant> grants) {
        Role old = sandbox.iam().role(roleArn).orElseThrow();
        sandbox.iam().addRole(new Role(old.arn(), old.account(), old.name(), Policy.parse("printed trust", PolicyKind.TRUST, trust),
                List.of(Policy.parse("printed permissions", PolicyKind.IDENTITY, TrustPolicy.policy(grants))), old.maxSessionDuration()));
    }

    @Test
    void theCommandPrintsWhatThisTestInstalls() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        int exit = Stageway.run(new String[] {"trust-policy", "--account", AGENT_ACCOUNT, "--external-id", CUSTOMER_EXTERNAL_ID,
                "--folder", DATA.toString(), "--staging", STAGING.toString(), "--kms-key", customerKeyArn(), "--redshift-cluster",
                CLUSTER_ARN, "--redshift-workgroup", workgroupArn, "--redshift-role"}, print, print);
        assertEquals(0, exit);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(TrustPolicy.policy(ROLE)), printed);
        assertTrue(printed.contains(TrustPolicy.redshiftTrust()), printed);
        assertTrue(printed.contains(TrustPolicy.policy(CLUSTER)), printed);
        assertEquals(NEEDS.keySet().size() + 1, ROLE.size(), "every statement but AbortUploadsInStaging has a path here "
                + "(a dead load leaves a staging upload open only part-way through a file larger than a part, which this test does not stage)");
    }

    @Test
    void everyPathWorksWithExactlyThePrintedPolicies() throws Exception {
        for (Path_ p : Path_.values()) {
            if (p == Path_.CLEANUP) {
                deadRuns();
            }
            assertEquals(Optional.empty(), run(p), p + " fails with the printed policies");
        }
    }

    @Test
    void withoutAnyOneStatementExactlyThePathsThatNeedItFailNamingTheAction() throws Exception {
        String role = roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE);
        String trust = TrustPolicy.trust("arn:aws:iam::" + AGENT_ACCOUNT + ":root", CUSTOMER_EXTERNAL_ID);
        try {
            for (Map.Entry<String, Set<Path_>> e : NEEDS.entrySet()) {
                if (e.getValue().contains(Path_.CLEANUP)) {
                    install(role, trust, ROLE);
                    deadRuns();
                }
                install(role, trust, ROLE.stream().filter(g -> !g.sid().equals(e.getKey())).toList());
                check(e.getKey(), e.getValue(), ROLE);
            }
        } finally {
            install(role, trust, ROLE);
        }
        String cluster = roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE);
        try {
            for (Map.Entry<String, Set<Path_>> e : CLUSTER_NEEDS.entrySet()) {
                install(cluster, TrustPolicy.redshiftTrust(), CLUSTER.stream().filter(g -> !g.sid().equals(e.getKey())).toList());
                check("cluster's " + e.getKey(), e.getValue(), CLUSTER);
            }
        } finally {
            install(cluster, TrustPolicy.redshiftTrust(), CLUSTER);
        }
    }

    @Test
    void aNamedDatabaseUserLogsInWithExactlyItsTwoPrintedStatements() throws Exception {
        String role = roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE);
        String trust = TrustPolicy.trust("arn:aws:iam::" + AGENT_ACCOUNT + ":root", CUSTOMER_EXTERNAL_ID);
        List<TrustPolicy.Grant> named = TrustPolicy.permissions(Optional.of(DATA), Optional.of(STAGING), Optional.of(customerKeyArn()),
                new TrustPolicy.DatabaseLogin(Optional.of(CLUSTER_ARN), "dev", Optional.of(REDSHIFT_USER), Optional.empty()));
        Map<String, String> m = new TreeMap<>();
        side(m, "source", "s3", admin());
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/lp/in/");
        Map<String, String> login = iamLogin(false);
        login.put("redshift.user", REDSHIFT_USER);
        side(m, "target", "redshift", login);
        m.put("target.redshift.table", "lp_named_orders");
        m.put("target.redshift.load-mode", "truncate");
        try {
            install(role, trust, named);
            assertEquals(Optional.empty(), stageway("run", m), "loads as " + REDSHIFT_USER + " with the printed statements");
            for (String sid : List.of("LogInAsDatabaseUser", "LogInToDatabase")) {
                install(role, trust, named.stream().filter(g -> !g.sid().equals(sid)).toList());
                Optional<String> failure = stageway("run", m);
                assertTrue(failure.isPresent() && failure.get().contains("redshift:GetClusterCredentials on "), sid + ": " + failure);
            }
        } finally {
            install(role, trust, ROLE);
        }
    }

    /** The paths that need the statement fail naming its action; one path that does not still works. */
    private void check(String sid, Set<Path_> needing, List<TrustPolicy.Grant> grants) throws Exception {
        String bare = sid.replace("cluster's ", "");
        String action = grants.stream().filter(g -> g.sid().equals(bare)).findFirst().orElseThrow().actions().get(0);
        for (Path_ p : needing) {
            Optional<String> failure = run(p);
            assertTrue(failure.isPresent(), p + " works without " + sid);
            assertTrue(failure.get().contains(action), p + " without " + sid + " fails without naming " + action + ": " + failure.get());
        }
        Path_ other = EnumSet.complementOf(EnumSet.copyOf(needing)).stream().filter(p -> p == Path_.CHECK || p == Path_.READ
                || p == Path_.WRITE).findFirst().orElseThrow();
        assertEquals(Optional.empty(), run(other), other + " needs no " + sid);
    }

    /** Runs one path; empty when it worked and left nothing behind, else what went wrong. */
    private Optional<String> run(Path_ path) throws Exception {
        String name = "lp-" + (++runs);
        Map<String, String> m = new TreeMap<>();
        switch (path) {
            case WRITE -> {
                side(m, "source", "s3", admin());
                m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/lp/in/");
                side(m, "target", "s3", role());
                m.put("target.s3.folder-path", DATA + name + "/");
                m.put("target.s3.sse", "sse-kms");
                m.put("target.s3.sse.kms-key-id", customerKeyArn());
                m.put("target.s3.multipart.part-size-bytes", "5242880");
            }
            case READ -> {
                admin.putObject(b -> b.bucket(DATA.bucket()).key(DATA.prefix() + "read/orders.csv"), RequestBody.fromString("id,name\n1,a\n"));
                side(m, "source", "s3", role());
                m.put("source.s3.folder-path", DATA + "read/");
                side(m, "target", "s3", admin());
                m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/lp/out/" + name + "/");
            }
            case ABORT -> {
                side(m, "source", "s3", admin());
                m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/lp/bad/");
                side(m, "target", "s3", role());
                m.put("target.s3.folder-path", DATA + name + "/");
                m.put("target.s3.multipart.part-size-bytes", "5242880");
                int before = uploads();
                Optional<String> failure = stageway("run", m);
                assertTrue(failure.isPresent(), "the bad row fails the run");
                return uploads() == before ? Optional.empty()
                        : Optional.of("a multipart upload was left behind (s3:AbortMultipartUpload refused): " + failure.get());
            }
            case CHECK, CHECK_LOAD -> {
                side(m, "source", "s3", admin());
                m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/lp/in/");
                if (path == Path_.CHECK) {
                    side(m, "target", "s3", role());
                    m.put("target.s3.folder-path", DATA + name + "/");
                } else {
                    side(m, "target", "redshift", redshift(false));
                    m.put("target.redshift.table", "lp_orders");
                }
                // A warning (the lifecycle rules cannot be read) counts: the check could not say what it is there to say.
                return stageway("check", m).or(() -> Optional.of(printed).filter(o -> o.contains("[warn]")));
            }
            case CLEANUP -> {
                try {
                    Optional<String> failure = stageway("cleanup", deadRunsMapping(), "--older-than", "0s");
                    return failure.or(() -> leftovers().isEmpty() ? Optional.empty()
                            : Optional.of("left behind: " + leftovers() + "\n" + printed));
                } finally {
                    removeLeftovers();
                }
            }
            case LOAD, LOAD_WITH_IAM_ROLE -> {
                side(m, "source", "s3", admin());
                m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/lp/in/");
                side(m, "target", "redshift", redshift(path == Path_.LOAD_WITH_IAM_ROLE));
                m.put("target.redshift.table", "lp_orders");
                m.put("target.redshift.load-mode", "truncate");
            }
            case LOAD_WITH_IAM_LOGIN, LOAD_INTO_WORKGROUP -> {
                side(m, "source", "s3", admin());
                m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/lp/in/");
                boolean workgroup = path == Path_.LOAD_INTO_WORKGROUP;
                side(m, "target", "redshift", iamLogin(workgroup));
                // The role's own database user keeps its own table and load log.
                m.put("target.redshift.table", workgroup ? "lp_workgroup_orders" : "lp_iam_orders");
                m.put("target.redshift.load-log-table", workgroup ? "lp_workgroup_log" : "lp_iam_log");
                m.put("target.redshift.load-mode", "truncate");
            }
            case SERVER_SIDE_COPY -> {
                // One identity reads the source and writes the target: the copy runs inside S3, in parts, as the role.
                copySource();
                side(m, "source", "s3", role());
                m.put("source.s3.folder-path", DATA + "copy/");
                side(m, "target", "s3", role());
                m.put("target.s3.folder-path", DATA + name + "/");
                m.put("target.s3.multipart.part-size-bytes", "5242880");
                return stageway("run", m).or(() -> printed.contains("done by server-side-copy") ? Optional.empty()
                        : Optional.of("the run did not copy inside S3: " + printed));
            }
            case DIRECT_LOAD, DIRECT_LOAD_WITH_IAM_ROLE -> {
                // One identity lists the source and stages the manifest; COPY reads the objects where they are, with the
                // role's temporary credentials or as the cluster's role.
                copySource();
                side(m, "source", "s3", role());
                m.put("source.s3.folder-path", DATA + "copy/");
                m.put("source.csv.null-value", "NULL");
                side(m, "target", "redshift", redshift(path == Path_.DIRECT_LOAD_WITH_IAM_ROLE));
                m.put("target.redshift.table", "lp_direct");
                m.put("target.redshift.load-mode", "truncate");
                m.put("target.redshift.direct-load", "on");   // with IAM_ROLE, auto cannot tell that the cluster's role reads the folder
                return stageway("run", m).or(() -> printed.contains("done by direct-load") ? stagedLeft()
                        : Optional.of("the run did not load by COPY from the source's objects: " + printed));
            }
            case UNLOAD, UNLOAD_WITH_IAM_ROLE -> {
                side(m, "source", "redshift", redshift(path == Path_.UNLOAD_WITH_IAM_ROLE));
                m.put("source.redshift.query", "select 1 as id, 'a' as name");
                side(m, "target", "s3", admin());
                m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/lp/out/" + name + "/");
            }
        }
        Optional<String> failure = stageway("run", m);
        return failure.isEmpty() && STAGING_PATHS.contains(path) ? stagedLeft() : failure;
    }

    /** What a run that worked left in the staging folder, if anything. */
    private static Optional<String> stagedLeft() {
        var left = admin.listObjectsV2(b -> b.bucket(STAGING.bucket()).prefix(STAGING.prefix())).contents();
        return left.isEmpty() ? Optional.empty()
                : Optional.of("staged files were left behind (s3:DeleteObject refused): " + left.get(0).key());
    }

    /** The orders object in the data folder, encrypted with the bucket's default key: the source of the direct paths. */
    private static void copySource() {
        String key = DATA.prefix() + "copy/orders.csv";
        if (admin.listObjectsV2(b -> b.bucket(DATA.bucket()).prefix(key)).contents().isEmpty()) {
            admin.copyObject(b -> b.sourceBucket(CUSTOMER_BUCKET).sourceKey("lp/in/orders.csv").destinationBucket(DATA.bucket())
                    .destinationKey(key));
        }
    }

    /** The mapping whose runs died: an S3 write to the data folder, a load staged in the staging folder. */
    private static Map<String, String> deadRunsMapping() {
        Map<String, String> m = new TreeMap<>();
        side(m, "source", "redshift", redshift(false));
        m.put("source.redshift.query", "select 1 as id");
        side(m, "target", "s3", role());
        m.put("target.s3.folder-path", DATA + "dead/");
        return m;
    }

    /** Leaves what two dead runs leave, as the role: open uploads in the data folder, staged files. */
    private static void deadRuns() {
        Mapping mapping = Mapping.of(deadRunsMapping());
        DeadRuns.s3Write(mapping.target().orElseThrow(), 2);
        DeadRuns.redshiftLoad(mapping.source().orElseThrow(), "lp_dead");
    }

    private static List<String> leftovers() {
        List<String> left = new java.util.ArrayList<>();
        admin.listMultipartUploads(b -> b.bucket(DATA.bucket()).prefix(DATA.prefix() + "dead/")).uploads()
                .forEach(u -> left.add(u.key()));
        admin.listObjectsV2(b -> b.bucket(STAGING.bucket()).prefix(STAGING.prefix())).contents().forEach(o -> left.add(o.key()));
        return left;
    }

    /** What a failed cleanup left, removed with the customer's own rights so the next path starts clean. */
    private static void removeLeftovers() {
        admin.listMultipartUploads(b -> b.bucket(DATA.bucket()).prefix(DATA.prefix() + "dead/")).uploads()
                .forEach(u -> admin.abortMultipartUpload(b -> b.bucket(DATA.bucket()).key(u.key()).uploadId(u.uploadId())));
        admin.listObjectsV2(b -> b.bucket(STAGING.bucket()).prefix(STAGING.prefix())).contents()
                .forEach(o -> admin.deleteObject(b -> b.bucket(STAGING.bucket()).key(o.key())));
    }

    private static int uploads() {
        return admin.listMultipartUploads(b -> b.bucket(DATA.bucket()).prefix(DATA.prefix())).uploads().size();
    }

    /** What the last command printed. */
    private String printed = "";

    private Optional<String> stageway(String command, Map<String, String> mapping, String... options) throws Exception {
        Path file = dir.resolve("lp-" + runs + ".properties");
        StringBuilder b = new StringBuilder();
        mapping.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, b.toString());
        List<String> args = new java.util.ArrayList<>(List.of(command, file.toString()));
        args.addAll(List.of(options));
        CommandsTest.Result r = CommandsTest.stageway(args.toArray(String[]::new));
        printed = r.all();
        return r.exit() == 0 ? Optional.empty() : Optional.of(r.all());
    }

    private static Map<String, String> endpoints() {
        Map<String, String> p = new TreeMap<>();
        p.put("aws.region", sandbox.region());
        p.put("aws.s3.endpoint", sandbox.s3TlsEndpoint().toString());
        p.put("aws.sts.endpoint", sandbox.stsEndpoint().toString());
        p.put("aws.s3.path-style-access", "true");
        p.put("aws.ca-bundle", SandboxCertificate.caBundle().toString());
        return p;
    }

    private static Map<String, String> admin() {
        Map<String, String> p = endpoints();
        p.put("aws.access-key-id", CUSTOMER_ADMIN_ACCESS_KEY_ID);
        p.put("aws.secret-access-key", CUSTOMER_ADMIN_SECRET_ACCESS_KEY);
        return p;
    }

    private static Map<String, String> role() {
        Map<String, String> p = endpoints();
        p.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        p.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        p.put("aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE));
        p.put("aws.external-id", CUSTOMER_EXTERNAL_ID);
        return p;
    }

    private static Map<String, String> redshift(boolean iamRole) {
        Map<String, String> p = role();
        p.put("redshift.jdbc-url", sandbox.redshift().jdbcUrl());
        p.put("redshift.user", REDSHIFT_USER);
        p.put("redshift.password", REDSHIFT_PASSWORD);
        p.put("redshift.staging-path", STAGING.toString());
        if (iamRole) {
            p.put("redshift.copy-auth", "iam-role");
            p.put("redshift.iam-role", roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE));
        }
        return p;
    }

    /** The role logging in with IAM as its own database user, to the cluster or to the workgroup. */
    private static Map<String, String> iamLogin(boolean workgroup) {
        Map<String, String> p = redshift(false);
        p.remove("redshift.user");
        p.remove("redshift.password");
        p.putAll(Demo.iamLogin(sandbox, workgroup));
        return p;
    }

    private static void side(Map<String, String> m, String prefix, String connector, Map<String, String> props) {
        m.put(prefix + ".connector", connector);
        props.forEach((k, v) -> m.put(prefix + "." + k, v));
    }
}
