package dev.stageway.testkit.iam;

import java.util.List;
import java.util.Optional;

/**
 * One statement of a policy. {@code resources} is null when the statement has neither Resource nor
 * NotResource (trust policies), {@code principals} likewise (identity and session policies).
 */
record Statement(String sid, boolean allow, List<String> actions, boolean notAction, List<String> resources,
                 boolean notResource, List<PrincipalPattern> principals, boolean notPrincipal, List<Condition> conditions,
                 boolean variables) {

    /** How this statement applies to {@code request}: empty when it does not, else the grant (for a Deny, any). */
    Optional<Grant> appliesTo(AccessRequest request) {
        if (actions.stream().anyMatch(a -> Wildcards.matches(a, request.action(), true)) == notAction) {
            return Optional.empty();
        }
        if (resources != null && resources.stream().anyMatch(r -> resourceMatches(r, request)) == notResource) {
            return Optional.empty();
        }
        Grant grant = Grant.PRINCIPAL;
        if (principals != null && notPrincipal) {
            if (PrincipalPattern.exempts(principals, request.principal())) {
                return Optional.empty();
            }
        } else if (principals != null) {
            Grant named = Grant.NONE;
            for (PrincipalPattern p : principals) {
                named = named.max(p.names(request.principal()));
            }
            if (named == Grant.NONE) {
                return Optional.empty();
            }
            grant = named;
        }
        for (Condition c : conditions) {
            if (!c.holds(request.context())) {
                return Optional.empty();
            }
        }
        return Optional.of(grant);
    }

    private boolean resourceMatches(String pattern, AccessRequest request) {
        if (!variables) {
            return Wildcards.matches(pattern, request.resource(), false);
        }
        return Wildcards.substitute(pattern, request.context()).map(g -> Wildcards.matches(g, request.resource(), false)).orElse(false);
    }
}
