package dev.stageway.testkit.iam;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sandbox's IAM: users and their keys, roles, issued temporary credentials, the one place
 * that decides whether a request is allowed, and counters of what each identity asked for.
 * Thread-safe.
 */
public final class Iam {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final Clock clock;
    private final Optional<Duration> lifetimeOverride;
    private final ConcurrentMap<String, Credential> credentials = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Role> roles = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final java.util.Queue<String> otherSecrets = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * The owner's side of a request: the account the resource belongs to and its resource policy.
     *
     * @param policyRequired true where the resource policy must grant access itself (a role's trust
     *                       policy, a KMS key policy); false where identity policies alone suffice
     *                       in the owner's account (an S3 bucket policy)
     * @param trust          the policy is a role's trust policy, which AWS's messages name so
     */
    public record Owner(String account, Optional<Policy> policy, boolean policyRequired, boolean trust) {
        public static Owner bucket(String account, Optional<Policy> policy) {
            return new Owner(account, policy, false, false);
        }

        public static Owner key(String account, Policy keyPolicy) {
            return new Owner(account, Optional.of(keyPolicy), true, false);
        }

        /** A resource that has no resource policy (a Redshift cluster, a workgroup): identity policies of its own account decide. */
        public static Owner withoutPolicy(String account) {
            return new Owner(account, Optional.empty(), false, false);
        }

        public static Owner role(Role role) {
            return new Owner(role.account(), Optional.of(role.trustPolicy()), true, true);
        }

        String policyType() {
            return trust ? "role trust" : "resource-based";
        }
    }

    /**
     * @param lifetimeOverride when present, every temporary credential really lives this long
     *                         (its Expiration says so), whatever duration was asked for; lets tests
     *                         see several sessions in seconds
     */
    public Iam(Clock clock, Optional<Duration> lifetimeOverride) {
        this.clock = clock;
        this.lifetimeOverride = lifetimeOverride;
    }

    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public void addUser(String account, String name, String accessKeyId, String secretAccessKey, List<Policy> policies) {
        Identity identity = new Identity(Principal.user(account, name), policies, Optional.empty());
        credentials.put(accessKeyId, new Credential(accessKeyId, secretAccessKey, Optional.empty(), Optional.empty(),
                Optional.empty(), identity));
    }

    public void addRole(Role role) {
        roles.put(role.arn(), role);
    }

    public Optional<Role> role(String arn) {
        return Optional.ofNullable(roles.get(arn));
    }

    public Optional<Credential> credential(String accessKeyId) {
        return Optional.ofNullable(credentials.get(accessKeyId));
    }

    /**
     * Issues temporary credentials for a session of {@code role}.
     *
     * @param sessionPolicy narrows the role's permissions when present
     * @param session       the session's tags and source identity
     */
    public Credential issueSession(Role role, String sessionName, Duration requested, Optional<Policy> sessionPolicy,
                                   Principal.Session session) {
        Duration lifetime = lifetimeOverride.orElse(requested);
        Instant now = clock.instant();
        Identity identity = new Identity(Principal.roleSession(role, sessionName, session), role.policies(), sessionPolicy);
        Credential c = new Credential("ASIA" + random(16), randomBase64(30), Optional.of(randomBase64(180)),
                Optional.of(now.plus(lifetime)), Optional.of(now), identity);
        credentials.put(c.accessKeyId(), c);
        return c;
    }

