package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code stageway run} in a JVM of its own, stopped by SIGTERM and by SIGINT while it reads (the
 * sandbox answers slowly, as S3 does): the run aborts as a failure does, says nothing was
 * published, and exits 143 or 130; the target holds no object and no open multipart upload.
 */
class InterruptionTest {
    @TempDir
    Path dir;

    /** Whether this JVM inherited SIGINT ignored (the JVM then refuses to handle it, as will the child it starts). */
    static boolean interruptIgnored() {
        sun.misc.Signal interrupt = new sun.misc.Signal("INT");
        sun.misc.SignalHandler before = sun.misc.Signal.handle(interrupt, sun.misc.SignalHandler.SIG_DFL);
        sun.misc.Signal.handle(interrupt, before);
        return before == sun.misc.SignalHandler.SIG_IGN;
    }

    @Test
    void aSignalAbortsTheRunAndExitsWithItsCode() throws Exception {
        try (Sandbox sandbox = Sandbox.start();
             S3Client admin = customerAdminS3(sandbox)) {
            for (int i = 0; i < 150; i++) {
                String key = String.format("slow/part-%03d.csv", i);
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key(key), RequestBody.fromString("id,name\n1,a\n2,b\n"));
            }
            sandbox.s3Latency(Duration.ofMillis(40));
            Map<String, String> customer = Demo.with(Demo.keys(), "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE),
                    "aws.external-id", CUSTOMER_EXTERNAL_ID);
            Map<String, String> m = new TreeMap<>();
            Demo.side(m, "source", "s3", Demo.endpoints(sandbox, customer));
            m.put("source.s3.folder-path", CUSTOMER_BUCKET + "/slow/");
            Demo.side(m, "target", "s3", Demo.endpoints(sandbox, customer));
            m.put("target.s3.folder-path", CUSTOMER_BUCKET + "/slow-out/");
            StringBuilder text = new StringBuilder();
            m.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            Path mapping = Files.writeString(dir.resolve("slow.properties"), text.toString());

            // A JVM started with SIGINT ignored (a background job of a non-interactive shell, as CI may run us) cannot
            // handle it, and neither can a run it starts: Ctrl-C is then tried only where it can arrive.
            List<String> signals = interruptIgnored() ? List.of("TERM") : List.of("TERM", "INT");
            for (String signal : signals) {
                String runId = "interrupted-" + signal.toLowerCase();
                Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        System.getProperty("java.class.path"), Stageway.class.getName(), "--plugin",
                        Path.of("target", "stageway-plugin.zip").toAbsolutePath().toString(), "run", mapping.toString(), "--run-id", runId)
                        .redirectErrorStream(true).start();
                for (int i = 0; i < 600 && sandbox.s3RequestsOfRun(runId) < 20 && run.isAlive(); i++) {
                    Thread.sleep(50);
                }
                assertTrue(run.isAlive(), "the run was still reading when signalled");
                new ProcessBuilder("kill", "-" + signal, Long.toString(run.pid())).start().waitFor();
                assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the run stopped");
                String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(signal.equals("TERM") ? 143 : 130, run.exitValue(), output);
                assertTrue(output.contains("interrupted: nothing was published"), output);
                assertEquals(List.of(), admin.listObjectsV2(b -> b.bucket(CUSTOMER_BUCKET).prefix("slow-out/")).contents());
                assertEquals(List.of(), admin.listMultipartUploads(b -> b.bucket(CUSTOMER_BUCKET)).uploads());
            }
        }
    }
}
