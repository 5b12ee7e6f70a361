package dev.stageway.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stageway.aws.AwsProperties;
import dev.stageway.config.PropertyTable;
import dev.stageway.redshift.RedshiftProperties;
import dev.stageway.s3.S3Properties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's property sections are the descriptor tables rendered; this test keeps them so.
 * With {@code -Dstageway.docs.update=true} it rewrites them instead of failing.
 */
class ReadmePropertiesTest {
    static final Path README = Path.of("..", "README.md");

    @Test
    void readmeShowsEveryConnectorsTables() throws IOException {
        check("aws-connection", AwsProperties.CONNECTION);
        check("aws-advanced", AwsProperties.ADVANCED);
        check("s3-source", S3Properties.SOURCE);
        check("s3-target", S3Properties.TARGET);
        check("redshift-connection", RedshiftProperties.CLUSTER_TABLE);
        check("redshift-target", RedshiftProperties.TARGET);
        check("redshift-source", RedshiftProperties.SOURCE);
    }

    static void check(String section, PropertyTable table) throws IOException {
        String readme = Files.readString(README);
        String start = "<!-- generated:" + section + " -->\n";
        String end = "<!-- end:" + section + " -->";
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        if (from < 0 || to < from) {
            throw new AssertionError("README.md has no section " + start.trim() + " ... " + end);
        }
        String expected = table.toMarkdown();
        String actual = readme.substring(from + start.length(), to);
        if (Boolean.getBoolean("stageway.docs.update")) {
            Files.writeString(README, readme.substring(0, from + start.length()) + expected + readme.substring(to));
            return;
        }
        assertEquals(expected, actual, "README.md section " + section
                + " is out of date: run ./mvnw -pl packaging test -Dtest=ReadmePropertiesTest -Dstageway.docs.update=true");
    }
}
