package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.gaul.s3proxy.AccessGrant;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.S3ProxyHandler;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * S3 on loopback: s3proxy's request handling and SigV4 checking over an in-memory (or
 * directory) blob store, behind a servlet that first does what s3proxy does not: temporary
 * keys are accepted only with their session token and only before they expire. Every request
 * is then authorised per operation against the sandbox's IAM ({@link AuthorizingBlobStore}).
 */
public final class S3StandIn implements AutoCloseable {
    private static final Pattern V4_KEY = Pattern.compile("Credential=([^/,\\s]+)/");
    private static final Pattern V2_KEY = Pattern.compile("^AWS ([^:]+):");
    private static final long MAX_SINGLE_PART = 5L * 1024 * 1024 * 1024;
    private static final long MAX_NON_CHUNKED = 128L * 1024 * 1024;
    private static final int MAX_CHUNK = 16 * 1024 * 1024;
    private static final int MAX_SKEW_SECONDS = 900;

    private final Server server;
    private final ServerConnector connector;
    private final ServerConnector tlsConnector;
    private final BlobStore blobStore;
    private final java.util.concurrent.atomic.AtomicInteger slowDowns = new java.util.concurrent.atomic.AtomicInteger();

    public S3StandIn(Iam iam, BlobStore blobStore) throws Exception {
        this.blobStore = blobStore;
        // The handler's own identity is never used: the locator below answers for every key.
        Handler handler = new Handler(blobStore);
        handler.setBlobStoreLocator((identity, bucket, key) -> {
            Optional<Credential> c = identity == null ? Optional.empty() : iam.credential(identity);
            return c.map(cred -> new AccessGrant(cred.secretAccessKey(), new AuthorizingBlobStore(blobStore, cred, iam)))
                    .orElse(null);
        });
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
        server.addConnector(connector);
        // S3 itself is reached over HTTPS; requests are checked the same on either endpoint.
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(SandboxCertificate.keyStore());
        tls.setKeyStorePassword(SandboxCertificate.PASSWORD);
        tlsConnector = new ServerConnector(server, tls, new HttpConnectionFactory(http));
        tlsConnector.setHost("127.0.0.1");
        tlsConnector.setPort(0);
        server.addConnector(tlsConnector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new TokenCheckingServlet(iam, handler, slowDowns)), "/*");
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

    /** Answers the next {@code requests} requests with 503 SlowDown, as S3 does when throttling. */
    public void throttleNext(int requests) {
        slowDowns.set(requests);
    }

    /** The blob store behind the stand-in, for the sandbox's own set-up. */
    public BlobStore blobStore() {
        return blobStore;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        blobStore.close();
    }

    /** s3proxy's handler, opened up for the error responses our servlet sends. */
    private static final class Handler extends S3ProxyHandler {
        Handler(BlobStore blobStore) {
            super(blobStore, AuthenticationType.AWS_V2_OR_V4, "unused-identity", "unused-credential", null,
                    MAX_SINGLE_PART, MAX_NON_CHUNKED, MAX_CHUNK, true, null, "", MAX_SKEW_SECONDS);
        }

        void error(HttpServletRequest req, HttpServletResponse resp, String code, int status, String message) throws IOException {
            sendSimpleErrorResponse(req, resp, code, status, message, Map.of());
        }

        void error(HttpServletRequest req, HttpServletResponse resp, S3ErrorCode code, String message) throws IOException {
            sendSimpleErrorResponse(req, resp, code, message, Map.of());
        }
    }

    private static final class TokenCheckingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Iam iam;
        private final transient Handler handler;
        private final transient java.util.concurrent.atomic.AtomicInteger slowDowns;

