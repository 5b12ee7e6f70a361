package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.config.ConfigurationException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The mapping-file reader over generated files (seeded): any properties Java writes read back
 * exactly, escapes and all; any bytes at all read or fail with a configuration error, never
 * anything else.
 */
class MappingFilePropertiesTest {
    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("mapping-properties");
    }

    @AfterContainer
    static void removeDirectory() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static final String[] PIECES = {"a", "Z", "9", ".", "-", " ", "=", ":", "#", "!", "\\", "\t", "\n", "\r", "é", "日",
            "\uD83D\uDE00", "${env:X}", "s3://b/p/"};

    @Provide
    Arbitrary<Map<String, String>> mappings() {
        Arbitrary<String> text = Arbitraries.of(PIECES).list().ofMaxSize(8).map(p -> String.join("", p));
        Arbitrary<String> keys = Arbitraries.of("source.", "target.").flatMap(side -> text.filter(t -> !t.isEmpty()).map(t -> side + t));
        return Arbitraries.maps(keys, text).ofMaxSize(8).map(TreeMap::new);
    }

    @Property(tries = 1000, seed = "20261128")
    void propertiesJavaWritesReadBackExactly(@ForAll("mappings") Map<String, String> mapping) throws IOException {
        Properties p = new Properties();
        p.putAll(mapping);
        StringWriter text = new StringWriter();
        p.store(text, "a comment");
        Path file = Files.writeString(dir.resolve("m.properties"), text.toString(), StandardCharsets.UTF_8);
        assertEquals(mapping, MappingFile.read(file));
    }

    @Provide
    Arbitrary<byte[]> anyFile() {
        Arbitrary<byte[]> text = Arbitraries.of(PIECES).list().ofMaxSize(60).map(p -> String.join("", p).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(text, Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    }

    @Property(tries = 3000, seed = "20261128")
    void anyBytesReadOrFailAsAConfigurationError(@ForAll("anyFile") byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("any.properties"), content);
        try {
            MappingFile.read(file);
        } catch (ConfigurationException e) {
            assertFalse(e.problems().isEmpty());
        }
    }
}
