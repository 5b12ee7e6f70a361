package dev.stageway.testkit.sts;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import dev.stageway.testkit.api.ApiAuthentication;
import dev.stageway.testkit.api.ApiError;
import dev.stageway.testkit.api.QueryProtocol;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.faults.Fault;
import dev.stageway.testkit.faults.Faults;
import dev.stageway.testkit.iam.Iam;
import java.io.IOException;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * STS on loopback: AssumeRole and GetCallerIdentity over the query protocol, authenticated as
 * STS authenticates ({@link ApiAuthentication}) and answered with STS's error codes and messages.
 * Other STS operations are refused as not modelled.
 */
public final class StsStandIn implements AutoCloseable {
    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Set<String> UNMODELLED = Set.of("AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
            "DecodeAuthorizationMessage", "GetAccessKeyInfo", "GetFederationToken", "GetSessionToken", "GetDelegatedAccessToken",
            "GetWebIdentityToken");

    private final Iam iam;
    private final ApiAuthentication authentication;
    private final AssumeRole assumeRole;
    private final LoopbackServer server;
    private final Faults faults;

    public StsStandIn(Iam iam, String region, Faults faults) throws IOException {
        this.iam = iam;
        this.faults = faults;
        this.authentication = new ApiAuthentication(iam, region, "sts");
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
            Map<String, String> params = QueryProtocol.parameters(exchange, body);
            String xml;
            try {
                String action = params.getOrDefault("Action", "");
                Optional<Fault> fault = faults.sts(action);
                if (fault.isPresent()) {
                    iam.count("sts fault " + fault.get().kind());
                    throw fault.get().kind() == Fault.Kind.THROTTLE ? new ApiError(400, "Throttling", "Rate exceeded")
                            : new ApiError(503, "ServiceUnavailable", "Service unavailable. Please try again later.");
                }
                Credential caller = authentication.authenticate(exchange, body);
                iam.count("sts:" + action + " " + caller.principal().arn());
                if (UNMODELLED.contains(action)) {
                    throw ApiError.notModelled("STS " + action);
                }
                xml = switch (action) {
                    case "AssumeRole" -> assumed(assumeRole.assume(caller, params, false,
                            exchange.getRemoteAddress().getAddress().getHostAddress()), requestId);
                    case "GetCallerIdentity" -> callerIdentity(caller, requestId);
                    default -> throw new ApiError(400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
                };
                LoopbackServer.send(exchange, 200, "text/xml", xml);
            } catch (ApiError e) {
                QueryProtocol.sendError(exchange, NS, e, requestId);
            }
        }
    }

    private static String assumed(Credential issued, String requestId) {
        return "<AssumeRoleResponse xmlns=\"" + NS + "\"><AssumeRoleResult><Credentials>"
                + "<AccessKeyId>" + issued.accessKeyId() + "</AccessKeyId>"
                + "<SecretAccessKey>" + QueryProtocol.escape(issued.secretAccessKey()) + "</SecretAccessKey>"
                + "<SessionToken>" + QueryProtocol.escape(issued.sessionToken().get()) + "</SessionToken>"
                + "<Expiration>" + issued.expiration().get().truncatedTo(ChronoUnit.MILLIS) + "</Expiration>"
                + "</Credentials><AssumedRoleUser><Arn>" + issued.principal().arn() + "</Arn>"
                + "<AssumedRoleId>" + issued.principal().userId() + "</AssumedRoleId></AssumedRoleUser>"
                + issued.principal().session().sourceIdentity().map(s -> "<SourceIdentity>" + QueryProtocol.escape(s) + "</SourceIdentity>").orElse("")
                + "</AssumeRoleResult><ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
    }

    private static String callerIdentity(Credential caller, String requestId) {
        return "<GetCallerIdentityResponse xmlns=\"" + NS + "\"><GetCallerIdentityResult>"
                + "<Arn>" + caller.principal().arn() + "</Arn><UserId>" + caller.principal().userId() + "</UserId>"
                + "<Account>" + caller.principal().account() + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    }

    @Override
    public void close() {
        server.close();
    }
}