    /**
     * IAM's decision for one request. An explicit deny in any policy wins. In the owner's account,
     * identity policies (narrowed by a session policy) or a resource policy naming the caller
     * allow, unless the resource policy is required; across accounts both sides must allow. A
     * resource policy naming a role (or the account) is narrowed by the session policy too; only
     * one naming the session itself is not.
     */
    public AccessDecision authorize(Identity who, String action, String resource, RequestContext context, Owner owner) {
        AccessRequest request = new AccessRequest(who.principal(), action, resource, context);
        Policy.Outcome identity = Policy.Outcome.NOT_APPLICABLE;
        for (Policy p : who.policies()) {
            Policy.Outcome o = p.evaluate(request);
            identity = new Policy.Outcome(identity.denied() || o.denied(), identity.grant().max(o.grant()));
        }
        Optional<Policy.Outcome> session = who.sessionPolicy().map(p -> p.evaluate(request));
        Policy.Outcome onResource = owner.policy().map(p -> p.evaluate(request)).orElse(Policy.Outcome.NOT_APPLICABLE);
        if (identity.denied()) {
            return AccessDecision.denied("with an explicit deny in an identity-based policy");
        }
        if (session.map(Policy.Outcome::denied).orElse(false)) {
            return AccessDecision.denied("with an explicit deny in a session policy");
        }
        if (onResource.denied()) {
            return AccessDecision.denied(owner.trust() ? "with an explicit deny in the role trust policy"
                    : "with an explicit deny in a resource-based policy");
        }
        boolean sessionAllows = session.map(Policy.Outcome::allows).orElse(true);
        boolean identityAllows = identity.allows() && sessionAllows;
        Grant grant = onResource.grant();
        boolean resourceGrants = grant == Grant.SESSION || (grant == Grant.PRINCIPAL && sessionAllows);
        Principal p = who.principal();
        boolean sameAccount = !p.account().isEmpty() && p.account().equals(owner.account());
        boolean allowed;
        if (p.type() == Principal.Type.SERVICE || p.type() == Principal.Type.ANONYMOUS) {
            allowed = resourceGrants;
        } else if (!sameAccount) {
            allowed = identityAllows && grant != Grant.NONE;
        } else if (owner.policyRequired()) {
            allowed = resourceGrants || (grant == Grant.ACCOUNT && identityAllows);
        } else {
            allowed = identityAllows || resourceGrants;
        }
        if (allowed) {
            return AccessDecision.ALLOWED;
        }
        if (!sessionAllows && (identity.allows() || grant == Grant.PRINCIPAL)) {
            return AccessDecision.denied("because no session policy allows the " + action + " action");
        }
        boolean resourceMissing = sameAccount || p.type() == Principal.Type.SERVICE
                ? owner.policyRequired() && !resourceGrants && grant != Grant.ACCOUNT : identityAllows;
        return AccessDecision.denied("because no " + (resourceMissing ? owner.policyType() : "identity-based") + " policy allows the "
                + action + " action");
    }

    /**
     * The global condition keys of a request made by {@code who}: who it is, the time, the
     * transport and source address, the region, and for temporary credentials when they were issued.
     */
    public RequestContext.Builder globalContext(Identity who, Optional<Instant> tokenIssueTime, boolean secureTransport,
                                                String sourceIp, String region) {
        RequestContext.Builder b = RequestContext.builder();
        who.principal().describe(b);
        Instant now = now().truncatedTo(ChronoUnit.SECONDS);
        b.put("aws:CurrentTime", now.toString());
        b.put("aws:EpochTime", String.valueOf(now.getEpochSecond()));
        b.put("aws:SecureTransport", String.valueOf(secureTransport));
        b.put("aws:SourceIp", sourceIp);
        b.put("aws:RequestedRegion", region);
        tokenIssueTime.ifPresent(t -> b.put("aws:TokenIssueTime", t.truncatedTo(ChronoUnit.SECONDS).toString()));
        return b;
    }

    /** {@link #globalContext(Identity, Optional, boolean, String, String)} for a request signed with {@code c}. */
    public RequestContext.Builder globalContext(Credential c, boolean secureTransport, String sourceIp, String region) {
        return globalContext(c.identity(), c.issuedAt(), secureTransport, sourceIp, region);
    }

    /**
     * Every secret key and session token the sandbox knows or issued, and every other secret it
     * issued (temporary database passwords): canaries that must never reach output.
     */
    public List<String> secrets() {
        List<String> out = new ArrayList<>(otherSecrets);
        for (Credential c : credentials.values()) {
            out.add(c.secretAccessKey());
            c.sessionToken().ifPresent(out::add);
        }
        return out;
    }

    /** Remembers a secret another stand-in issued, so that {@link #secrets()} names it too. */
    public void issued(String secret) {
        otherSecrets.add(secret);
    }

    /** Adds one to the counter {@code name} (such as {@code sts:AssumeRole <caller arn>}). */
    public void count(String name) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    public long counter(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /** The counters whose name starts with {@code prefix}, by the rest of their name. */
    public java.util.Map<String, Long> counters(String prefix) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v.get());
            }
        });
        return out;
    }

    /** Sum of the counters whose name starts with {@code prefix}. */
    public long counterSum(String prefix) {
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    private static String random(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(KEY_CHARS.charAt(RANDOM.nextInt(KEY_CHARS.length())));
        }
        return b.toString();
    }

    private static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
