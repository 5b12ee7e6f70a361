package dev.stageway.harness;

import dev.stageway.spi.PluginBundle;
import dev.stageway.spi.PluginClassLoader;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.ConnectorFactory;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.Schema;
import dev.stageway.spi.PlannedReader;
import dev.stageway.spi.SingleTaskWriter;
import dev.stageway.spi.SourceReader;
import dev.stageway.testkit.Sandbox;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A host whose class path carries FastCSV 2.2.2 (where {@code QuoteStrategy} is an enum) runs the
 * plugin's S3 connector, which needs 4.x (where it is an interface the connector implements),
 * through the plugin class loader; the same jars loaded parent-first break, proving the conflict is real.
 */
class PluginIsolationTest {
    static final Schema ONE = Schema.of(Column.of("v", ColumnType.string()));

    /** The test's own class loader (so the SPI types are shared), but FastCSV 2.2.2 wins for its classes. */
    static ClassLoader hostWithOldFastCsv() throws Exception {
        Path jar;
        try (var files = Files.list(Path.of("target", "conflicting-host-libs"))) {
            jar = files.filter(p -> p.getFileName().toString().startsWith("fastcsv-2.")).findFirst().orElseThrow();
        }
        ClassLoader test = PluginIsolationTest.class.getClassLoader();
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, test) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("de.siegmar.fastcsv.")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : findClass(name);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
    }

    static Map<String, String> connection(Sandbox sandbox) {
        Map<String, String> m = new TreeMap<>();
        m.put("aws.region", sandbox.region());
        m.put("aws.s3.endpoint", sandbox.s3Endpoint().toString());
        m.put("aws.s3.path-style-access", "true");
        m.put("aws.access-key-id", AGENT_ACCESS_KEY_ID);
        m.put("aws.secret-access-key", AGENT_SECRET_ACCESS_KEY);
        return m;
    }

    static void write(ConnectorFactory s3, RunContext context, Sandbox sandbox, String folder) {
        try (SingleTaskWriter w = SingleTaskWriter.open(s3, context, connection(sandbox), Map.of("s3.folder-path",
                AGENT_BUCKET + "/" + folder), ONE)) {
            w.write(new RecordBatch(ONE, List.<Object[]>of(new Object[] {"isolated"})));
            w.commit();
        }
    }

    /** Reads the folder back through the S3 source (FastCSV's reader); returns the values of its one column. */
    static List<Object> read(ConnectorFactory s3, RunContext context, Sandbox sandbox, String folder) {
        try (SourceReader r = PlannedReader.open(s3, context, connection(sandbox), Map.of("s3.folder-path", AGENT_BUCKET + "/" + folder))) {
            List<Object> values = new ArrayList<>();
            for (var batch = r.next(); batch.isPresent(); batch = r.next()) {
                batch.get().rows().forEach(row -> values.add(row[0]));
            }
            return values;
        }
    }

    @Test
    void thePluginKeepsItsOwnLibraryVersionsWhateverTheHostCarries() throws Exception {
        ClassLoader host = hostWithOldFastCsv();
        assertThrows(ClassNotFoundException.class, () -> host.loadClass("dev.stageway.s3.S3ConnectorFactory"),
                "the host's class path holds no connector");
        assertFalse(host.loadClass("de.siegmar.fastcsv.writer.QuoteStrategy").isInterface(), "the host really carries the old FastCSV");
        try (Sandbox sandbox = Sandbox.start(); PluginBundle plugin = PluginBundle.open(Path.of("target", "stageway-plugin.zip"), host)) {
            ConnectorFactory s3 = plugin.connector("test", "s3");
            assertSame(PluginClassLoader.class, s3.getClass().getClassLoader().getClass(), "connectors come from the bundle");
            assertTrue(ConnectorFactory.class.isAssignableFrom(s3.getClass()), "the SPI the connector implements is the host's");
            write(s3, new RunContext("isolated", plugin.runtime()), sandbox, "isolated");
            assertEquals(List.of("isolated"), read(s3, new RunContext("isolated", plugin.runtime()), sandbox, "isolated"));

            // The control: the same bundle jars, parent-first under the same host, get the host's FastCSV and break
            // (its reader API of 2.x lacks what the source uses).
            URL[] jars = ((URLClassLoader) plugin.loader()).getURLs();
            try (URLClassLoader parentFirst = new URLClassLoader(jars, host)) {
                ConnectorFactory naive = ServiceLoader.load(ConnectorFactory.class, parentFirst).stream().map(ServiceLoader.Provider::get)
                        .filter(f -> f.name().equals("s3")).findFirst().orElseThrow();
                assertSame(parentFirst, naive.getClass().getClassLoader(), "the control's connector comes from the bundle jars");
                try (var runtime = naive.newRuntime()) {
                    assertThrows(LinkageError.class, () -> read(naive, new RunContext("naive", runtime), sandbox, "isolated"));
                }
            }
        }
    }
}
