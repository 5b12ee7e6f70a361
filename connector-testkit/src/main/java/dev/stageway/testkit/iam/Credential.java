package dev.stageway.testkit.iam;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A key pair the sandbox knows: an IAM user's permanent keys, or temporary keys of a role
 * session that are valid only with their session token and only until they expire.
 *
 * @param policies every policy must allow a request (a role's policies, then a session policy)
 */
public record Credential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
                         Optional<Instant> expiration, Principal principal, List<List<Policy>> policies) {

    public boolean isTemporary() {
        return sessionToken.isPresent();
    }

    public boolean expiredAt(Instant now) {
        return expiration.map(e -> !now.isBefore(e)).orElse(false);
    }

    @Override
    public String toString() {
        return "Credential[" + accessKeyId + " of " + principal.arn() + "]";
    }
}
