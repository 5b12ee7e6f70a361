package dev.stageway.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.aws.AccessKeys;
import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.AwsSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No secret reaches toString(), documentation, masked maps or error messages. */
class MaskingTest {
    static final String CANARY = "CANARY/secret/Kq93jfk2LQ0p+zzZZ";

    static Map<String, String> withSecret() {
        Map<String, String> p = new HashMap<>();
        p.put("aws.access-key-id", "AKIAIOSFODNN7EXAMPLE");
        p.put("aws.secret-access-key", CANARY);
        p.put("aws.role-arn", "arn:aws:iam::123456789012:role/r");
        return p;
    }

    @Test
    void everySensitivePropertyIsMaskedInToStringAndMaskedMaps() {
        for (PropertyDescriptor<?> d : AwsProperties.CONNECTION.descriptors()) {
            if (d.sensitive()) {
                Map<String, String> p = withSecret();
                p.put(d.name(), CANARY);
                assertFalse(AwsProperties.CONNECTION.parse(p).toString().contains(CANARY), d.name());
                assertEquals(Secret.MASK, AwsProperties.CONNECTION.mask(p).get(d.name()));
            }
        }
        assertEquals("AKIAIOSFODNN7EXAMPLE", AwsProperties.CONNECTION.mask(withSecret()).get("aws.access-key-id"));
    }

    @Test
    void misspeltSecretKeysAreMaskedToo() {
        Map<String, String> p = withSecret();
        p.put("aws.secret-acess-key", CANARY);
        assertEquals(Secret.MASK, AwsProperties.CONNECTION.mask(p).get("aws.secret-acess-key"));
    }

    @Test
    void errorMessagesNeverEchoASecret() {
        Map<String, String> p = withSecret();
        p.remove("aws.access-key-id");
        p.put("aws.secret-acess-key", CANARY);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> AwsProperties.CONNECTION.parse(p));
        assertFalse(e.getMessage().contains(CANARY), e.getMessage());
    }

    @Test
    void settingsAndKeysNeverShowTheSecret() {
        AwsSettings s = AwsSettings.parse(withSecret(), Map.of(), "run");
        assertFalse(s.toString().contains(CANARY), s.toString());
        assertTrue(s.toString().contains("AKIAIOSFODNN7EXAMPLE"));
        assertEquals("AccessKeys[accessKeyId=AKIA1234567890123456, secretAccessKey=[hidden]]",
                new AccessKeys("AKIA1234567890123456", Secret.of(CANARY)).toString());
        assertFalse(s.strategy().describe().contains(CANARY));
    }

    @Test
    void documentationMarksSecretsAndShowsNoValues() {
        String md = AwsProperties.CONNECTION.toMarkdown();
        assertTrue(md.contains("| `aws.secret-access-key` | secret (sensitive) |"), md);
        assertFalse(md.contains(CANARY));
    }
}
