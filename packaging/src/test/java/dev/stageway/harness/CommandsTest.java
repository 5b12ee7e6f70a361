package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.iam.AccessRequest;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.Principal;
import dev.stageway.testkit.iam.RequestContext;

import dev.stageway.testkit.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Every command end to end through the bundle, with its exit code, and a canary secret that never shows. */
class CommandsTest {
    static final String CANARY = "CANARY-s3cr3t/Zq81mVx0pLw7";
    static final Path BUNDLE = Path.of("target", "stageway-plugin.zip");
    static Sandbox sandbox;
    static Map<String, String> env;
    @TempDir
    static Path dir;

    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        sandbox = SandboxCommand.start(null, dir.resolve("sandbox.env").toString(), new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertFalse(printed.toString(StandardCharsets.UTF_8).contains(AGENT_SECRET_ACCESS_KEY), "secrets are masked on screen");
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("sandbox.env"))) {
            p.load(r);
        }
        env = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> env.put(k, p.getProperty(k)));
        assertEquals(List.of("agent.access-key-id", "agent.secret-access-key", "aws.ca-bundle", "aws.imds.endpoint",
                "aws.redshift-serverless.endpoint", "aws.redshift.endpoint", "aws.region", "aws.s3.endpoint",
                "aws.s3.tls-endpoint", "aws.sts.endpoint", "customer.bucket", "customer.external-id", "customer.kms-key-arn",
                "customer.role-arn", "customer.secure-bucket", "redshift.cluster-id", "redshift.iam-role", "redshift.jdbc-url",
                "redshift.password", "redshift.serverless-jdbc-url", "redshift.user", "redshift.workgroup", "staging.bucket",
                "tenant-b.bucket", "tenant-b.external-id", "tenant-b.role-arn"),
                List.copyOf(env.keySet()));
        try (S3Client admin = customerAdminS3(sandbox)) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("cli/in/a.csv"), RequestBody.fromString("id,name\n1,a\n2,b\n3,\"c, d\"\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("cli/bad/a.csv"), RequestBody.fromString("id,name\nx,a\n"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        sandbox.close();
    }

    static Result stageway(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--plugin", BUNDLE.toString()));
        all.addAll(List.of(args));
        int exit = Stageway.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path mapping(String name, Map<String, String> props) throws Exception {
        Path file = dir.resolve(name);
        StringBuilder b = new StringBuilder();
        props.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, b.toString());
        return file;
    }

    static Map<String, String> customerSide(String prefix, String connector) {
        Map<String, String> m = new TreeMap<>();
        m.put(prefix + ".connector", connector);
        for (String k : List.of("aws.region", "aws.s3.endpoint", "aws.sts.endpoint")) {
            m.put(prefix + "." + k, env.get(k));
        }
        m.put(prefix + ".aws.s3.path-style-access", "true");
        m.put(prefix + ".aws.access-key-id", env.get("agent.access-key-id"));
        m.put(prefix + ".aws.secret-access-key", env.get("agent.secret-access-key"));
        m.put(prefix + ".aws.role-arn", env.get("customer.role-arn"));
        m.put(prefix + ".aws.external-id", env.get("customer.external-id"));
        return m;
    }

    /** A connection to the sandbox's cluster as its master user, to look at tables behind the connector's back. */
    static java.sql.Connection cluster() throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(env.get("redshift.jdbc-url"), env.get("redshift.user"), env.get("redshift.password"));
    }

    static Map<String, String> redshiftTarget(String table) {
        Map<String, String> m = customerSide("target", "redshift");
        m.put("target.redshift.jdbc-url", env.get("redshift.jdbc-url"));
        m.put("target.redshift.user", env.get("redshift.user"));
        m.put("target.redshift.password", env.get("redshift.password"));
        m.put("target.redshift.staging-path", env.get("staging.bucket") + "/cli/");
        m.put("target.redshift.table", table);
        return m;
    }

    @Test
    void describeListsEveryPropertyOfEveryConnector() {
        Result r = stageway("describe");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("redshift.password  [Redshift cluster]  type: secret  default: -  required: no  sensitive: yes"),
                r.out());
        assertTrue(r.out().contains("s3.multipart.download-threshold-bytes"), r.out());
        Result unknown = stageway("describe", "ftp");
        assertEquals(2, unknown.exit());
        assertEquals("describe: names connector 'ftp'; the plugin offers redshift, s3\n", unknown.err());
    }

    @Test
    void validateReportsEveryProblemNamingItsPropertyAndAcceptsOneSidedFiles() throws Exception {
        Map<String, String> bad = customerSide("source", "s3");
        bad.remove("source.aws.secret-access-key");
        bad.put("source.aws.external-id", "x");
        bad.put("source.s3.folder-pth", "b/p");
        bad.put("target.connector", "redshift");
        bad.put("stray", "1");
        Result r = stageway("validate", mapping("bad.properties", bad).toString());
        assertEquals(2, r.exit());
        assertEquals("stray: unknown key: mapping keys start with source. or target.\n", r.err());
        bad.remove("stray");
        r = stageway("validate", mapping("bad.properties", bad).toString());
        assertEquals(2, r.exit());
        assertTrue(r.out().contains("source.s3.folder-pth: unknown property; did you mean s3.folder-path?"), r.out());
        assertTrue(r.out().contains("source.aws.external-id: must be 2 to 1224 characters"), r.out());
        assertTrue(r.out().contains("source.aws.access-key-id, source.aws.secret-access-key: access key ID and secret access key "
                + "come as a pair"), r.out());
        assertTrue(r.out().contains("target.redshift.jdbc-url: is required"), r.out());
        Map<String, String> good = customerSide("source", "s3");
        good.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        r = stageway("validate", mapping("source-only.properties", good).toString());
        assertEquals(0, r.exit(), r.all());
    }

    @Test
    void checkTestsEachSideStepByStep() throws Exception {
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.putAll(redshiftTarget("checked"));
        Result r = stageway("check", mapping("check.properties", m).toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("[pass] STS GetCallerIdentity: arn:aws:sts::444455556666:assumed-role/stageway-customer-access/"),
                r.out());
        assertTrue(r.out().contains("[pass] list s3://customer-data/cli/in/: 1 objects"), r.out());
        assertTrue(r.out().contains("[pass] select 1 on jdbc:redshift://"), r.out());
        assertTrue(r.out().contains("4 slices"), r.out());
        assertTrue(r.out().contains("[pass] dry-run COPY into checked: COPY stageway_dry_run ... NOLOAD of a staged file passed with "
                + "the session's temporary credentials"), r.out());
        Map<String, String> iamRole = new TreeMap<>(m);
        iamRole.put("target.redshift.copy-auth", "iam-role");
        iamRole.put("target.redshift.iam-role", env.get("redshift.iam-role"));
        Result role = stageway("check", mapping("check-role.properties", iamRole).toString());
        assertTrue(role.out().contains("[pass] dry-run COPY into checked: COPY stageway_dry_run ... NOLOAD of a staged file passed with "
                + "the cluster's IAM role"), role.out());
        // A role of the customer's that the cluster cannot use: not attached to it, and trusting the agent rather than Redshift.
        iamRole.put("target.redshift.iam-role", env.get("customer.role-arn"));
        Result untrusted = stageway("check", mapping("check-untrusted.properties", iamRole).toString());
        assertEquals(3, untrusted.exit(), untrusted.all());
        assertTrue(untrusted.out().contains("[FAIL] dry-run COPY into checked: ") && untrusted.out().contains("stageway-customer-access"),
                untrusted.out());
        assertTrue(untrusted.out().contains("hint: a load's COPY reads the staging folder with the same authorisation"), untrusted.out());
        try (S3Client admin = customerAdminS3(sandbox)) {
            assertEquals(0, admin.listObjectsV2(b -> b.bucket(env.get("staging.bucket")).prefix("cli/")).keyCount(),
                    "the dry run leaves nothing staged");
        }
        m.put("source.aws.external-id", "someone-elses-id");
        Result denied = stageway("check", mapping("check-denied.properties", m).toString());
        assertEquals(3, denied.exit());
        assertTrue(denied.out().contains("[FAIL] STS GetCallerIdentity: Cannot assume role"), denied.out());
        assertTrue(denied.out().contains("hint: check the AWS credentials"), denied.out());
    }

    @Test
    void runMovesTheDataAndReportsIt() throws Exception {
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.putAll(redshiftTarget("cli_orders"));
        m.put("target.redshift.direct-load", "off");
        Path report = dir.resolve("report.json");
        Result r = stageway("run", mapping("run.properties", m).toString(), "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("done: 3 rows read, 3 written, 0 rejected"), r.out());
        String json = Files.readString(report);
        assertTrue(json.contains("\"rowsWritten\" : 3"), json);
        assertTrue(json.contains("\"files staged\" : 4"), json);
        assertTrue(json.contains("\"path\" : \"streamed\""), json);
        assertTrue(json.contains("\"pathReason\" : \"redshift.direct-load=off\""), json);
    }

    @Test
    void aLoadByCopyFromTheSourcesObjectsIsReportedAsItsPath() throws Exception {
        try (var c = cluster();
             var s = c.createStatement()) {
            s.execute("create table cli_direct (id int, name varchar(10))");
        }
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.put("source.csv.null-value", "NULL");
        m.putAll(redshiftTarget("cli_direct"));
        Path report = dir.resolve("direct.json");
        Result r = stageway("run", mapping("direct.properties", m).toString(), "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("done by direct-load, no rows through this process: 3 rows written, 0 rejected"), r.out());
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(Files.readString(report));
        assertEquals("direct-load", json.path("path").asString());
        assertEquals(3, json.path("rowsWritten").asInt(), json.toString());
        assertEquals(0, json.path("rowsRead").asInt(), json.toString());
    }

    @Test
    void aCopyInsideS3IsReportedAsItsPath() throws Exception {
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.putAll(customerSide("target", "s3"));
        m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/cli/copied/");
        Path report = dir.resolve("copy.json");
        Result r = stageway("run", mapping("copy.properties", m).toString(), "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("done by server-side-copy, no rows through this process"), r.out());
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(Files.readString(report));
        assertEquals("server-side-copy", json.path("path").asString());
        assertTrue(json.path("pathReason").isMissingNode(), json.toString());
        assertTrue(json.path("bytesWritten").asLong() > 0, json.toString());
    }

    @Test
    void rowsRedshiftRejectsWithinTheLimitAreListedInTheReport() throws Exception {
        try (var c = cluster();
             var s = c.createStatement()) {
            s.execute("create table cli_narrow (id int, name varchar(3))");
        }
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.putAll(redshiftTarget("cli_narrow"));
        m.put("target.redshift.max-rejected-rows", "1");
        m.put("target.redshift.direct-load", "off");   // staged: the report names the record
        Path report = dir.resolve("rejected.json");
        Result r = stageway("run", mapping("rejected.properties", m).toString(), "--report", report.toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("done: 3 rows read, 2 written, 1 rejected"), r.out());
        var json = tools.jackson.databind.json.JsonMapper.builder().build().readTree(Files.readString(report));
        assertEquals(1, json.path("rowsRejected").asInt());
        var rejected = json.path("rejected").get(0);
        assertEquals(3, rejected.path("record").asInt(), json.toString());
        assertTrue(rejected.path("file").asString().matches("s3://" + env.get("staging.bucket") + "/cli/.*part-\\d+\\.csv\\.gz"),
                json.toString());
        assertEquals(3, rejected.path("line").asInt());   // the first 128 rows go to one file
        assertEquals("name", rejected.path("column").asString());
        assertEquals("String length exceeds DDL length", rejected.path("reason").asString());
        assertEquals("\"3\",\"c, d\"", rejected.path("rawLine").asString());
    }

    @Test
    void aTypedCsvSourceLoadsIntoATableOfTheDeclaredTypes() throws Exception {
        try (S3Client admin = customerAdminS3(sandbox)) {
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("cli/typed/a.csv"), RequestBody.fromString("ID,amount,created,ok,day,note\n"
                    + "1,12.50,2026-11-28 10:00:00,true,2026-11-28,a\n2,-3.25,2026-11-28T11:30:00.5,f,2026-11-29,\"b, c\"\n"));
            admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("cli/typed-bad/a.csv"), RequestBody.fromString("id,amount\n1,2.5\n2,abc\n"));
        }
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/typed/");
        m.put("source.s3.columns", "id bigint, amount decimal(12,2), created timestamp, ok boolean, day date, note varchar");
        m.putAll(redshiftTarget("typed_orders"));
        Result r = stageway("run", mapping("typed.properties", m).toString());
        assertEquals(0, r.exit(), r.all());
        try (var c = cluster();
             var s = c.createStatement()) {
            List<String> types = new ArrayList<>();
            try (var rs = s.executeQuery("SELECT data_type FROM information_schema.columns WHERE table_name = 'typed_orders' "
                    + "ORDER BY ordinal_position")) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            assertEquals(List.of("bigint", "numeric", "timestamp without time zone", "boolean", "date", "character varying"), types);
            try (var rs = s.executeQuery("SELECT SUM(amount), COUNT(*) FILTER (WHERE ok), MAX(created) FROM typed_orders")) {
                assertTrue(rs.next());
                assertEquals(new java.math.BigDecimal("9.25"), rs.getBigDecimal(1));
                assertEquals(1, rs.getInt(2));
                assertEquals("2026-11-28 11:30:00.5", rs.getString(3));
            }
        }
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/typed-bad/");
        m.put("source.s3.columns", "id int, amount decimal(12,2)");
        Result bad = stageway("run", mapping("typed-bad.properties", m).toString());
        assertEquals(4, bad.exit(), bad.all());
        assertTrue(bad.err().contains("Bad value in s3://customer-data/cli/typed-bad/a.csv, line 3, column amount: 'abc' is not a "
                + "decimal(12,2)"), bad.err());
        m.put("source.s3.on-bad-row", "skip");
        Result skipped = stageway("run", mapping("typed-skip.properties", m).toString());
        assertEquals(0, skipped.exit(), skipped.all());
        assertTrue(skipped.out().contains("1 written, 1 rejected"), skipped.out());
        m.put("source.s3.columns", "id int, amount money");
        Result unknown = stageway("validate", mapping("typed-unknown.properties", m).toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.out().contains("source.s3.columns: column 2 (amount): unknown type 'money'"), unknown.out());
    }

    @Test
    void secretsGivenByReferenceAreResolvedAndNeverPrinted() throws Exception {
        Path secret = Files.writeString(dir.resolve("agent.secret"), env.get("agent.secret-access-key") + "\n");
        Path cluster = Files.writeString(dir.resolve("cluster.properties"), "password=" + env.get("redshift.password") + "\n");
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.aws.secret-access-key", "${file:" + secret + "}");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.putAll(redshiftTarget("by_reference"));
        m.put("target.aws.secret-access-key", "${file:" + secret + "}");
        m.put("target.redshift.password", "${file:" + cluster + ":password}");
        Result r = stageway("run", mapping("references.properties", m).toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("done: 3 rows read, 3 written"), r.out());
        assertFalse(r.all().contains(env.get("agent.secret-access-key")) || r.all().contains(env.get("redshift.password")), r.all());
        m.put("target.redshift.password", "${env:STAGEWAY_TEST_NO_SUCH_VARIABLE}");
        Result missing = stageway("validate", mapping("references-missing.properties", m).toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.out().contains("target.redshift.password: refers to ${env:STAGEWAY_TEST_NO_SUCH_VARIABLE}, which cannot be "
                + "resolved: the environment variable STAGEWAY_TEST_NO_SUCH_VARIABLE is not set"), missing.all());
    }

    @Test
    void anEmptySourceIsNothingToDoAndLeavesTheTargetAlone() throws Exception {
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/nothing-here/");
        m.putAll(redshiftTarget("never_created"));
        Result r = stageway("run", mapping("empty.properties", m).toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().contains("done: 0 rows read, 0 written"), r.out());
    }

    @Test
    void badDataExitsWith4AndConfigurationWith2() throws Exception {
        sandbox.redshift();
        try (var c = cluster();
             var s = c.createStatement()) {
            s.execute("create table cli_strict (id int, name varchar(10))");
        }
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/bad/");
        m.putAll(redshiftTarget("cli_strict"));
        Result r = stageway("run", mapping("bad-data.properties", m).toString());
        assertEquals(4, r.exit(), r.all());
        assertTrue(r.err().contains("Redshift rejected record 1"), r.err());
        m.remove("target.redshift.table");
        assertEquals(2, stageway("run", mapping("no-table.properties", m).toString()).exit());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, stageway().exit());
        Result typo = stageway("valdate");
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("Did you mean: stageway validate"), typo.err());
        assertEquals(2, stageway("validate").exit());
        Result option = stageway("run", "x.properties", "--paralelism", "2");
        assertEquals(2, option.exit());
        assertTrue(option.err().contains("--parallelism"), option.err());
        assertEquals(2, stageway("run", "x.properties", "--parallelism", "0").exit());
        Result help = stageway("run", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--parallelism=N") && help.out().contains("--run-id=ID"), help.out());
        Result version = stageway("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().matches("stageway \\d+\\.\\d+\\.\\d+\\S*, plugin contract \\(SPI\\) 2\\s*"), version.out());
    }

    @Test
    void trustPolicyIsWhatTheCustomerInstalls() {
        Result r = stageway("trust-policy", "--account", "111122223333", "--external-id", "tenant-42", "--folder", "s3://data/in");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}"), r.out());
        assertTrue(r.out().contains("\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"tenant-42\"}}"), r.out());
        assertTrue(r.out().contains("\"Resource\": \"arn:aws:s3:::data/in/*\""), r.out());
        assertTrue(r.out().contains("{\"StringLike\": {\"s3:prefix\": [\"in/*\"]}}"), r.out());
        Result both = stageway("trust-policy", "--account", "111122223333", "--folder", "s3://data/in", "--staging", "data/stage/");
        String lifecycle = both.out().substring(both.out().indexOf("Lifecycle configuration of bucket data"));
        assertTrue(lifecycle.contains("\"Filter\": {\"Prefix\": \"in/\"}") && lifecycle.contains("\"Filter\": {\"Prefix\": \"stage/\"}")
                && lifecycle.contains("\"AbortIncompleteMultipartUpload\": {\"DaysAfterInitiation\": 7}"), both.out());
        Result user = stageway("trust-policy", "--account", "111122223333", "--principal-arn",
                "arn:aws:iam::111122223333:user/stageway-agent");
        assertTrue(user.out().contains("\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:user/stageway-agent\"}"), user.out());
        Result bad = stageway("trust-policy", "--account", "12", "--external-id", "x");
        assertEquals(2, bad.exit());
        assertEquals("--account: must be the 12-digit account ID of the agent that assumes the role\n"
                + "--external-id: must be 2 to 1224 characters, each a letter, digit or one of _+=,.@:/-\n", bad.err());
    }

    @Test
    void theTrustPolicyPrintedIsOneTheSandboxAccepts() {
        var parsed = Policy.parse("printed trust policy", PolicyKind.TRUST, TrustPolicy.trust("arn:aws:iam::111122223333:root", "ext-1"));
        var agent = Principal.user("111122223333", "a");
        assertTrue(parsed.evaluate(new AccessRequest(agent, "sts:AssumeRole", "arn:aws:iam::1:role/r",
                RequestContext.builder().put("sts:ExternalId", "ext-1").build())).allows());
        assertFalse(parsed.evaluate(new AccessRequest(agent, "sts:AssumeRole", "arn:aws:iam::1:role/r",
                RequestContext.builder().put("sts:ExternalId", "other").build())).allows());
    }

    @Test
    void aCanarySecretNeverAppearsInAnyCommandsOutput() throws Exception {
        Map<String, String> m = customerSide("source", "s3");
        m.put("source.aws.secret-access-key", CANARY);
        m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/cli/in/");
        m.putAll(redshiftTarget("canary"));
        m.put("target.redshift.password", CANARY);
        m.put("target.aws.secret-access-key", CANARY);
        Path file = mapping("canary.properties", m);
        for (String[] command : new String[][] {{"validate", file.toString()}, {"check", file.toString()}, {"run", file.toString()},
                {"--verbose", "check", file.toString()}}) {
            Result r = stageway(command);
            assertFalse(r.all().contains(CANARY), String.join(" ", command) + " printed the canary:\n" + r.all());
            if (!command[0].equals("validate")) {
                assertNotEquals(0, r.exit(), "the canary is a wrong secret: " + String.join(" ", command) + "\n" + r.all());
            }
        }
        m.put("source.aws.secret-acess-key", CANARY);
        Result typo = stageway("validate", mapping("canary-typo.properties", m).toString());
        assertFalse(typo.all().contains(CANARY), typo.all());
    }
}
