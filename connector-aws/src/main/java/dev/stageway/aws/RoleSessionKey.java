package dev.stageway.aws;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What makes two connections able to share one assumed-role session: the same caller, role,
 * External Id, duration, session name, session policy, STS endpoint and trusted certificates. One tenant's
 * External Id never matches another's, so their sessions never mix.
 *
 * @param sourceIdentity who calls AssumeRole; for keys it includes a digest of the secret,
 *                       so a wrong secret never rides on a right one's session
 */
record RoleSessionKey(String sourceIdentity, String roleArn, Optional<String> externalId, Duration duration,
                      String sessionName, Optional<String> sessionPolicy, URI stsEndpoint, Optional<Path> caBundle) {

    @Override
    public String toString() {
        int digest = sourceIdentity.indexOf('#');
        return "RoleSessionKey[" + (digest < 0 ? sourceIdentity : sourceIdentity.substring(0, digest))
                + " -> " + roleArn + (externalId.isPresent() ? " with External Id" : "") + ", " + duration.toSeconds() + " s]";
    }
}
