package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.testkit.DefaultSandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {
    @Test
    void everyStrategyBehavesAsExpectedAndNoSecretIsPrinted() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertEquals(5, out.split("\\[ ok ]", -1).length - 1, out);
        assertTrue(out.contains("identity: arn:aws:sts::444455556666:assumed-role/stageway-customer-access/stageway-demo"), out);
        assertTrue(out.contains("(an External Id was sent)"), out);
        assertFalse(out.contains(DefaultSandbox.AGENT_SECRET_ACCESS_KEY), out);
    }
}
