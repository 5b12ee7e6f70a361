package dev.stageway.testkit.iam;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An IAM policy document in real IAM JSON: identity policies (Action, Resource), trust and
 * bucket policies (Principal), and the string condition operators the sandbox needs
 * ({@code StringEquals}, {@code StringNotEquals}, {@code StringLike}, {@code StringNotLike},
 * {@code StringEqualsIgnoreCase}).
 */
public final class Policy {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Statement(boolean allow, List<String> actions, List<String> resources, List<String> principals,
                             Map<String, Map<String, List<String>>> conditions) {
    }

    private final List<Statement> statements;
    private final String json;

    private Policy(List<Statement> statements, String json) {
        this.statements = statements;
        this.json = json;
    }

    public static Policy parse(String json) {
        return parse(JSON.readTree(json));
    }

    public static Policy parse(JsonNode document) {
        List<Statement> statements = new ArrayList<>();
        JsonNode st = document.path("Statement");
        for (JsonNode s : st.isArray() ? st : List.of(st)) {
            String effect = s.path("Effect").asString("");
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                throw new IllegalArgumentException("MalformedPolicyDocument: Effect must be Allow or Deny, was '" + effect + "'");
            }
            Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> op : s.path("Condition").properties()) {
                Map<String, List<String>> keys = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> key : op.getValue().properties()) {
                    keys.put(key.getKey(), strings(key.getValue()));
                }
                conditions.put(op.getKey(), keys);
            }
            statements.add(new Statement(effect.equals("Allow"), strings(s.path("Action")), strings(s.path("Resource")),
                    principals(s.path("Principal")), conditions));
        }
        return new Policy(List.copyOf(statements), document.toString());
    }

    private static List<String> principals(JsonNode p) {
        if (p.isMissingNode()) {
            return List.of();
        }
        if (p.isString()) {
            return List.of(p.asString());   // "*"
        }
        List<String> out = new ArrayList<>(strings(p.path("AWS")));
        strings(p.path("Service")).forEach(s -> out.add("service:" + s));
        return out;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asString()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.asString());
        }
        return out;
    }

    /**
     * Evaluates the policy for one request.
     *
     * @param principal who asks; checked against Principal elements (null for identity policies)
     * @param context   condition keys such as {@code sts:ExternalId}
     */
    public Decision evaluate(String action, String resource, Principal principal, Map<String, String> context) {
        Decision decision = Decision.NOT_APPLICABLE;
        for (Statement s : statements) {
            if (!s.actions().stream().anyMatch(a -> Wildcards.matches(a, action, true))) {
                continue;
            }
            if (!s.resources().isEmpty() && !s.resources().stream().anyMatch(r -> Wildcards.matches(r, resource, false))) {
                continue;
            }
            if (!s.principals().isEmpty() && (principal == null
                    || s.principals().stream().noneMatch(p -> principalMatches(p, principal)))) {
                continue;
            }
            if (!conditionsHold(s.conditions(), context)) {
                continue;
            }
            decision = decision.and(s.allow() ? Decision.ALLOW : Decision.DENY);
        }
        return decision;
    }

    /** True when a statement that allows names this exact principal ARN (not just its account). */
    public boolean namesPrincipalExactly(Principal principal) {
        return statements.stream().filter(Statement::allow).flatMap(s -> s.principals().stream())
                .anyMatch(p -> p.equals(principal.arn()) || principal.roleArn().map(p::equals).orElse(false));
    }

    private static boolean principalMatches(String p, Principal who) {
        if (p.equals("*")) {
            return true;
        }
        if (p.matches("\\d{12}") || p.endsWith(":root")) {
            String account = p.matches("\\d{12}") ? p : p.split(":")[4];
            return account.equals(who.account());
        }
        return p.equals(who.arn()) || who.roleArn().map(p::equals).orElse(false);
    }

    private static boolean conditionsHold(Map<String, Map<String, List<String>>> conditions, Map<String, String> context) {
        for (Map.Entry<String, Map<String, List<String>>> op : conditions.entrySet()) {
            for (Map.Entry<String, List<String>> key : op.getValue().entrySet()) {
                String actual = context.get(key.getKey());
                if (!holds(op.getKey(), actual, key.getValue())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, String actual, List<String> expected) {
        switch (operator) {
            case "StringEquals":
                return actual != null && expected.contains(actual);
            case "StringEqualsIgnoreCase":
                return actual != null && expected.stream().anyMatch(actual::equalsIgnoreCase);
            case "StringNotEquals":
                return actual == null || !expected.contains(actual);
            case "StringLike":
                return actual != null && expected.stream().anyMatch(e -> Wildcards.matches(e, actual, false));
            case "StringNotLike":
                return actual == null || expected.stream().noneMatch(e -> Wildcards.matches(e, actual, false));
            default:
                throw new IllegalArgumentException("the sandbox does not evaluate condition operator " + operator);
        }
    }

    @Override
    public String toString() {
        return json;
    }
}
