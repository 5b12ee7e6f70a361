package dev.stageway.testkit.redshift;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import dev.stageway.testkit.api.ApiAuthentication;
import dev.stageway.testkit.api.ApiError;
import dev.stageway.testkit.api.QueryProtocol;
import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.RequestContext;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The Redshift API's temporary database credentials, on loopback over the query protocol:
 * GetClusterCredentials (a named database user, optionally created and joined to groups) and
 * GetClusterCredentialsWithIAM (the user named after the caller's IAM identity), signed with
 * SigV4 for {@code redshift} and authorised by IAM on the resources Redshift defines. Other
 * actions are refused as not modelled.
 */
final class ClusterCredentialsApi implements AutoCloseable {
    private static final String NS = "http://redshift.amazonaws.com/doc/2012-12-01/";
    /** Database user, database and group names: a letter, then letters, digits, _ + . @ -; at most 64. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_+.@-]{0,63}");

    private final RedshiftStandIn cluster;
    private final TemporaryLogins logins;
    private final Iam iam;
    private final ApiAuthentication authentication;
    private final LoopbackServer server;

    ClusterCredentialsApi(RedshiftStandIn cluster, TemporaryLogins logins) throws IOException {
        this.cluster = cluster;
        this.logins = logins;
        this.iam = cluster.iam();
        this.authentication = new ApiAuthentication(iam, cluster.region(), "redshift");
        this.server = new LoopbackServer("sandbox-redshift-api", 2, this::handle);
    }

    URI endpoint() {
        return server.endpoint();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> params = QueryProtocol.parameters(exchange, body);
            try {
                Credential caller = authentication.authenticate(exchange, body);
                String action = params.getOrDefault("Action", "");
                iam.count("redshift:" + action + " " + caller.principal().arn());
                String result = switch (action) {
                    case "GetClusterCredentials" -> clusterCredentials(caller, params, exchange);
                    case "GetClusterCredentialsWithIAM" -> credentialsWithIam(caller, params, exchange);
                    default -> throw ApiError.notModelled("Redshift " + action);
                };
                LoopbackServer.send(exchange, 200, "text/xml", "<" + action + "Response xmlns=\"" + NS + "\"><" + action + "Result>"
                        + result + "</" + action + "Result><ResponseMetadata><RequestId>" + requestId
                        + "</RequestId></ResponseMetadata></" + action + "Response>");
            } catch (ApiError e) {
                QueryProtocol.sendError(exchange, NS, e, requestId);
            }
        }
    }

    private String clusterCredentials(Credential caller, Map<String, String> params, HttpExchange exchange) throws ApiError {
        checkCluster(caller, params);
        String user = name(params, "DbUser").orElseThrow(() -> missing("DbUser"));
        Optional<String> database = name(params, "DbName");
        Duration duration = duration(params);
        boolean create = Boolean.parseBoolean(params.getOrDefault("AutoCreate", "false"));
        List<String> groups = new ArrayList<>();
        for (int i = 1; params.containsKey("DbGroups.DbGroup." + i); i++) {
            String group = params.get("DbGroups.DbGroup." + i);
            if (!NAME.matcher(group).matches() || !group.equals(group.toLowerCase(Locale.ROOT))) {
                throw invalid("DbGroups", group);
            }
            groups.add(group);
        }
        RequestContext context = context(caller, exchange, duration).put("redshift:DbUser", user)
                .put("redshift:DbName", database).build();
        authorize(caller, "redshift:GetClusterCredentials", cluster.resourceArn("dbuser", user), context);
        if (database.isPresent()) {
            authorize(caller, "redshift:GetClusterCredentials", cluster.resourceArn("dbname", database.get()), context);
        }
        if (create) {
            authorize(caller, "redshift:CreateClusterUser", cluster.resourceArn("dbuser", user), context);
        }
        for (String group : groups) {
            authorize(caller, "redshift:JoinGroup", cluster.resourceArn("dbgroup", group), context);
        }
        String login = (create ? "IAMA:" : "IAM:") + user + (groups.isEmpty() ? "" : ":" + String.join(":", groups));
        return credentials(login, database, user, create, groups, duration, false);
    }

    private String credentialsWithIam(Credential caller, Map<String, String> params, HttpExchange exchange) throws ApiError {
        checkCluster(caller, params);
        String database = name(params, "DbName").orElse(RedshiftStandIn.DATABASE);
        Duration duration = duration(params);
        RequestContext context = context(caller, exchange, duration).put("redshift:DbName", database).build();
        authorize(caller, "redshift:GetClusterCredentialsWithIAM", cluster.resourceArn("dbname", database), context);
        String user = TemporaryLogins.databaseUserOf(caller.principal());
        return credentials(user, Optional.of(database), user, true, List.of(), duration, true);
    }

    private String credentials(String login, Optional<String> database, String user, boolean create, List<String> groups,
                               Duration duration, boolean withRefresh) {
        TemporaryLogins.Issued issued = logins.issue(TemporaryLogins.CLUSTER, login, database, user, create, groups, duration);
        return "<DbUser>" + QueryProtocol.escape(login) + "</DbUser><DbPassword>" + QueryProtocol.escape(issued.password())
                + "</DbPassword><Expiration>" + issued.expires() + "</Expiration>"
                + (withRefresh ? "<NextRefreshTime>" + issued.expires() + "</NextRefreshTime>" : "");
    }

    /** Redshift looks the cluster up in the caller's own account: clusters have no resource policies to share them. */
    private void checkCluster(Credential caller, Map<String, String> params) throws ApiError {
        String id = params.get("ClusterIdentifier");
        if (params.containsKey("CustomDomainName")) {
            throw ApiError.notModelled("Redshift custom domain names");
        }
        if (id == null || !id.equals(cluster.identifier()) || !caller.principal().account().equals(cluster.account())) {
            throw new ApiError(404, "ClusterNotFound", "Cluster " + (id == null ? "" : id) + " not found.");
        }
    }

    private RequestContext.Builder context(Credential caller, HttpExchange exchange, Duration duration) {
        return iam.globalContext(caller, false, exchange.getRemoteAddress().getAddress().getHostAddress(), cluster.region())
                .put("redshift:DurationSeconds", String.valueOf(duration.toSeconds()));
    }

    private void authorize(Credential caller, String action, String resource, RequestContext context) throws ApiError {
        AccessDecision d = iam.authorize(caller.identity(), action, resource, context, Iam.Owner.withoutPolicy(cluster.account()));
        if (!d.allowed()) {
            throw new ApiError(403, "AccessDenied", d.message(caller.principal(), action, resource, false));
        }
    }


    private static Optional<String> name(Map<String, String> params, String parameter) throws ApiError {
        String value = params.get(parameter);
        if (value == null) {
            return Optional.empty();
        }
        if (!NAME.matcher(value).matches() || value.equalsIgnoreCase("public")) {
            throw invalid(parameter, value);
        }
        return Optional.of(value);
    }

    private static Duration duration(Map<String, String> params) throws ApiError {
        String value = params.getOrDefault("DurationSeconds", String.valueOf(TemporaryLogins.MIN_SECONDS));
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= TemporaryLogins.MIN_SECONDS && seconds <= TemporaryLogins.MAX_SECONDS) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // answered below, as out of range
        }
        throw new ApiError(400, "InvalidParameterValue", "Token duration must be between " + TemporaryLogins.MIN_SECONDS
                + " and " + TemporaryLogins.MAX_SECONDS + " seconds");
    }

    private static ApiError invalid(String parameter, String value) {
        return new ApiError(400, "InvalidParameterValue", parameter + " '" + value + "' is not valid: it must be 1 to 64 "
                + "characters, a letter followed by letters, digits, or _ + . @ -" + (parameter.equals("DbGroups") ? ", lowercase" : "")
                + ", and not PUBLIC.");
    }

    private static ApiError missing(String parameter) {
        return new ApiError(400, "MissingParameter", "The request must contain the parameter " + parameter);
    }

    @Override
    public void close() {
        server.close();
    }
}
