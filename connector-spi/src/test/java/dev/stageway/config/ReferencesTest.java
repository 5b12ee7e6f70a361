package dev.stageway.config;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferencesTest {
    static final References REFERENCES = new References(Map.of("DB_PASSWORD", "s3cr3t", "EMPTY", "")::get);

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void aHostThatEnablesThem() {
        References.enable();
    }

    @Test
    void environmentAndFileReferencesResolveAnywhereInAValue() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "from-a-file\n");
        Path props = Files.writeString(dir.resolve("secrets.properties"), "loader.password=pa:ss\nother=x\n");
        assertEquals("s3cr3t", REFERENCES.resolve("${env:DB_PASSWORD}"));
        assertEquals("from-a-file", REFERENCES.resolve("${file:" + secret + "}"), "one trailing line break goes");
        assertEquals("pa:ss", REFERENCES.resolve("${file:" + props + ":loader.password}"));
        assertEquals("jdbc:redshift://host:5439/dev?p=s3cr3t", REFERENCES.resolve("jdbc:redshift://host:5439/dev?p=${env:DB_PASSWORD}"));
    }

    @Test
    void otherPlaceholdersStayAndDollarDollarEscapes() {
        String policy = "{\"Resource\": \"arn:aws:s3:::bucket/${aws:username}/*\"}";
        assertEquals(policy, REFERENCES.resolve(policy));
        assertEquals("literal ${env:DB_PASSWORD}", REFERENCES.resolve("literal $${env:DB_PASSWORD}"));
        assertEquals("", REFERENCES.resolve("${env:EMPTY}"));
    }

    @Test
    void anUnresolvableReferenceIsNamedNeverAValue() throws Exception {
        Path props = Files.writeString(dir.resolve("secrets.properties"), "a=1\n");
        assertEquals("refers to ${env:NOPE}, which cannot be resolved: the environment variable NOPE is not set",
                assertThrows(IllegalArgumentException.class, () -> REFERENCES.resolve("${env:NOPE}")).getMessage());
        assertEquals("refers to ${file:/no/such/file}, which cannot be resolved: there is no such file",
                assertThrows(IllegalArgumentException.class, () -> REFERENCES.resolve("${file:/no/such/file}")).getMessage());
        assertEquals("refers to ${file:" + props + ":b}, which cannot be resolved: the file has no key b",
                assertThrows(IllegalArgumentException.class, () -> REFERENCES.resolve("${file:" + props + ":b}")).getMessage());
    }

    @Test
    void aTableResolvesBeforeParsingOnceTheHostEnablesItAndNeverQuotesAResolvedValue() throws Exception {
        Path secret = Files.writeString(dir.resolve("pw"), "hunter2\n");
        PropertyTable quoting = PropertyTable.of("t", List.of(PropertyDescriptor.builder("code", PropertyType.STRING)
                .doc("A code.").validator(v -> Optional.of("must be a code, was '" + v + "'")).build()), List.of());
        String problem = quoting.validate(Map.of("code", "${file:" + secret + "}")).get(0).toString();
        assertFalse(problem.contains("hunter2"), problem);
        assertTrue(problem.contains("${file:" + secret + "}"), problem);
        PropertyTable table = PropertyTable.of("t", List.of(PropertyDescriptor.builder("db.password", PropertyType.SECRET)
                .required().doc("The password.").build()), List.of());
        assertEquals(List.of("db.password: refers to ${env:STAGEWAY_TEST_UNSET_VARIABLE}, which cannot be resolved: the "
                + "environment variable STAGEWAY_TEST_UNSET_VARIABLE is not set"),
                table.validate(Map.of("db.password", "${env:STAGEWAY_TEST_UNSET_VARIABLE}")).stream().map(Object::toString).toList());
    }
}
