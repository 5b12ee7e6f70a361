package dev.stageway.aws;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** Keys -> AssumeRole against LocalStack; runs where Docker exists, skipped elsewhere. */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackAssumeRoleTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"));

    @Test
    void keysAssumeARoleThroughTheConnector() {
        Map<String, String> p = Map.of(
                "aws.region", LOCALSTACK.getRegion(),
                "aws.sts.endpoint", LOCALSTACK.getEndpoint().toString(),
                "aws.access-key-id", "AKIALOCALSTACKTEST01",
                "aws.secret-access-key", "test",
                "aws.role-arn", "arn:aws:iam::000000000000:role/stageway-test",
                "aws.external-id", "localstack-ext");
        try (RoleSessions sessions = new RoleSessions();
             ConnectorCredentials c = AwsCredentialsFactory.open(AwsSettings.parse(p, Map.of(), "localstack"), sessions)) {
            CredentialSnapshot s = c.snapshot(Duration.ofMinutes(5));
            assertTrue(s.sessionToken().isPresent());
            assertEquals(1, c.stsCalls());
        }
    }
}
