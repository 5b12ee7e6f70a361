package dev.stageway.harness;

import dev.stageway.spi.PluginBundle;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stageway.aws.AwsProperties;
import dev.stageway.config.PropertyTable;
import dev.stageway.spi.ConnectorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's property sections are the descriptor tables rendered, as the plugin bundle offers
 * them to a runtime; this test keeps them so. With {@code -Dstageway.docs.update=true} it rewrites
 * them instead of failing.
 */
class ReadmePropertiesTest {
    static final Path README = Path.of("..", "README.md");

    @Test
    void readmeShowsEveryConnectorsTables() throws IOException {
        try (PluginBundle plugin = PluginBundle.open(Path.of("target", "stageway-plugin.zip"), getClass().getClassLoader())) {
            ConnectorFactory s3 = plugin.connector("test", "s3");
            ConnectorFactory redshift = plugin.connector("test", "redshift");
            check("aws-connection", s3.connectionProperties());
            check("aws-advanced", AwsProperties.ADVANCED);
            check("aws-runtime", s3.runtimeProperties());
            check("s3-source", s3.sourceProperties());
            check("s3-target", s3.targetProperties());
            check("redshift-connection", redshift.connectionProperties().without("Redshift cluster", s3.connectionProperties()));
            check("redshift-target", redshift.targetProperties());
            check("redshift-source", redshift.sourceProperties());
        }
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
