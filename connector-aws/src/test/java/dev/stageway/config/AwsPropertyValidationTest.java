package dev.stageway.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.CredentialStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rule of the AWS connection properties, with the exact message a user sees. */
class AwsPropertyValidationTest {
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYKEY";

    static Map<String, String> props(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static List<String> problems(Map<String, String> p) {
        return AwsProperties.CONNECTION.validate(p).stream().map(Problem::toString).toList();
    }

    @Test
    void keysComeAsAPair() {
        assertEquals(List.of("aws.access-key-id, aws.secret-access-key: access key ID and secret access key come as a pair: "
                + "set both or neither"), problems(props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE")));
        assertEquals(List.of("aws.access-key-id, aws.secret-access-key: access key ID and secret access key come as a pair: "
                + "set both or neither"), problems(props("aws.secret-access-key", SECRET)));
    }

    @Test
    void roleArnMustBeAnIamRoleArn() {
        assertEquals(List.of("aws.role-arn: must be an IAM role ARN arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<path/>name"),
                problems(props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET,
                        "aws.role-arn", "arn:aws:iam::12345:user/bob")));
        for (String good : List.of("arn:aws:iam::123456789012:role/name", "arn:aws-cn:iam::123456789012:role/a/b/c-role",
                "arn:aws-us-gov:iam::123456789012:role/x+=,.@-_")) {
            assertEquals(List.of(), problems(props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET,
                    "aws.role-arn", good)), good);
        }
    }

    @Test
    void externalIdLengthAndCharacters() {
        Map<String, String> base = props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET,
                "aws.role-arn", "arn:aws:iam::123456789012:role/r");
        String message = "aws.external-id: must be 2 to 1224 characters, each a letter, digit or one of _+=,.@:/-";
        base.put("aws.external-id", "x");
        assertEquals(List.of(message), problems(base));
        base.put("aws.external-id", "has space");
        assertEquals(List.of(message), problems(base));
        base.put("aws.external-id", "a".repeat(1225));
        assertEquals(List.of(message), problems(base));
        base.put("aws.external-id", "a".repeat(1224));
        assertEquals(List.of(), problems(base));
        base.put("aws.external-id", "Tenant_42+=,.@:/-x");
        assertEquals(List.of(), problems(base));
    }

    @Test
    void externalIdWithoutRoleIsAnError() {
        assertEquals(List.of("aws.external-id, aws.role-arn: is only used when assuming a role: set aws.role-arn or remove it"),
                problems(props("aws.external-id", "abc")));
    }

