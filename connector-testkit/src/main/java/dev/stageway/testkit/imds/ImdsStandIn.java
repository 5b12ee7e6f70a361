package dev.stageway.testkit.imds;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Principal;
import dev.stageway.testkit.iam.Role;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IMDSv2 on loopback: a token must first be PUT for (with a TTL header), and every metadata
 * read must carry it. Serves the instance role's credentials, which expire and rotate as EC2's
 * do (a new set once a third of the lifetime is left).
 */
public final class ImdsStandIn implements AutoCloseable {
    private static final String PREFIX = "/latest/meta-data/iam/security-credentials/";
    private static final Duration INSTANCE_CREDENTIAL_LIFETIME = Duration.ofHours(6);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Iam iam;
    private final Optional<Role> instanceRole;
    private final String instanceId;
    private final LoopbackServer server;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private volatile Served current;

    /** The credentials being served, and when EC2 would hand out the next set. */
    private record Served(Credential credential, Instant rotateAt) {
    }

    public ImdsStandIn(Iam iam, Optional<Role> instanceRole, String instanceId) throws IOException {
        this.iam = iam;
        this.instanceRole = instanceRole;
        this.instanceId = instanceId;
        this.server = new LoopbackServer("sandbox-imds", 2, this::handle);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            iam.count("imds " + exchange.getRequestMethod() + " " + path);
            if (path.equals("/latest/api/token")) {
                issueToken(exchange);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                LoopbackServer.send(exchange, 405, "text/plain", "");
                return;
            }
            String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
            Instant expiry = token == null ? null : tokens.get(token);
            if (expiry == null || !iam.now().isBefore(expiry)) {
                LoopbackServer.send(exchange, 401, "text/plain", "");   // IMDSv2 only: no token, no metadata
                return;
            }
            if (path.equals("/latest/meta-data/instance-id")) {
                LoopbackServer.send(exchange, 200, "text/plain", instanceId);
            } else if (instanceRole.isPresent() && path.equals(PREFIX)) {
                LoopbackServer.send(exchange, 200, "text/plain", instanceRole.get().name());
            } else if (instanceRole.isPresent() && path.equals(PREFIX + instanceRole.get().name())) {
                LoopbackServer.send(exchange, 200, "application/json", credentialsJson(credentials()));
            } else {
                LoopbackServer.send(exchange, 404, "text/plain", "");
            }
        }
    }

    private void issueToken(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("PUT")) {
            LoopbackServer.send(exchange, 405, "text/plain", "");
            return;
        }
        String ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
        long seconds;
        try {
            seconds = Long.parseLong(ttl);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > 21600) {
            LoopbackServer.send(exchange, 400, "text/plain", "");
            return;
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, iam.now().plusSeconds(seconds));
        exchange.getResponseHeaders().set("X-aws-ec2-metadata-token-ttl-seconds", String.valueOf(seconds));
        LoopbackServer.send(exchange, 200, "text/plain", token);
    }

    private synchronized Credential credentials() {
        Instant now = iam.now();
        Served served = current;
        if (served == null || !now.isBefore(served.rotateAt())) {
            Credential c = iam.issueSession(instanceRole.get(), instanceId, INSTANCE_CREDENTIAL_LIFETIME, Optional.empty(),
                    Principal.Session.NONE);
            Duration lifetime = Duration.between(now, c.expiration().get());
            served = new Served(c, c.expiration().get().minus(lifetime.dividedBy(3)));
            current = served;
        }
        return served.credential();
    }

    private String credentialsJson(Credential c) {
        return "{\"Code\":\"Success\",\"LastUpdated\":\"" + iam.now().truncatedTo(ChronoUnit.SECONDS) + "\",\"Type\":\"AWS-HMAC\","
                + "\"AccessKeyId\":\"" + c.accessKeyId() + "\",\"SecretAccessKey\":\"" + c.secretAccessKey() + "\","
                + "\"Token\":\"" + c.sessionToken().get() + "\",\"Expiration\":\""
                + c.expiration().get().truncatedTo(ChronoUnit.SECONDS) + "\"}";
    }


    @Override
    public void close() {
        server.close();
    }
}
