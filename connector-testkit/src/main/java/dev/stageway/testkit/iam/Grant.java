package dev.stageway.testkit.iam;

/**
 * How directly a policy's Allow names the caller, which decides what the Allow can do on its
 * own: an account principal only delegates to that account's own policies, a user or role ARN
 * grants that identity (and every session of the role), a session ARN grants that session even
 * beyond its session policy. Identity policies grant as {@link #PRINCIPAL}.
 */
enum Grant {
    NONE, ACCOUNT, PRINCIPAL, SESSION;

    Grant max(Grant other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
