package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.DefaultSandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoTest {
    @Test
    void everyPathBehavesAsExpectedAndNoSecretIsPrinted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Demo.run(Path.of("target", "stageway-plugin.zip"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertEquals(9, out.split("  ok\\n", -1).length - 1, out);
        assertTrue(out.contains("S3 -> S3 encrypted with the customer's KMS key (SSE-KMS)"), out);
        assertTrue(out.contains("ok, by direct-load: no row through the agent"), out);
        assertTrue(out.contains("ok, refused as expected (AUTHENTICATION): Cannot assume role"), out);
        assertTrue(out.contains("All cases behaved as expected"), out);
        for (String secret : new String[] {DefaultSandbox.AGENT_SECRET_ACCESS_KEY, DefaultSandbox.REDSHIFT_PASSWORD,
                DefaultSandbox.CUSTOMER_ADMIN_SECRET_ACCESS_KEY}) {
            assertFalse(out.contains(secret), out);
        }
    }
}
