package dev.stageway.testkit.redshift;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import dev.stageway.testkit.api.ApiAuthentication;
import dev.stageway.testkit.api.ApiError;
import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.RequestContext;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Redshift Serverless's GetCredentials on loopback, over the JSON 1.1 protocol: temporary
 * credentials of the database user named after the caller's IAM identity, for a workgroup,
 * signed with SigV4 for {@code redshift-serverless} and authorised by IAM on the workgroup's
 * ARN. Other operations are refused as not modelled.
 */
final class ServerlessCredentialsApi implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TARGET_PREFIX = "RedshiftServerless.";
    /** The JSON protocol's names of the authentication failures the query protocol names otherwise. */
    private static final Map<String, String> JSON_CODES = Map.of("InvalidClientTokenId", "UnrecognizedClientException",
            "SignatureDoesNotMatch", "InvalidSignatureException", "ExpiredToken", "ExpiredTokenException",
            "MissingAuthenticationToken", "MissingAuthenticationTokenException", "IncompleteSignature", "IncompleteSignatureException");

    private final RedshiftStandIn cluster;
    private final TemporaryLogins logins;
    private final Iam iam;
    private final ApiAuthentication authentication;
    private final LoopbackServer server;

    ServerlessCredentialsApi(RedshiftStandIn cluster, TemporaryLogins logins) throws IOException {
        this.cluster = cluster;
        this.logins = logins;
        this.iam = cluster.iam();
        this.authentication = new ApiAuthentication(iam, cluster.region(), "redshift-serverless");
        this.server = new LoopbackServer("sandbox-redshift-serverless-api", 2, this::handle);
    }

    URI endpoint() {
        return server.endpoint();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                Credential caller = authentication.authenticate(exchange, body);
                String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                if (!target.startsWith(TARGET_PREFIX)) {
                    throw new ApiError(400, "UnknownOperationException", null);
                }
                String operation = target.substring(TARGET_PREFIX.length());
                iam.count("redshift-serverless:" + operation + " " + caller.principal().arn());
                if (!operation.equals("GetCredentials")) {
                    throw ApiError.notModelled("Redshift Serverless " + operation);
                }
                LoopbackServer.send(exchange, 200, "application/x-amz-json-1.1", credentials(caller, request(body), exchange));
            } catch (ApiError e) {
                ObjectNode error = JSON.createObjectNode();
                error.put("__type", JSON_CODES.getOrDefault(e.code, e.code));
                error.put("message", e.getMessage());
                LoopbackServer.send(exchange, e.status, "application/x-amz-json-1.1", JSON.writeValueAsString(error));
            }
        }
    }

    private static JsonNode request(byte[] body) throws ApiError {
        try {
            JsonNode node = JSON.readTree(body.length == 0 ? "{}".getBytes() : body);
            if (!node.isObject()) {
                throw new ApiError(400, "SerializationException", "Start of structure or map found where not expected.");
            }
            return node;
        } catch (JacksonException e) {
            throw new ApiError(400, "SerializationException", "The request body is not valid JSON.");
        }
    }

    private String credentials(Credential caller, JsonNode request, HttpExchange exchange) throws ApiError {
        if (request.has("customDomainName")) {
            throw ApiError.notModelled("Redshift Serverless custom domain names");
        }
        String workgroup = request.path("workgroupName").asString("");
        if (!workgroup.matches("[a-z0-9-]{3,64}")) {
            throw validation("workgroupName", "must be 3 to 64 lowercase letters, digits or hyphens");
        }
        // Looked up in the caller's own account: workgroups have no resource policies to share them.
        if (!workgroup.equals(cluster.workgroup()) || !caller.principal().account().equals(cluster.account())) {
            throw new ApiError(400, "ResourceNotFoundException", "Workgroup " + workgroup + " not found.");
        }
        JsonNode requested = request.path("durationSeconds");
        if (!requested.isMissingNode() && !requested.isIntegralNumber()) {
            throw new ApiError(400, "SerializationException", "durationSeconds must be an integer.");
        }
        long seconds = requested.isMissingNode() ? TemporaryLogins.MIN_SECONDS : requested.asLong();
        JsonNode database = request.path("dbName");
        if (!database.isMissingNode() && !(database.isString() && database.asString().matches("[A-Za-z][A-Za-z0-9_+.@-]{0,63}"))) {
            throw validation("dbName", "must be 1 to 64 characters, a letter followed by letters, digits, or _ + . @ -");
        }
        if (seconds < TemporaryLogins.MIN_SECONDS || seconds > TemporaryLogins.MAX_SECONDS) {
            throw validation("durationSeconds", "must be between " + TemporaryLogins.MIN_SECONDS + " and " + TemporaryLogins.MAX_SECONDS);
        }
        String resource = cluster.workgroupArn();
        RequestContext context = iam.globalContext(caller, false, exchange.getRemoteAddress().getAddress().getHostAddress(),
                cluster.region()).build();
        AccessDecision d = iam.authorize(caller.identity(), "redshift-serverless:GetCredentials", resource, context,
                Iam.Owner.withoutPolicy(cluster.account()));
        if (!d.allowed()) {
            throw new ApiError(400, "AccessDeniedException", d.message(caller.principal(), "redshift-serverless:GetCredentials",
                    resource, false));
        }
        String user = TemporaryLogins.databaseUserOf(caller.principal());
        Duration duration = Duration.ofSeconds(seconds);
        TemporaryLogins.Issued issued = logins.issue(TemporaryLogins.WORKGROUP, user,
                database.isMissingNode() ? Optional.empty() : Optional.of(database.asString()), user, true, List.of(), duration);
        ObjectNode out = JSON.createObjectNode();
        out.put("dbUser", user);
        out.put("dbPassword", issued.password());
        out.put("expiration", issued.expires().getEpochSecond());
        out.put("nextRefreshTime", issued.expires().getEpochSecond());
        return JSON.writeValueAsString(out);
    }

    private static ApiError validation(String member, String constraint) {
        return new ApiError(400, "ValidationException", member + " " + constraint + ".");
    }

    @Override
    public void close() {
        server.close();
    }
}