        TokenCheckingServlet(Iam iam, Handler handler, java.util.concurrent.atomic.AtomicInteger slowDowns) {
            this.iam = iam;
            this.handler = handler;
            this.slowDowns = slowDowns;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (slowDowns.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                iam.count("s3 throttled");
                req.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                handler.error(req, resp, "SlowDown", 503, "Please reduce your request rate.");
                return;
            }
            Optional<Credential> who = accessKeyId(req).flatMap(iam::credential);
            if (who.isPresent()) {
                Credential c = who.get();
                iam.count("s3 " + c.principal().arn() + " " + req.getMethod());
                if (req.getMethod().equals("DELETE") && queryParameter(req, "uploadId") != null) {
                    iam.count("s3:AbortMultipartUpload " + c.principal().arn());   // counted as asked, whatever the answer
                }
                if (c.isTemporary()) {
                    String token = Optional.ofNullable(req.getHeader("x-amz-security-token"))
                            .orElse(queryParameter(req, "X-Amz-Security-Token"));
                    if (token == null || !token.equals(c.sessionToken().get())) {
                        handler.error(req, resp, "InvalidToken", 400, "The provided token is malformed or otherwise invalid.");
                        return;
                    }
                    if (c.expiredAt(iam.now())) {
                        handler.error(req, resp, "ExpiredToken", 400, "The provided token has expired.");
                        return;
                    }
                }
            }
            try {
                handler.doHandle(req, req, resp, req.getInputStream(), new S3ProxyHandler.RequestContext());
            } catch (S3ProxyException e) {
                handler.error(req, resp, e.getError(), e.getMessage());
            } catch (AwsServiceException e) {
                awsError(req, resp, e);
            } catch (IllegalArgumentException e) {
                handler.error(req, resp, "InvalidArgument", 400, String.valueOf(e.getMessage()));
            } catch (UnsupportedOperationException e) {
                handler.error(req, resp, "NotImplemented", 501, String.valueOf(e.getMessage()));
            } catch (IllegalStateException e) {
                if (String.valueOf(e.getMessage()).startsWith("PreconditionFailed")) {
                    handler.error(req, resp, "PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold");
                } else {
                    handler.error(req, resp, "InternalError", 500, String.valueOf(e.getMessage()));
                }
            } catch (RuntimeException e) {
                AwsServiceException cause = causeOf(e);
                if (cause == null) {
                    throw e;
                }
                awsError(req, resp, cause);
            }
        }

        /** s3proxy's blob stores sometimes throw a bare status; answer with the code S3 gives it. */
        private void awsError(HttpServletRequest req, HttpServletResponse resp, AwsServiceException e) throws IOException {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
            if (code == null) {
                switch (e.statusCode()) {
                    case 304 -> code = "NotModified";
                    case 404 -> code = "NoSuchKey";
                    case 412 -> code = "PreconditionFailed";
                    case 416 -> code = "InvalidRange";
                    default -> code = "InternalError";
                }
            }
            if (message == null) {
                message = code.equals("PreconditionFailed") ? "At least one of the pre-conditions you specified did not hold" : code;
            }
            handler.error(req, resp, code, e.statusCode() == 0 ? 500 : e.statusCode(), message);
        }

        private static AwsServiceException causeOf(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof AwsServiceException ase) {
                    return ase;
                }
            }
            return null;
        }

        private static Optional<String> accessKeyId(HttpServletRequest req) {
            String auth = req.getHeader("Authorization");
            if (auth != null) {
                Matcher m = V4_KEY.matcher(auth);
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
                m = V2_KEY.matcher(auth);
                if (m.find()) {
                    return Optional.of(m.group(1));
                }
            }
            String credential = queryParameter(req, "X-Amz-Credential");
            if (credential != null) {
                return Optional.of(credential.split("/")[0]);
            }
            return Optional.ofNullable(queryParameter(req, "AWSAccessKeyId"));
        }

        /** Reads the query string only: getParameter would consume a form-encoded body s3proxy still needs. */
        private static String queryParameter(HttpServletRequest req, String name) {
            String query = req.getQueryString();
            if (query == null) {
                return null;
            }
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                String key = java.net.URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                if (key.equals(name)) {
                    return eq < 0 ? "" : java.net.URLDecoder.decode(part.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }
}
