package dev.stageway.testkit.iam;

import java.time.Instant;
import java.util.Optional;

/**
 * A key pair the sandbox knows: an IAM user's permanent keys, or temporary keys of a role
 * session that are valid only with their session token and only until they expire.
 *
 * @param issuedAt for temporary keys, when they were issued ({@code aws:TokenIssueTime})
 */
public record Credential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken,
                         Optional<Instant> expiration, Optional<Instant> issuedAt, Identity identity) {

    public Principal principal() {
        return identity.principal();
    }

    public boolean isTemporary() {
        return sessionToken.isPresent();
    }

    public boolean expiredAt(Instant now) {
        return expiration.map(e -> !now.isBefore(e)).orElse(false);
    }

    @Override
    public String toString() {
        return "Credential[" + accessKeyId + " of " + principal().arn() + "]";
    }
}
