package dev.stageway.testkit.iam;

/**
 * Whether a request is allowed, and if not, AWS's kind of explanation.
 *
 * @param reason empty when allowed
 */
public record AccessDecision(boolean allowed, String reason) {
    static final AccessDecision ALLOWED = new AccessDecision(true, "");

    static AccessDecision denied(String reason) {
        return new AccessDecision(false, reason);
    }
}
