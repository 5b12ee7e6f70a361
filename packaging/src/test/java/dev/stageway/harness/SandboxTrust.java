package dev.stageway.harness;

import dev.stageway.testkit.s3.SandboxCertificate;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes the test JVM trust the sandbox's HTTPS endpoint before any test runs: the JDK fixes its
 * default trust at the first TLS connection, and the connectors, like the demo, reach S3 over HTTPS.
 */
public final class SandboxTrust implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        SandboxCertificate.trustInThisJvm();
    }
}
