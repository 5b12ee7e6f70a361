package dev.stageway.testkit.iam;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sandbox's IAM: users and their keys, roles, bucket owners and bucket policies, issued
 * temporary credentials, and counters of what each identity asked for. Thread-safe.
 */
public final class Iam {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final Clock clock;
    private final Optional<Duration> lifetimeOverride;
    private final ConcurrentMap<String, Credential> credentials = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Role> roles = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> bucketOwners = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Policy> bucketPolicies = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

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

    public void addUser(String account, String name, String accessKeyId, String secretAccessKey, List<Policy> policies) {
        Principal p = new Principal("arn:aws:iam::" + account + ":user/" + name, account, Optional.empty());
        credentials.put(accessKeyId, new Credential(accessKeyId, secretAccessKey, Optional.empty(), Optional.empty(), p,
                List.of(policies)));
    }

    public void addRole(Role role) {
        roles.put(role.arn(), role);
    }

    public Optional<Role> role(String arn) {
        return Optional.ofNullable(roles.get(arn));
    }

    public void addBucket(String bucket, String ownerAccount, Optional<Policy> bucketPolicy) {
        bucketOwners.put(bucket, ownerAccount);
        bucketPolicy.ifPresent(p -> bucketPolicies.put(bucket, p));
    }

    public Map<String, String> buckets() {
        return Map.copyOf(bucketOwners);
    }

    public Optional<Credential> credential(String accessKeyId) {
        return Optional.ofNullable(credentials.get(accessKeyId));
    }

    /**
     * Issues temporary credentials for a session of {@code role}.
     *
     * @param sessionPolicy narrows the role's permissions when present
     */
    public Credential issueSession(Role role, String sessionName, Duration requested, Optional<Policy> sessionPolicy) {
        Duration lifetime = lifetimeOverride.orElse(requested);
        Principal p = new Principal("arn:aws:sts::" + role.account() + ":assumed-role/" + role.name() + "/" + sessionName,
                role.account(), Optional.of(role.arn()));
        List<List<Policy>> policies = new ArrayList<>();
        policies.add(role.policies());
        sessionPolicy.ifPresent(sp -> policies.add(List.of(sp)));
        Credential c = new Credential("ASIA" + random(KEY_CHARS, 16), randomBase64(30), Optional.of(randomBase64(180)),
                Optional.of(clock.instant().plus(lifetime)), p, List.copyOf(policies));
        credentials.put(c.accessKeyId(), c);
        return c;
    }

    /** Whether {@code who} may do {@code action} on the S3 resource of {@code bucket} (and {@code key}). */
    public AccessDecision authorizeS3(Credential who, String action, String bucket, String key) {
        String resource = "arn:aws:s3:::" + bucket + (key == null ? "" : "/" + key);
        Decision identity = identityDecision(who, action, resource, Map.of());
        Policy bucketPolicy = bucketPolicies.get(bucket);
        Decision resourceSide = bucketPolicy == null ? Decision.NOT_APPLICABLE
                : bucketPolicy.evaluate(action, resource, who.principal(), Map.of());
        boolean sameAccount = who.principal().account().equals(bucketOwners.get(bucket));
        boolean allowed = identity != Decision.DENY && resourceSide != Decision.DENY
                && (sameAccount ? identity == Decision.ALLOW || resourceSide == Decision.ALLOW
                : identity == Decision.ALLOW && resourceSide == Decision.ALLOW);
        return allowed ? AccessDecision.ALLOWED : AccessDecision.denied("User: " + who.principal().arn()
                + " is not authorized to perform: " + action + " on resource: \"" + resource + "\" because "
                + (identity == Decision.DENY || resourceSide == Decision.DENY ? "an explicit deny applies"
                : identity != Decision.ALLOW ? "no identity-based policy allows the " + action + " action"
                : "no resource-based policy allows the " + action + " action"));
    }

    /** Every policy set of the credential must allow; any deny wins. */
    Decision identityDecision(Credential who, String action, String resource, Map<String, String> context) {
        Decision result = Decision.ALLOW;
        for (List<Policy> set : who.policies()) {
            Decision d = Decision.NOT_APPLICABLE;
            for (Policy p : set) {
                d = d.and(p.evaluate(action, resource, null, context));
            }
            if (d == Decision.DENY) {
                return Decision.DENY;
            }
            if (d != Decision.ALLOW) {
                result = Decision.NOT_APPLICABLE;
            }
        }
        return result;
    }

    /**
     * AWS's rule for AssumeRole: the role's trust policy must allow the caller (with the request's
     * condition keys), and unless the trust policy names the caller itself in the same account,
     * the caller's own policies must allow {@code sts:AssumeRole} on the role.
     */
    public AccessDecision authorizeAssumeRole(Credential caller, Role role, Map<String, String> context) {
        Principal who = caller.principal();
        Decision trust = role.trustPolicy().evaluate("sts:AssumeRole", role.arn(), who, context);
        boolean trusted = trust == Decision.ALLOW;
        boolean namedDirectly = who.account().equals(role.account()) && role.trustPolicy().namesPrincipalExactly(who);
        boolean identityAllows = identityDecision(caller, "sts:AssumeRole", role.arn(), context) == Decision.ALLOW;
        if (trusted && (namedDirectly || identityAllows)) {
            return AccessDecision.ALLOWED;
        }
        return AccessDecision.denied("User: " + who.arn() + " is not authorized to perform: sts:AssumeRole on resource: "
                + role.arn());
    }

    /** Every secret key and session token the sandbox knows or issued: canaries that must never reach output. */
    public java.util.List<String> secrets() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Credential c : credentials.values()) {
            out.add(c.secretAccessKey());
            c.sessionToken().ifPresent(out::add);
        }
        return out;
    }

    /** Adds one to the counter {@code name} (such as {@code sts:AssumeRole <caller arn>}). */
    public void count(String name) {
        counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    public long counter(String name) {
        AtomicLong c = counters.get(name);
        return c == null ? 0 : c.get();
    }

    /** Sum of the counters whose name starts with {@code prefix}. */
    public long counterSum(String prefix) {
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    public Instant now() {
        return clock.instant();
    }

    private static String random(String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}
