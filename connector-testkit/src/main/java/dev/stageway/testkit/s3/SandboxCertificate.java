package dev.stageway.testkit.s3;

import java.io.IOException;
import java.io.InputStream;
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

    /** Writes the certificate as PEM, the CA bundle a client names to trust the sandbox ({@code aws.ca-bundle}). */
    public static Path writePem(Path file) {
        try (InputStream in = resource("sandbox-tls.crt")) {
            Files.write(file, in.readAllBytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the sandbox certificate to " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path caBundle;

    /** The certificate as a PEM file for this JVM's clients to name as their CA bundle; written once, removed at exit. */
    public static synchronized Path caBundle() {
        if (caBundle == null) {
            try {
                Path file = Files.createTempFile("stageway-sandbox-ca-", ".pem");
                file.toFile().deleteOnExit();
                caBundle = writePem(file);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the sandbox certificate: " + e.getMessage(), e);
            }
        }
        return caBundle;
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
}
