package dev.stageway.testkit.iam;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An IAM policy document in real IAM JSON, checked as AWS checks it when the policy is stored
 * (which elements the policy's {@link PolicyKind} must and must not have, known condition
 * operators and valid values), and evaluated as IAM evaluates it: Action / NotAction, Resource /
 * NotResource with policy variables, Principal / NotPrincipal, and every condition operator with
 * its {@code IfExists} and {@code ForAnyValue:} / {@code ForAllValues:} forms.
 */
public final class Policy {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT = Set.of("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
            "Principal", "NotPrincipal", "Condition");
    private static final Pattern ACTION = Pattern.compile("\\*|[a-z0-9-]+:[A-Za-z0-9*?]+", Pattern.CASE_INSENSITIVE);
    private static final String CURRENT_VERSION = "2012-10-17";
    private static final String SYNTAX = "Syntax errors in policy.";

    /** The outcome of one policy for one request: an explicit deny, and how directly an Allow names the caller. */
    public record Outcome(boolean denied, Grant grant) {
        static final Outcome NOT_APPLICABLE = new Outcome(false, Grant.NONE);

        public boolean allows() {
            return grant != Grant.NONE;
        }
    }

    private final String name;
    private final List<Statement> statements;
    private final String json;

    private Policy(String name, List<Statement> statements, String json) {
        this.name = name;
        this.statements = statements;
        this.json = json;
    }

    /**
     * Parses and checks a policy document.
     *
     * @param name what the policy is, for messages ("trust policy of role x")
     * @throws MalformedPolicyException when AWS would refuse the document
     * @throws UnsupportedOperationException when it tests a condition key the sandbox does not supply
     */
    public static Policy parse(String name, PolicyKind kind, String json) {
        JsonNode document;
        try {
            document = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new MalformedPolicyException(name, SYNTAX + " (not valid JSON)");
        }
        if (document == null || !document.isObject()) {
            throw new MalformedPolicyException(name, SYNTAX + " (a policy is a JSON object)");
        }
        for (String field : document.propertyNames()) {
            if (!TOP_LEVEL.contains(field)) {
                throw new MalformedPolicyException(name, SYNTAX + " (unknown element " + field + ")");
            }
        }
        String version = document.path("Version").asString(null);
        if (version != null && !version.equals(CURRENT_VERSION) && !version.equals("2008-10-17")) {
            throw new MalformedPolicyException(name, "The policy must contain a valid version string");
        }
        boolean variables = CURRENT_VERSION.equals(version);
        JsonNode st = document.path("Statement");
        if (st.isMissingNode() || st.isNull() || (st.isArray() && st.isEmpty())) {
            throw new MalformedPolicyException(name, "Missing required field Statement");
        }
        List<Statement> statements = new ArrayList<>();
        Set<String> sids = new HashSet<>();
        for (JsonNode s : st.isArray() ? st : List.of(st)) {
            Statement parsed = statement(name, kind, s, variables);
            if (!parsed.sid().isEmpty() && !sids.add(parsed.sid())) {
                throw new MalformedPolicyException(name, "Statement IDs (SID) in a single policy must be unique.");
            }
            statements.add(parsed);
        }
        return new Policy(name, List.copyOf(statements), document.toString());
    }

