package dev.stageway.testkit.sts;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.Role;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * STS on loopback: AssumeRole and GetCallerIdentity over the query protocol, with SigV4
 * checking, session tokens, trust policies with {@code sts:ExternalId} conditions and
 * AWS's DurationSeconds rules, answering with AWS's error codes and messages.
 */
public final class StsStandIn implements AutoCloseable {
    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final long ROLE_CHAINING_LIMIT = 3600;

    private final Iam iam;
    private final LoopbackServer server;

    /** An error answered the way STS answers it. */
    private static final class StsError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        StsError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    public StsStandIn(Iam iam) throws IOException {
        this.iam = iam;
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
                Credential caller = authenticate(exchange, body);
                String action = params.getOrDefault("Action", "");
                iam.count("sts:" + action + " " + caller.principal().arn());
                xml = switch (action) {
                    case "AssumeRole" -> assumeRole(caller, params, requestId);
                    case "GetCallerIdentity" -> callerIdentity(caller, requestId);
                    default -> throw new StsError(400, "InvalidAction", "Could not find operation " + action + " for version 2011-06-15");
                };
                LoopbackServer.send(exchange, 200, "text/xml", xml);
            } catch (StsError e) {
                LoopbackServer.send(exchange, e.status, "text/xml", "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + e.code
                        + "</Code><Message>" + escape(e.getMessage()) + "</Message></Error><RequestId>" + requestId
                        + "</RequestId></ErrorResponse>");
            }
        }
    }

    private Credential authenticate(HttpExchange exchange, byte[] body) throws StsError {
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        SigV4.Authorization auth = SigV4.parse(header).orElseThrow(() ->
                new StsError(403, "MissingAuthenticationToken", "Request is missing Authentication Token"));
        Credential caller = iam.credential(auth.accessKeyId()).orElseThrow(() ->
                new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid."));
        if (!SigV4.verify(auth, caller.secretAccessKey(), exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers, body)) {
            throw new StsError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                    + "you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        Instant signedAt = amzDate == null ? Instant.EPOCH
                : Instant.from(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX").parse(amzDate));
        if (Duration.between(signedAt, iam.now()).abs().compareTo(MAX_SKEW) > 0) {
            throw new StsError(403, "SignatureDoesNotMatch", "Signature expired: " + amzDate + " is now earlier than the allowed skew");
        }
        if (caller.isTemporary()) {
            String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
            if (token == null || !token.equals(caller.sessionToken().get())) {
                throw new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
            }
            if (caller.expiredAt(iam.now())) {
                throw new StsError(400, "ExpiredToken", "The security token included in the request is expired");
            }
        }
        return caller;
    }

    private String assumeRole(Credential caller, Map<String, String> params, String requestId) throws StsError {
        String roleArn = params.getOrDefault("RoleArn", "");
        String sessionName = params.getOrDefault("RoleSessionName", "");
        Optional<String> externalId = Optional.ofNullable(params.get("ExternalId"));
        long duration = 3600;
        if (params.containsKey("DurationSeconds")) {
            try {
                duration = Long.parseLong(params.get("DurationSeconds"));
            } catch (NumberFormatException e) {
                throw validation(params.get("DurationSeconds"), "durationSeconds", "Member must be a number");
            }
        }
        if (roleArn.length() < 20 || roleArn.length() > 2048) {
            throw validation(roleArn, "roleArn", "Member must have length greater than or equal to 20");
        }
        if (sessionName.length() < 2 || sessionName.length() > 64) {
            throw validation(sessionName, "roleSessionName", sessionName.length() < 2
                    ? "Member must have length greater than or equal to 2" : "Member must have length less than or equal to 64");
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw validation(sessionName, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        if (duration < 900) {
            throw validation(String.valueOf(duration), "durationSeconds", "Member must have value greater than or equal to 900");
        }
        if (duration > 43200) {
            throw validation(String.valueOf(duration), "durationSeconds", "Member must have value less than or equal to 43200");
        }
        if (externalId.isPresent()) {
            String id = externalId.get();
            if (id.length() < 2 || id.length() > 1224) {
                throw validation(id, "externalId", id.length() < 2 ? "Member must have length greater than or equal to 2"
                        : "Member must have length less than or equal to 1224");
            }
            if (!EXTERNAL_ID.matcher(id).matches()) {
                throw validation(id, "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
            }
        }
        Optional<Policy> sessionPolicy = Optional.empty();
        if (params.containsKey("Policy")) {
            try {
                sessionPolicy = Optional.of(Policy.parse(params.get("Policy")));
            } catch (RuntimeException e) {
                throw new StsError(400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.");
            }
        }
        Optional<Role> role = iam.role(roleArn);
        Map<String, String> context = new LinkedHashMap<>();
        externalId.ifPresent(id -> context.put("sts:ExternalId", id));
        context.put("aws:PrincipalArn", caller.principal().roleArn().orElse(caller.principal().arn()));
        context.put("aws:PrincipalAccount", caller.principal().account());
        AccessDecision decision = role.map(r -> iam.authorizeAssumeRole(caller, r, context))
                .orElseGet(() -> new AccessDecision(false, "User: " + caller.principal().arn()
                        + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn));
        if (!decision.allowed()) {
            throw new StsError(403, "AccessDenied", decision.reason());
        }
        if (duration > role.get().maxSessionDuration().toSeconds()) {
            throw new StsError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        if (caller.principal().isRoleSession() && duration > ROLE_CHAINING_LIMIT) {
            throw new StsError(400, "ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        Credential issued = iam.issueSession(role.get(), sessionName, Duration.ofSeconds(duration), sessionPolicy);
        return "<AssumeRoleResponse xmlns=\"" + NS + "\"><AssumeRoleResult><Credentials>"
                + "<AccessKeyId>" + issued.accessKeyId() + "</AccessKeyId>"
                + "<SecretAccessKey>" + escape(issued.secretAccessKey()) + "</SecretAccessKey>"
                + "<SessionToken>" + escape(issued.sessionToken().get()) + "</SessionToken>"
                + "<Expiration>" + issued.expiration().get().truncatedTo(ChronoUnit.MILLIS) + "</Expiration>"
                + "</Credentials><AssumedRoleUser><Arn>" + issued.principal().arn() + "</Arn>"
                + "<AssumedRoleId>AROA" + Math.abs(roleArn.hashCode()) + ":" + sessionName + "</AssumedRoleId></AssumedRoleUser>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
    }

    private static String callerIdentity(Credential caller, String requestId) {
        return "<GetCallerIdentityResponse xmlns=\"" + NS + "\"><GetCallerIdentityResult>"
                + "<Arn>" + caller.principal().arn() + "</Arn><UserId>" + caller.accessKeyId() + "</UserId>"
                + "<Account>" + caller.principal().account() + "</Account></GetCallerIdentityResult>"
                + "<ResponseMetadata><RequestId>" + requestId + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    }

    private static StsError validation(String value, String member, String constraint) {
        return new StsError(400, "ValidationError", "1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: " + constraint);
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
