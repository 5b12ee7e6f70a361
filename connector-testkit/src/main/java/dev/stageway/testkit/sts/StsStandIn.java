package dev.stageway.testkit.sts;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.faults.Fault;
import dev.stageway.testkit.faults.Faults;
import dev.stageway.testkit.iam.Iam;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * STS on loopback: AssumeRole and GetCallerIdentity over the query protocol, authenticated as
 * STS authenticates ({@link StsAuthentication}) and answered with STS's error codes and messages.
 * Other STS operations are refused as not modelled.
 */
public final class StsStandIn implements AutoCloseable {
    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Set<String> UNMODELLED = Set.of("AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
            "DecodeAuthorizationMessage", "GetAccessKeyInfo", "GetFederationToken", "GetSessionToken", "GetDelegatedAccessToken",
            "GetWebIdentityToken");

    private final Iam iam;
    private final StsAuthentication authentication;
    private final AssumeRole assumeRole;
    private final LoopbackServer server;
    private final Faults faults;

    public StsStandIn(Iam iam, String region, Faults faults) throws IOException {
        this.iam = iam;
        this.faults = faults;
        this.authentication = new StsAuthentication(iam, region);
        this.assumeRole = new AssumeRole(iam, region);
        this.server = new LoopbackServer("sandbox-sts", 4, this::handle);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> params = new HashMap<>(form(exchange.getRequestURI().getRawQuery()));
            params.putAll(form(new String(body, StandardCharsets.UTF_8)));
            String xml;
            try {
                String action = params.getOrDefault("Action", "");
                Optional<Fault> fault = faults.sts(action);
                if (fault.isPresent()) {
                    iam.count("sts fault " + fault.get().kind());
                    throw fault.get().kind() == Fault.Kind.THROTTLE ? new StsError(400, "Throttling", "Rate exceeded")
                            : new StsError(503, "ServiceUnavailable", "Service unavailable. Please try again later.");
                }
                Credential caller = authentication.authenticate(exchange, body);
                iam.count("sts:" + action + " " + caller.principal().arn());
                if (UNMODELLED.contains(action)) {
                    throw StsError.notModelled("STS " + action);
                }
                xml = switch (action) {
                    case "AssumeRole" -> assumed(assumeRole.assume(caller, params, false,
                            exchange.getRemoteAddress().getAddress().getHostAddress()), requestId);
                    case "GetCallerIdentity" -> callerIdentity(caller, requestId);
                    default -> throw new StsError(400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
                };
                LoopbackServer.send(exchange, 200, "text/xml", xml);
            } catch (StsError e) {
                LoopbackServer.send(exchange, e.status, "text/xml", "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + (e.status >= 500 ? "Receiver" : "Sender") + "</Type><Code>"
                        + e.code + "</Code><Message>" + escape(e.getMessage()) + "</Message></Error><RequestId>" + requestId
                        + "</RequestId></ErrorResponse>");
            }
        }
    }

    private static String assumed(Credential issued, String requestId) {
        return "<AssumeRoleResponse xmlns=\"" + NS + "\"><AssumeRoleResult><Credentials>"
                + "<AccessKeyId>" + issued.accessKeyId() + "</AccessKeyId>"
                + "<SecretAccessKey>" + escape(issued.secretAccessKey()) + "</SecretAccessKey>"
                + "<SessionToken>" + escape(issued.sessionToken().get()) + "</SessionToken>"
                + "<Expiration>" + issued.expiration().get().truncatedTo(ChronoUnit.MILLIS) + "</Expiration>"
                + "</Credentials><AssumedRoleUser><Arn>" + issued.principal().arn() + "</Arn>"
                + "<AssumedRoleId>" + issued.principal().userId() + "</AssumedRoleId></AssumedRoleUser>"
                + issued.principal().session().sourceIdentity().map(s -> "<SourceIdentity>" + escape(s) + "</SourceIdentity>").orElse("")
                + "</AssumeRoleResult><ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
    }

    private static String callerIdentity(Credential caller, String requestId) {
        return "<GetCallerIdentityResponse xmlns=\"" + NS + "\"><GetCallerIdentityResult>"
                + "<Arn>" + caller.principal().arn() + "</Arn><UserId>" + caller.principal().userId() + "</UserId>"
                + "<Account>" + caller.principal().account() + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String part : encoded.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public void close() {
        server.close();
    }
}