    private static Statement statement(String name, PolicyKind kind, JsonNode s, boolean variables) {
        if (!s.isObject()) {
            throw new MalformedPolicyException(name, SYNTAX + " (a statement is a JSON object)");
        }
        for (String field : s.propertyNames()) {
            if (!STATEMENT.contains(field)) {
                throw new MalformedPolicyException(name, SYNTAX + " (unknown element " + field + ")");
            }
        }
        String sid = s.path("Sid").asString("");
        String effect = s.path("Effect").asString("");
        if (!effect.equals("Allow") && !effect.equals("Deny")) {
            throw new MalformedPolicyException(name, s.has("Effect") ? "Invalid effect: " + effect : "Missing required field Effect");
        }
        List<String> actions = exactlyOne(name, s, "Action", "NotAction", "Policy statement must contain actions.");
        for (String a : actions) {
            if (!ACTION.matcher(a).matches()) {
                throw new MalformedPolicyException(name, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (" + a + ")");
            }
        }
        boolean trust = kind == PolicyKind.TRUST;
        boolean resourceBased = kind == PolicyKind.RESOURCE || trust;
        if (trust && (s.has("Resource") || s.has("NotResource"))) {
            throw new MalformedPolicyException(name, "Has prohibited field " + (s.has("Resource") ? "Resource" : "NotResource"));
        }
        if (!resourceBased && (s.has("Principal") || s.has("NotPrincipal"))) {
            throw new MalformedPolicyException(name, "Policy document should not specify a principal.");
        }
        List<String> resources = trust ? null : exactlyOne(name, s, "Resource", "NotResource",
                "Policy statement must contain resources.");
        if (resources != null) {
            for (String r : resources) {
                if (!r.equals("*") && !r.startsWith("arn:")) {
                    throw new MalformedPolicyException(name, "Resource " + r + " must be in ARN format or \"*\".");
                }
            }
        }
        List<PrincipalPattern> principals = null;
        if (resourceBased) {
            if (!s.has("Principal") && !s.has("NotPrincipal")) {
                throw new MalformedPolicyException(name, "Missing required field Principal");
            }
            if (s.has("Principal") && s.has("NotPrincipal")) {
                throw new MalformedPolicyException(name, SYNTAX + " (both Principal and NotPrincipal)");
            }
            if (trust && s.has("NotPrincipal")) {
                throw new MalformedPolicyException(name, "NotPrincipal is not supported in a role trust policy");
            }
            if (trust && s.path("Principal").isString()) {
                throw new MalformedPolicyException(name, "AssumeRolepolicy contained an invalid principal: \"STAR\":\"*\".");
            }
            principals = principals(name, s.has("Principal") ? s.path("Principal") : s.path("NotPrincipal"));
        }
        return new Statement(sid, effect.equals("Allow"), actions, s.has("NotAction"), resources, s.has("NotResource"),
                principals, s.has("NotPrincipal"), conditions(name, s.path("Condition"), variables), variables);
    }

    /** The values of exactly one of two alternative elements (Action or NotAction, Resource or NotResource). */
    private static List<String> exactlyOne(String name, JsonNode s, String field, String notField, String missing) {
        if (s.has(field) && s.has(notField)) {
            throw new MalformedPolicyException(name, SYNTAX + " (both " + field + " and " + notField + ")");
        }
        JsonNode node = s.has(field) ? s.path(field) : s.path(notField);
        List<String> values = strings(node);
        if (values.isEmpty()) {
            throw new MalformedPolicyException(name, missing);
        }
        return values;
    }

    private static List<PrincipalPattern> principals(String name, JsonNode p) {
        if (p.isString()) {
            if (!p.asString().equals("*")) {
                throw new MalformedPolicyException(name, "Invalid principal in policy: " + p);
            }
            return List.of(new PrincipalPattern(PrincipalPattern.Kind.ANYONE, "*"));
        }
        if (!p.isObject() || p.isEmpty()) {
            throw new MalformedPolicyException(name, "Invalid principal in policy: " + p);
        }
        List<PrincipalPattern> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            List<String> values = strings(e.getValue());
            if (values.isEmpty()) {
                throw new MalformedPolicyException(name, "Invalid principal in policy: " + p);
            }
            for (String v : values) {
                PrincipalPattern pattern = switch (e.getKey()) {
                    case "AWS" -> PrincipalPattern.aws(v).orElseThrow(() ->
                            new MalformedPolicyException(name, "Invalid principal in policy: \"AWS\":\"" + v + "\""));
                    case "Service" -> new PrincipalPattern(PrincipalPattern.Kind.SERVICE, v);
                    case "Federated" -> new PrincipalPattern(PrincipalPattern.Kind.FEDERATED, v);
                    case "CanonicalUser" -> new PrincipalPattern(PrincipalPattern.Kind.CANONICAL_USER, v);
                    default -> throw new MalformedPolicyException(name, "Invalid principal in policy: " + e.getKey());
                };
                out.add(pattern);
            }
        }
        return List.copyOf(out);
    }

    private static List<Condition> conditions(String name, JsonNode block, boolean variables) {
        if (block.isMissingNode()) {
            return List.of();
        }
        if (!block.isObject()) {
            throw new MalformedPolicyException(name, SYNTAX + " (Condition is a JSON object)");
        }
        List<Condition> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> op : block.properties()) {
            if (!op.getValue().isObject()) {
                throw new MalformedPolicyException(name, SYNTAX + " (condition " + op.getKey() + " is a JSON object)");
            }
            for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                if (!ConditionKeys.modelled(key.getKey())) {
                    throw new UnsupportedOperationException(name + ": the sandbox does not supply condition key " + key.getKey()
                            + ", so it cannot evaluate this policy as AWS would");
                }
                try {
                    out.add(Condition.parse(op.getKey(), key.getKey(), strings(key.getValue()), variables));
                } catch (IllegalArgumentException e) {
                    throw new MalformedPolicyException(name, e.getMessage());
                }
            }
        }
        return List.copyOf(out);
    }

    /** A string, number or boolean, or an array of them, as strings. */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asString()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.asString());
        }
        return out;
    }

    /** Evaluates the policy for one request: any matching Deny denies; the most direct matching Allow is the grant. */
    public Outcome evaluate(AccessRequest request) {
        boolean denied = false;
        Grant grant = Grant.NONE;
        for (Statement s : statements) {
            Optional<Grant> applies = s.appliesTo(request);
            if (applies.isEmpty()) {
                continue;
            }
            if (s.allow()) {
                grant = grant.max(applies.get());
            } else {
                denied = true;
            }
        }
        return denied || grant != Grant.NONE ? new Outcome(denied, grant) : Outcome.NOT_APPLICABLE;
    }

    /** What the policy is, as given when it was parsed. */
    public String name() {
        return name;
    }

    /** The document as stored. */
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
