package dev.stageway.testkit.iam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who makes a request: an IAM user, a session of a role (assumed through STS, or served by IMDS
 * to an instance), an AWS service acting on its own (Redshift assuming a cluster's role), or
 * nobody (an unsigned request).
 *
 * @param arn     the user ARN, the assumed-role ARN {@code arn:aws:sts::<account>:assumed-role/<role>/<session>},
 *                or the service's name
 * @param account the 12-digit account; empty for a service or anonymous caller
 * @param roleArn for a role session, the role's ARN
 * @param userId  what {@code aws:userid} holds: the user's unique id, or {@code <role id>:<session name>}
 * @param session for a role session, what STS gave it: tags and source identity
 */
public record Principal(Type type, String arn, String account, Optional<String> roleArn, String userId, Session session) {

    /**
     * What a role session carries beyond its role: session tags ({@code aws:PrincipalTag/<key>}),
     * which of them pass on to sessions it assumes, and the source identity it was given.
     */
    public record Session(Map<String, String> tags, Set<String> transitiveTagKeys, Optional<String> sourceIdentity) {
        public static final Session NONE = new Session(Map.of(), Set.of(), Optional.empty());

        public Session {
            tags = Map.copyOf(tags);
            transitiveTagKeys = Set.copyOf(transitiveTagKeys);
        }

        /** The tags a session assumed from this one inherits. */
        public Map<String, String> transitiveTags() {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            tags.forEach((k, v) -> {
                if (transitiveTagKeys.contains(k)) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }

    public enum Type {
        USER("User"), ASSUMED_ROLE("AssumedRole"), SERVICE("AWSService"), ANONYMOUS("Anonymous");

        final String contextValue;

        Type(String contextValue) {
            this.contextValue = contextValue;
        }
    }

    public static Principal user(String account, String name) {
        String arn = "arn:aws:iam::" + account + ":user/" + name;
        return new Principal(Type.USER, arn, account, Optional.empty(), uniqueId("AIDA", arn), Session.NONE);
    }

    public static Principal roleSession(Role role, String sessionName, Session session) {
        return new Principal(Type.ASSUMED_ROLE, "arn:aws:sts::" + role.account() + ":assumed-role/" + role.name() + "/" + sessionName,
                role.account(), Optional.of(role.arn()), role.uniqueId() + ":" + sessionName, session);
    }

    /** An AWS service principal such as {@code redshift.amazonaws.com}. */
    public static Principal service(String name) {
        return new Principal(Type.SERVICE, name, "", Optional.empty(), name, Session.NONE);
    }

    public static Principal anonymous() {
        return new Principal(Type.ANONYMOUS, "anonymous", "", Optional.empty(), "anonymous", Session.NONE);
    }

    public boolean isRoleSession() {
        return type == Type.ASSUMED_ROLE;
    }

    /** The global condition keys that describe this principal, as AWS puts them in every request's context. */
    void describe(RequestContext.Builder context) {
        if (type == Type.ANONYMOUS) {
            return;
        }
        context.put("aws:PrincipalIsAWSService", String.valueOf(type == Type.SERVICE));
        if (type == Type.SERVICE) {
            context.put("aws:PrincipalServiceName", arn);
            return;
        }
        context.put("aws:PrincipalArn", roleArn.orElse(arn));   // a session is known by its role's ARN here
        context.put("aws:PrincipalAccount", account);
        context.put("aws:PrincipalType", type.contextValue);
        context.put("aws:userid", userId);
        if (type == Type.USER) {
            context.put("aws:username", arn.substring(arn.lastIndexOf('/') + 1));
        }
        session.tags().forEach((k, v) -> context.put("aws:PrincipalTag/" + k, v));
        context.put("aws:SourceIdentity", session.sourceIdentity());
    }

    /** A stable unique id like IAM's ({@code AIDA...} for users, {@code AROA...} for roles), derived from the ARN. */
    static String uniqueId(String prefix, String arn) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(arn.getBytes(StandardCharsets.UTF_8));
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            StringBuilder id = new StringBuilder(prefix);
            for (int i = 0; i < 17; i++) {
                id.append(alphabet.charAt((digest[i] & 0xff) % alphabet.length()));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
