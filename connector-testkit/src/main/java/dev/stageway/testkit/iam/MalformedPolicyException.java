package dev.stageway.testkit.iam;

/**
 * A policy AWS would refuse to store (IAM's and STS's MalformedPolicyDocument, S3's
 * MalformedPolicy); the message names the policy and what is wrong with it.
 */
public final class MalformedPolicyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String problem;

    MalformedPolicyException(String policyName, String problem) {
        super(policyName + ": " + problem);
        this.problem = problem;
    }

    /** What AWS says is wrong, without the sandbox's name for the policy. */
    public String problem() {
        return problem;
    }
}
