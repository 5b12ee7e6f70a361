package dev.stageway.testkit.redshift;

import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The temporary database logins the Redshift APIs issued: a login name and password that the
 * cluster (or the workgroup) accepts until they expire, each standing for a database user, who
 * may have to be created at first login and may join groups for the session.
 */
final class TemporaryLogins {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One issued login.
     *
     * @param endpoint     {@link #CLUSTER} or {@link #WORKGROUP}: where the password is accepted
     * @param database     the only database it logs in to, when the request named one
     * @param databaseUser the user the session runs as
     * @param create       whether that user is created at login when missing
     * @param groups       groups the user joins at login
     */
    record Login(String endpoint, String loginName, Optional<String> database, String databaseUser, boolean create, List<String> groups,
                 Instant expires) {
        Login {
            groups = List.copyOf(groups);
        }
    }

    static final String CLUSTER = "cluster";
    static final String WORKGROUP = "workgroup";

    private final Iam iam;
    private final ConcurrentMap<String, Login> byPassword = new ConcurrentHashMap<>();

    TemporaryLogins(Iam iam) {
        this.iam = iam;
    }

    /** A password issued, and when it expires. */
    record Issued(String password, Instant expires) {
        @Override
        public String toString() {
            return "Issued[until " + expires + "]";
        }
    }

    /** Issues a password for {@code loginName}, valid {@code duration} from now. */
    Issued issue(String endpoint, String loginName, Optional<String> database, String databaseUser, boolean create, List<String> groups,
                 Duration duration) {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        String password = Base64.getEncoder().encodeToString(bytes);
        Instant expires = iam.now().plus(duration).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        byPassword.put(password, new Login(endpoint, loginName, database, databaseUser, create, groups, expires));
        iam.issued(password);
        return new Issued(password, expires);
    }

    /**
     * The login {@code loginName} with {@code password} stands for at {@code endpoint} in
     * {@code database}, if it was issued for them and has not expired.
     */
    Optional<Login> check(String endpoint, String loginName, String database, String password) {
        Login login = byPassword.get(password);
        if (login == null || !login.endpoint().equals(endpoint) || !login.loginName().equals(loginName)
                || !login.database().map(database::equals).orElse(true)) {
            return Optional.empty();
        }
        return iam.now().isBefore(login.expires()) ? Optional.of(login) : Optional.empty();
    }

    /**
     * The database user an IAM identity logs in as with GetClusterCredentialsWithIAM or
     * Serverless GetCredentials: {@code IAM:<user name>} for a user, {@code IAMR:<role name>} for
     * a session of a role, whatever the session's name.
     */
    static String databaseUserOf(Principal principal) {
        String arn = principal.roleArn().orElse(principal.arn());
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        return (principal.isRoleSession() ? "IAMR:" : "IAM:") + name;
    }

    /** Redshift's limits on a temporary password's life. */
    static final long MIN_SECONDS = 900;
    static final long MAX_SECONDS = 3600;
}
