package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code stageway cleanup} after runs whose process died: each left what a crash leaves (an S3
 * write's uploads prepared but never completed, a Redshift load's staged files, an UNLOAD's
 * files), beside a user's own upload to one of the very same keys and a user's own files in the
 * staging folder. Cleanup removes exactly the runs' leftovers, and only once they are older than
 * asked.
 */
class CleanupTest {
    static final String FOLDER = "cleanup/out/";
    static final String STAGING = "cleanup-staging/";
    static Sandbox sandbox;
    static S3Client admin;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.builder().withRedshift().build();
        admin = customerAdminS3(sandbox);
    }

    @AfterAll
    static void stop() throws Exception {
        admin.close();
        sandbox.close();
    }

    /** Redshift -> S3 through the customer's role: the target's folder and the source's staging path are both searched. */
    private static Map<String, String> mapping() {
        Map<String, String> customer = Demo.with(Demo.keys(), "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE),
                "aws.external-id", CUSTOMER_EXTERNAL_ID);
        Map<String, String> m = new TreeMap<>();
        Demo.side(m, "source", "redshift", Demo.with(Demo.redshift(sandbox, customer), "redshift.staging-path",
                CUSTOMER_STAGING_BUCKET + "/" + STAGING));
        m.put("source.redshift.query", "select 1 as id");
        Demo.side(m, "target", "s3", Demo.endpoints(sandbox, customer));
        m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/" + FOLDER);
        m.put("target.s3.file-name", "data.csv");
        return m;
    }

    @Test
    void removesWhatDeadRunsLeftAndNothingElse() throws Exception {
        Map<String, String> props = mapping();
        Path file = write("cleanup.properties", props);
        Mapping m = Mapping.of(props);
        DeadRuns.s3Write(m.target().orElseThrow(), 2);
        DeadRuns.unload(m.source().orElseThrow());
        DeadRuns.redshiftLoad(m.source().orElseThrow(), "cleanup_t");
        String users = admin.createMultipartUpload(b -> b.bucket(CUSTOMER_BUCKET).key(FOLDER + "data-t00000.csv")).uploadId();
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key(STAGING + "notes.txt"), RequestBody.fromString("mine"));
        admin.putObject(b -> b.bucket(CUSTOMER_STAGING_BUCKET).key(STAGING + "mine/load/tables/x.csv"), RequestBody.fromString("mine"));
        assertEquals(3, uploads().size());
        int staged = staging().size();
        assertTrue(staged > 2, "the dead runs staged files: " + staging());

        CommandsTest.Result fresh = CommandsTest.stageway("cleanup", file.toString());
        assertEquals(0, fresh.exit(), fresh.all());
        assertTrue(fresh.out().contains("0 removed"), fresh.out());
        assertEquals(3, uploads().size(), "by default only what is older than 24 hours goes");

        CommandsTest.Result dry = CommandsTest.stageway("cleanup", file.toString(), "--older-than", "0s", "--dry-run");
        assertEquals(0, dry.exit(), dry.all());
        assertEquals(4, dry.out().lines().filter(l -> l.startsWith("  would remove ")).count(), dry.out());
        assertTrue(dry.out().contains("dry run: 4 found, nothing removed"), dry.out());
        assertEquals(3, uploads().size());
        assertEquals(staged, staging().size());

        CommandsTest.Result clean = CommandsTest.stageway("cleanup", file.toString(), "--older-than", "0s");
        assertEquals(0, clean.exit(), clean.all());
        assertEquals(2, clean.out().lines().filter(l -> l.startsWith("  removed multipart upload s3://" + CUSTOMER_BUCKET + "/"
                + FOLDER + "data-t0000")).count(), clean.out());
        assertEquals(2, clean.out().lines().filter(l -> l.startsWith("  removed staging folder s3://" + CUSTOMER_STAGING_BUCKET)).count(),
                clean.out());
        assertEquals(List.of(users), uploads().stream().map(MultipartUpload::uploadId).toList(), "the user's own upload stays");
        assertEquals(List.of(STAGING + "mine/load/tables/x.csv", STAGING + "notes.txt"), staging().stream().map(S3Object::key).toList(),
                "the user's own files stay");

        CommandsTest.Result again = CommandsTest.stageway("cleanup", file.toString(), "--older-than", "0s");
        assertEquals(0, again.exit(), again.all());
        assertTrue(again.out().contains("0 removed"), again.out());
        admin.abortMultipartUpload(b -> b.bucket(CUSTOMER_BUCKET).key(FOLDER + "data-t00000.csv").uploadId(users));
    }

    @Test
    void anAgeThatIsNotOneIsAUsageErrorNamingTheOption() throws Exception {
        Path file = write("cleanup-age.properties", mapping());
        CommandsTest.Result r = CommandsTest.stageway("cleanup", file.toString(), "--older-than", "24 hours");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("--older-than") && r.err().contains("24h"), r.err());
    }

    private static Path write(String name, Map<String, String> props) throws Exception {
        StringBuilder b = new StringBuilder();
        props.forEach((k, v) -> b.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return Files.writeString(dir.resolve(name), b.toString());
    }

    private static List<MultipartUpload> uploads() {
        return admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET).prefix(FOLDER)).uploads();
    }

    private static List<S3Object> staging() {
        return new ArrayList<>(admin.listObjectsV2(b -> b.bucket(CUSTOMER_STAGING_BUCKET).prefix(STAGING)).contents());
    }
}
