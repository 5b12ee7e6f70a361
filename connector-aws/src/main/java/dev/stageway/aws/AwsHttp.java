package dev.stageway.aws;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Properties;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * The HTTP client every AWS client of a connection uses (S3, STS): one place decides its TLS trust,
 * the JVM's default, or the certificate authorities of {@code aws.ca-bundle} instead.
 */
public final class AwsHttp {
    private AwsHttp() {
    }

    /** A client for {@code settings}, holding up to {@code maxConnections} connections. */
    public static ApacheHttpClient.Builder client(AwsSettings settings, int maxConnections) {
        ApacheHttpClient.Builder builder = ApacheHttpClient.builder().maxConnections(maxConnections);
        settings.caBundle().ifPresent(bundle -> {
            TrustManager[] trust = trustManagers(bundle);
            builder.tlsTrustManagersProvider(() -> trust);
        });
        return builder;
    }

    private static final String VERSION = version();

    /**
     * What every request of a connection says it is: the product, its version, and the run, so the
     * role owner's CloudTrail attributes each request to a run even where runs share a role session.
     */
    public static String userAgent(AwsSettings settings) {
        return "stageway/" + VERSION + " run/" + settings.runId().replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /** For clients that serve many runs (a shared role session's STS client). */
    static String userAgent() {
        return "stageway/" + VERSION;
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = AwsHttp.class.getResourceAsStream("/stageway-aws.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // The version is only informative.
        }
        return p.getProperty("version", "unknown");
    }

    private static TrustManager[] trustManagers(Path bundle) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate c : certificates(bundle)) {
                store.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot trust the certificates of " + bundle + ": " + e.getMessage(), e);
        }
    }

    static Collection<? extends Certificate> certificates(Path bundle) {
        try (InputStream in = Files.newInputStream(bundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("holds no certificate; give a PEM file of the certificate authorities to trust");
            }
            return certificates;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("is not a PEM file of certificates: " + e.getMessage());
        }
    }
}
