package dev.stageway.testkit.s3;

import dev.stageway.testkit.faults.Faults;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.kms.Kms;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.S3ProxyHandler;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * S3 on loopback: s3proxy's request handling over an in-memory (or directory) blob store, behind
 * the sandbox's front door ({@link S3Gateway}), which authenticates, authorises and, where s3proxy
 * keeps no record of what S3 reports, answers each request first. Served over HTTP and HTTPS.
 */
public final class S3StandIn implements AutoCloseable {
    private static final long MAX_SINGLE_PART = 5L * 1024 * 1024 * 1024;
    private static final long MAX_NON_CHUNKED = 128L * 1024 * 1024;
    private static final int MAX_CHUNK = 16 * 1024 * 1024;
    private static final int MAX_SKEW_SECONDS = 900;

    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector tlsConnector;
    private final BlobStore blobStore;
    private final Shaping shaping = new Shaping();

    public S3StandIn(Iam iam, Kms kms, Buckets buckets, BlobStore blobStore, String region, Faults faults) throws Exception {
        this.blobStore = blobStore;
        Handler handler = new Handler(blobStore);
        QueuedThreadPool pool = new QueuedThreadPool(64);
        pool.setName("sandbox-s3");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        // As s3proxy configures Jetty: object keys may hold characters strict URI parsing rejects.
        http.setHttpCompliance(HttpCompliance.LEGACY);
        http.setUriCompliance(UriCompliance.LEGACY);
        // Jetty's header cache would rewrite "charset=UTF-8" to lower case and break signatures.
        http.setHeaderCacheCaseSensitive(true);
        http.setSendServerVersion(false);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.addEventListener(shaping);
        server.addConnector(connector);
        // S3 itself is reached over HTTPS; requests are checked the same on either endpoint.
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(SandboxCertificate.keyStore());
        tls.setKeyStorePassword(SandboxCertificate.PASSWORD);
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer(false));
        tlsConnector = new ServerConnector(server, tls, new HttpConnectionFactory(https));
        tlsConnector.setHost("127.0.0.1");
        tlsConnector.setPort(0);
        tlsConnector.addEventListener(shaping);
        server.addConnector(tlsConnector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new S3Gateway(iam, kms, buckets, blobStore, handler, region, faults, shaping)), "/*");
        server.setHandler(context);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    /** The same S3 over HTTPS, presenting {@link SandboxCertificate}. */
    public URI tlsEndpoint() {
        return URI.create("https://127.0.0.1:" + tlsConnector.getLocalPort());
    }

    /** Its latency, bandwidth caps and connection counts. */
    public Shaping shaping() {
        return shaping;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        blobStore.close();
    }

    /** s3proxy's handler, opened up for the error responses the gateway sends. */
    static final class Handler extends S3ProxyHandler {
        Handler(BlobStore blobStore) {
            super(blobStore, AuthenticationType.AWS_V4, "unused-identity", "unused-credential", null,
                    MAX_SINGLE_PART, MAX_NON_CHUNKED, MAX_CHUNK, true, null, "", MAX_SKEW_SECONDS);
        }

        void error(HttpServletRequest req, HttpServletResponse resp, String code, int status, String message,
                   Map<String, String> elements) throws IOException {
            sendSimpleErrorResponse(req, resp, code, status, message, elements);
        }

        void error(HttpServletRequest req, HttpServletResponse resp, S3ProxyException e) throws IOException {
            sendSimpleErrorResponse(req, resp, e.getError(), e.getMessage(), Map.of());
        }
    }
}
