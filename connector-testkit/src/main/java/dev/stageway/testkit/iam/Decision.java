package dev.stageway.testkit.iam;

/** The outcome of evaluating one policy: an explicit deny wins over any allow. */
public enum Decision {
    ALLOW, DENY, NOT_APPLICABLE;

    Decision and(Decision other) {
        if (this == DENY || other == DENY) {
            return DENY;
        }
        return this == ALLOW || other == ALLOW ? ALLOW : NOT_APPLICABLE;
    }
}
