package dev.stageway.testkit.iam;

import java.util.List;
import java.util.Optional;

/**
 * A principal with the policies that speak for it: a user's or role's identity policies, and for
 * a role session the session policy it was assumed with, which narrows them.
 */
public record Identity(Principal principal, List<Policy> policies, Optional<Policy> sessionPolicy) {

    public Identity {
        policies = List.copyOf(policies);
    }

    /** An AWS service acting on its own: it has no identity policies, only what resource policies grant it. */
    public static Identity service(String name) {
        return new Identity(Principal.service(name), List.of(), Optional.empty());
    }

    public static Identity anonymous() {
        return new Identity(Principal.anonymous(), List.of(), Optional.empty());
    }
}
