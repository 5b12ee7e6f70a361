package dev.stageway.aws;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CallerIdentityTest {
    private static final String ROLE = "arn:aws:sts::444455556666:assumed-role/stageway-access/";
    private static final String AGENT = "arn:aws:iam::111122223333:user/agent";

    @Test
    void anUploadIsStagewaysWhenTheCallerStartedItOrAnotherAgentsDefaultSessionOfTheSameRoleDid() {
        String caller = ROLE + AwsSettings.defaultSessionName(AGENT, ROLE);
        assertTrue(CallerIdentity.isStageway(caller, caller));
        assertTrue(CallerIdentity.isStageway(caller, ROLE + AwsSettings.defaultSessionName("another agent", ROLE)));
        assertTrue(CallerIdentity.isStageway(AGENT, AGENT), "static keys: the user itself");
        assertTrue(CallerIdentity.isStageway(ROLE + "nightly-loads", ROLE + "nightly-loads"), "a session name the user set");
    }

    @Test
    void aUsersOwnSessionOrAnotherRoleOrUserIsNever() {
        String caller = ROLE + AwsSettings.defaultSessionName(AGENT, ROLE);
        assertFalse(CallerIdentity.isStageway(caller, ROLE + "botocore-session-1700000000"), "the user's CLI, same role");
        assertFalse(CallerIdentity.isStageway(caller, ROLE + "stageway-notadigest"));
        assertFalse(CallerIdentity.isStageway(caller, "arn:aws:sts::444455556666:assumed-role/other-role/"
                + AwsSettings.defaultSessionName(AGENT, ROLE)));
        assertFalse(CallerIdentity.isStageway(caller, "arn:aws:iam::444455556666:user/admin"));
        assertFalse(CallerIdentity.isStageway(AGENT, "arn:aws:iam::111122223333:user/agent2"));
        assertFalse(CallerIdentity.isStageway(caller, ""));
    }
}
