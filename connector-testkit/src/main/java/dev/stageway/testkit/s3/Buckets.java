package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.Policy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Which account owns each bucket, each bucket's policy and its lifecycle configuration. Thread-safe. */
public final class Buckets {
    private record Bucket(String owner, Optional<Policy> policy, Optional<Lifecycle> lifecycle) {
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public void add(String name, String ownerAccount, Optional<Policy> policy) {
        buckets.put(name, new Bucket(ownerAccount, policy, Optional.empty()));
    }

    void remove(String name) {
        buckets.remove(name);
    }

    public Optional<String> owner(String name) {
        return Optional.ofNullable(buckets.get(name)).map(Bucket::owner);
    }

    public Optional<Policy> policy(String name) {
        Bucket b = buckets.get(name);
        return b == null ? Optional.empty() : b.policy();
    }

    void setPolicy(String name, Optional<Policy> policy) {
        buckets.computeIfPresent(name, (k, b) -> new Bucket(b.owner(), policy, b.lifecycle()));
    }

    Optional<Lifecycle> lifecycle(String name) {
        Bucket b = buckets.get(name);
        return b == null ? Optional.empty() : b.lifecycle();
    }

    void setLifecycle(String name, Optional<Lifecycle> lifecycle) {
        buckets.computeIfPresent(name, (k, b) -> new Bucket(b.owner(), b.policy(), lifecycle));
    }

    boolean ownedBy(String name, String account) {
        return owner(name).map(account::equals).orElse(false);
    }
}