    @Test
    void sessionNameLengthAndCharacters() {
        Map<String, String> base = props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET,
                "aws.role-arn", "arn:aws:iam::123456789012:role/r");
        String message = "aws.role-session-name: must be 2 to 64 characters, each a letter, digit or one of _+=,.@-";
        base.put("aws.role-session-name", "a".repeat(65));
        assertEquals(List.of(message), problems(base));
        base.put("aws.role-session-name", "a/b");
        assertEquals(List.of(message), problems(base));
        base.put("aws.role-session-name", "a".repeat(64));
        assertEquals(List.of(), problems(base));
    }

    @Test
    void durationRange() {
        Map<String, String> base = props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET,
                "aws.role-arn", "arn:aws:iam::123456789012:role/r");
        base.put("aws.temporary-credential-duration", "899");
        assertEquals(List.of("aws.temporary-credential-duration: must be a whole number from 900 to 43200, was 899"), problems(base));
        base.put("aws.temporary-credential-duration", "43201");
        assertEquals(List.of("aws.temporary-credential-duration: must be a whole number from 900 to 43200, was 43201"), problems(base));
        base.put("aws.temporary-credential-duration", "1h");
        assertEquals(List.of("aws.temporary-credential-duration: must be a whole number from 900 to 43200"), problems(base));
        base.put("aws.temporary-credential-duration", "43200");
        assertEquals(List.of(), problems(base));
    }

    @Test
    void ec2RoleRules() {
        assertEquals(List.of("aws.use-ec2-role-to-assume-role, aws.access-key-id: the EC2 instance role assumes the role, so "
                        + "access keys must not be set with aws.use-ec2-role-to-assume-role=true; remove the keys or set it to false"),
                problems(props("aws.use-ec2-role-to-assume-role", "true", "aws.role-arn", "arn:aws:iam::123456789012:role/r",
                        "aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET)));
        assertEquals(List.of("aws.use-ec2-role-to-assume-role, aws.role-arn: names no role to assume: set aws.role-arn, or set "
                + "it to false to use the instance role itself"), problems(props("aws.use-ec2-role-to-assume-role", "true")));
        assertEquals(List.of("aws.temporary-credential-duration: is 3601 s, but an EC2 instance role assuming a role is role "
                        + "chaining, which STS limits to 3600 s; use 900 to 3600 (sessions are renewed before they expire)"),
                problems(props("aws.use-ec2-role-to-assume-role", "true", "aws.role-arn", "arn:aws:iam::123456789012:role/r",
                        "aws.temporary-credential-duration", "3601")));
        assertEquals(List.of("aws.use-ec2-role-to-assume-role: must be true or false"),
                problems(props("aws.use-ec2-role-to-assume-role", "yes")));
    }

    @Test
    void roleWithoutAnyCaller() {
        assertEquals(List.of("aws.role-arn, aws.access-key-id, aws.use-ec2-role-to-assume-role: has no identity to assume it "
                        + "with: set aws.access-key-id and aws.secret-access-key (an IAM user assumes the role) or "
                        + "aws.use-ec2-role-to-assume-role=true (the EC2 instance role assumes it)"),
                problems(props("aws.role-arn", "arn:aws:iam::123456789012:role/r")));
    }

    @Test
    void regionEndpointsAndUnknownKeys() {
        assertEquals(List.of(
                        "aws.regoin: unknown property; did you mean aws.region?",
                        "aws.region: must be an AWS region code such as us-west-2, or a region name as the console shows it such as \"US West (Oregon)\", was 'Oregon'",
                        "aws.sts.endpoint: must be an http:// or https:// URL with a host"),
                problems(props("aws.region", "Oregon", "aws.sts.endpoint", "sts.local", "aws.regoin", "x")));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> AwsProperties.CONNECTION.parse(props(
                "aws.access-key-id", "short", "aws.external-id", "x", "aws.temporary-credential-duration", "5")));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("Invalid configuration (5 problems):\n  - "), e.getMessage());
    }

    @Test
    void blankValuesCountAsNotGiven() {
        AwsSettings s = AwsSettings.parse(props("aws.access-key-id", " ", "aws.secret-access-key", "", "aws.role-arn", ""),
                Map.of(), "run");
        assertInstanceOf(CredentialStrategy.AmbientIdentity.class, s.strategy());
    }

    @Test
    void eachCombinationPicksExactlyOneStrategy() {
        String role = "arn:aws:iam::123456789012:role/r";
        assertInstanceOf(CredentialStrategy.StaticKeys.class, AwsSettings.parse(props(
                "aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET), Map.of(), "r").strategy());
        assertInstanceOf(CredentialStrategy.AssumeRoleWithKeys.class, AwsSettings.parse(props(
                "aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET, "aws.role-arn", role), Map.of(), "r").strategy());
        assertInstanceOf(CredentialStrategy.AssumeRoleWithEc2Role.class, AwsSettings.parse(props(
                "aws.use-ec2-role-to-assume-role", "true", "aws.role-arn", role), Map.of(), "r").strategy());
        assertInstanceOf(CredentialStrategy.AmbientIdentity.class, AwsSettings.parse(props(), Map.of(), "r").strategy());
    }

    @Test
    void defaultSessionNameIsOneTenantsOnAgentAcrossRuns() {
        Map<String, String> tenant = props("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE", "aws.secret-access-key", SECRET,
                "aws.role-arn", "arn:aws:iam::123456789012:role/r");
        String name = AwsSettings.parse(tenant, Map.of(), "run-1").strategy().assumeRole().get().sessionName();
        assertTrue(name.matches("stageway-[0-9a-f]{16}"), name);
        assertEquals(name, AwsSettings.parse(tenant, Map.of(), "run-2").strategy().assumeRole().get().sessionName(),
                "every run of a tenant shares the session");
        tenant.put("aws.role-arn", "arn:aws:iam::210987654321:role/r");
        assertNotEquals(name, AwsSettings.parse(tenant, Map.of(), "run-1").strategy().assumeRole().get().sessionName());
        tenant.put("aws.role-session-name", "nightly-orders");
        assertEquals("nightly-orders", AwsSettings.parse(tenant, Map.of(), "run-1").strategy().assumeRole().get().sessionName());
    }
}
