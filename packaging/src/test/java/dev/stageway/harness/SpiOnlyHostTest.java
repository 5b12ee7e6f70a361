package dev.stageway.harness;

import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.spi.PluginBundle;
import dev.stageway.testkit.Sandbox;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A host that has nothing but connector-spi (and the SLF4J API it needs): compiled against that
 * jar alone and run in a class loader holding only it, it opens the plugin bundle, lists the
 * connectors, validates a mapping and runs S3 -> Redshift on the sandbox.
 */
class SpiOnlyHostTest {
    static final String HOST = """
            package tinyhost;

            import dev.stageway.spi.ConnectorFactory;
            import dev.stageway.spi.LocalRun;
            import dev.stageway.spi.PluginBundle;
            import dev.stageway.spi.RunContext;
            import java.nio.file.Path;
            import java.util.ArrayList;
            import java.util.HashMap;
            import java.util.List;
            import java.util.Map;

            public final class TinyHost {
                public static String run(String bundle, Map<String, String> mapping) {
                    StringBuilder out = new StringBuilder();
                    try {
                        Class.forName("software.amazon.awssdk.core.SdkBytes", false, TinyHost.class.getClassLoader());
                        out.append("sdk visible;");
                    } catch (ClassNotFoundException expected) {
                        out.append("no sdk;");
                    }
                    try (PluginBundle plugin = PluginBundle.open(Path.of(bundle))) {
                        out.append("connectors ").append(plugin.connectors().keySet()).append(';');
                        LocalRun.Side source = side(plugin, mapping, "source");
                        LocalRun.Side target = side(plugin, mapping, "target");
                        List<Object> problems = new ArrayList<>(source.connector().validateSource(source.connection(), source.properties()));
                        problems.addAll(target.connector().validateTarget(target.connection(), target.properties()));
                        out.append("problems ").append(problems).append(';');
                        LocalRun.Result result = LocalRun.run(new RunContext("tiny-host", plugin.runtime()), source, target, 2,
                                (rows, bytes) -> { });
                        out.append("tasks ").append(result.tasks()).append(";rows ").append(result.written().orElseThrow().rows());
                    }
                    return out.toString();
                }

                private static LocalRun.Side side(PluginBundle plugin, Map<String, String> mapping, String prefix) {
                    ConnectorFactory f = plugin.connector(prefix + ".connector", mapping.get(prefix + ".connector"));
                    Map<String, String> connection = new HashMap<>();
                    Map<String, String> own = new HashMap<>();
                    mapping.forEach((k, v) -> {
                        if (k.startsWith(prefix + ".") && !k.equals(prefix + ".connector")) {
                            String name = k.substring(prefix.length() + 1);
                            (f.connectionProperties().contains(name) ? connection : own).put(name, v);
                        }
                    });
                    return new LocalRun.Side(f, connection, own);
                }
            }
            """;

    @TempDir
    Path dir;

    static Path location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void aHostWithOnlyTheSpiRunsTheBundle() throws Exception {
        List<Path> spiOnly = List.of(location(PluginBundle.class), location(org.slf4j.Logger.class));
        assertTrue(spiOnly.get(0).toString().contains("connector-spi"), spiOnly.toString());
        Path source = Files.createDirectories(dir.resolve("src/tinyhost")).resolve("TinyHost.java");
        Files.writeString(source, HOST);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classPath = String.join(File.pathSeparator, spiOnly.stream().map(Path::toString).toList());
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-classpath", classPath, "-d", classes.toString(),
                source.toString()), "the host compiles against connector-spi alone");

        try (Sandbox sandbox = Sandbox.builder().withRedshift().build();
             S3Client admin = customerAdminS3(sandbox);
             URLClassLoader host = new URLClassLoader(new URL[] {classes.toUri().toURL(), spiOnly.get(0).toUri().toURL(),
                     spiOnly.get(1).toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (int i = 0; i < 3; i++) {
                int n = i;
                admin.putObject(b -> b.bucket(CUSTOMER_BUCKET).key("tiny/" + n + ".csv"), RequestBody.fromString("id,name\n" + n + ",x\n"));
            }
            Map<String, String> customer = Demo.with(Demo.keys(), "aws.role-arn", roleArn(CUSTOMER_ACCOUNT, CUSTOMER_ROLE),
                    "aws.external-id", CUSTOMER_EXTERNAL_ID);
            Map<String, String> mapping = new TreeMap<>();
            Demo.side(mapping, "source", "s3", Demo.endpoints(sandbox, customer));
            mapping.put("source.s3.folder-path", CUSTOMER_BUCKET + "/tiny/");
            mapping.put("source.s3.split-size-bytes", "1");
            Demo.side(mapping, "target", "redshift", Demo.redshift(sandbox, customer));
            mapping.put("target.redshift.table", "tiny_host");

            Object result = host.loadClass("tinyhost.TinyHost").getMethod("run", String.class, Map.class)
                    .invoke(null, Path.of("target", "stageway-plugin.zip").toAbsolutePath().toString(), mapping);
            assertEquals("no sdk;connectors [redshift, s3];problems [];tasks 3;rows 3", result);
        }
    }
}
