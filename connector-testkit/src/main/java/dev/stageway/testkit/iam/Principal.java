package dev.stageway.testkit.iam;

import java.util.Optional;

/**
 * Who makes a request: an IAM user, or a session of a role (assumed through STS or served by
 * IMDS to an instance).
 *
 * @param arn     the user ARN, or the assumed-role ARN {@code arn:aws:sts::<account>:assumed-role/<role>/<session>}
 * @param account the 12-digit account
 * @param roleArn for a role session, the role's ARN
 */
public record Principal(String arn, String account, Optional<String> roleArn) {

    public boolean isRoleSession() {
        return roleArn.isPresent();
    }
}
