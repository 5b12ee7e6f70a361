package dev.stageway.testkit.iam;

/** Where a policy is attached, which decides the elements it must and must not have. */
public enum PolicyKind {
    /** Attached to a user or role: Resource required, no Principal. */
    IDENTITY,
    /** Passed to AssumeRole to narrow the session: as an identity policy. */
    SESSION,
    /** A bucket policy or key policy: Principal and Resource required. */
    RESOURCE,
    /** A role's trust policy: Principal required, no Resource. */
    TRUST
}
