package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.config.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping files are read strictly: what a user saved by mistake is named, never silently taken. */
class MappingFileTest {
    @TempDir
    Path dir;

    Path file(byte[] content) throws Exception {
        return Files.write(dir.resolve("m.properties"), content);
    }

    static List<String> problems(Path file) {
        return assertThrows(ConfigurationException.class, () -> MappingFile.read(file)).problems().stream().map(Object::toString)
                .toList();
    }

    @Test
    void aByteOrderMarkIsSkippedAndPropertiesSyntaxKept() throws Exception {
        Path f = file(("\uFEFFsource.connector=s3\n# a comment \\\n! another\nsource.s3.folder-path = bucket/\\\n  in/\n"
                + "target.connector : redshift\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of("source.connector", "s3", "source.s3.folder-path", "bucket/in/", "target.connector", "redshift"),
                MappingFile.read(f));
    }

    @Test
    void aKeyGivenTwiceNamesBothLines() throws Exception {
        Path f = file("source.connector=s3\nsource.aws.region=eu-west-1\n\nsource.aws.region=us-east-1\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("source.aws.region: is given twice, on lines 2 and 4 of " + f + "; keep one"), problems(f));
    }

    @Test
    void aMissingOrNonTextFileSaysSo() throws Exception {
        assertEquals(List.of(dir.resolve("nope.properties") + ": no such file"), problems(dir.resolve("nope.properties")));
        String notText = ": is not a UTF-8 properties file (a mapping file is text: key=value lines in UTF-8)";
        assertEquals(List.of(dir.resolve("m.properties") + notText), problems(file(new byte[] {'a', '=', (byte) 0xe9, '\n'})));
        assertEquals(List.of(dir.resolve("m.properties") + notText), problems(file(new byte[] {'P', 'K', 3, 4, 0, 0, 'x'})));
    }
}
