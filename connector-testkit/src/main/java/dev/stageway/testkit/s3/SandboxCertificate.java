package dev.stageway.testkit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The self-signed certificate (and its key) the S3 stand-in's TLS endpoint presents, for
 * 127.0.0.1 and localhost, valid until 2126. It guards nothing: it exists so clients can talk
 * to the sandbox over HTTPS, as they talk to S3. Made once with
 * {@code openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
 * -subj "/CN=Stageway sandbox" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"}.
 */
public final class SandboxCertificate {
    /** Password of the key stores made here; they hold nothing secret. */
    public static final String PASSWORD = "sandbox";
    private static final String ALIAS = "stageway-sandbox";

    private SandboxCertificate() {
    }

    private static X509Certificate certificate() {
        try (InputStream in = resource("sandbox-tls.crt")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the sandbox certificate", e);
        }
    }

    /** The certificate with its private key, for the server side. */
    static KeyStore keyStore() {
        try (InputStream in = resource("sandbox-tls.key")) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            KeyStore store = emptyStore();
            store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), new Certificate[] {certificate()});
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the sandbox key", e);
        }
    }

    /** The certificate alone, as a trust store for clients. */
    public static KeyStore trustStore() {
        try {
            KeyStore store = emptyStore();
            store.setCertificateEntry(ALIAS, certificate());
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a trust store of the sandbox certificate", e);
        }
    }

    /** Writes {@link #trustStore()} as a PKCS12 file (password {@link #PASSWORD}), for {@code javax.net.ssl.trustStore}. */
    public static void writeTrustStore(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            trustStore().store(out, PASSWORD.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the sandbox trust store", e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return store;
    }

    private static InputStream resource(String name) {
        InputStream in = SandboxCertificate.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("the testkit jar lacks " + name);
        }
        return in;
    }

    /** The JVM-wide system properties that make the JDK's default TLS trust the sandbox certificate. */
    public static final List<String> TRUST_PROPERTIES = List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType",
            "javax.net.ssl.trustStorePassword");

    /**
     * Makes this JVM's default TLS trust the sandbox certificate (and only it), as a program that
     * reaches the sandbox's HTTPS endpoint through the JDK's default trust needs: writes a trust
     * store to a temporary file and points the {@code javax.net.ssl.trustStore*} properties at it.
     * Must happen before the JVM's first TLS connection, which fixes the default trust.
     *
     * @return each property's previous value (null when unset), to restore
     */
    public static Map<String, String> trustInThisJvm() {
        try {
            Path file = Files.createTempFile("stageway-sandbox-trust-", ".p12");
            file.toFile().deleteOnExit();
            writeTrustStore(file);
            Map<String, String> before = new HashMap<>();
            List<String> values = List.of(file.toString(), "PKCS12", PASSWORD);
            for (int i = 0; i < TRUST_PROPERTIES.size(); i++) {
                before.put(TRUST_PROPERTIES.get(i), System.setProperty(TRUST_PROPERTIES.get(i), values.get(i)));
            }
            return before;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the sandbox trust store: " + e.getMessage(), e);
        }
    }
}
