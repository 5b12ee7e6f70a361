package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.config.References;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code stageway} harness: loads the connectors from the plugin bundle, as a runtime would,
 * and describes, validates, checks and runs mappings; prints trust policies; runs the local
 * sandbox and the demo. Exit codes: 0 success, 2 configuration or usage error, 3 authentication
 * or authorisation failure, 4 data or storage error, 1 anything else.
 */
@Command(name = "stageway", mixinStandardHelpOptions = true, versionProvider = Stageway.Version.class,
        description = "Moves data between Amazon S3 and Amazon Redshift with the Stageway plugin.",
        subcommands = {Subcommands.Describe.class, Subcommands.Validate.class, Subcommands.Check.class, Subcommands.Run.class,
                Subcommands.CleanupCommand.class, Subcommands.TrustPolicyCommand.class, Subcommands.Sandbox.class, Subcommands.Demo.class, Subcommands.Bench.class,
                Subcommands.BenchTransfer.class},
        footer = {"", "The plugin bundle is --plugin PATH, else $STAGEWAY_PLUGIN, else stageway-plugin.zip beside the jar.",
                "Exit codes: 0 success, 2 configuration or usage error, 3 authentication or authorisation failure, "
                        + "4 data or storage error, 1 anything else."})
public final class Stageway implements Callable<Integer> {
    static final int OK = 0;
    /** Third-party loggers that write secrets at DEBUG or TRACE. */
    static final java.util.List<String> SECRET_LOGGERS = java.util.List.of("software.amazon.awssdk.http.auth.aws.internal.signer",
            "software.amazon.awssdk.auth.signer", "org.apache.http.wire", "org.apache.http.headers");
    static final int USAGE = 2;

    @Option(names = "--plugin", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The plugin bundle (stageway-plugin.zip or its unpacked folder).")
    Path plugin;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Adds Stageway's debug lines to the log (never secrets).")
    boolean verbose;

    final PrintStream out;
    final PrintStream err;

    private Stageway(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Before any logger exists: quiet by default, our own debug lines with --verbose (never secrets).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // Loggers that print credentials below INFO stay at INFO unless named one by one: the SDK's signer logs each
        // canonical request, session token included, at DEBUG; Apache's wire and header logs show every header.
        for (String logger : SECRET_LOGGERS) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            System.setProperty(key, System.getProperty(key, "info"));
        }
        if (Arrays.asList(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.stageway", "debug");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns its exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        // Mapping files are the operator's own: their ${env:...} and ${file:...} references resolve.
        References.enable();
        CommandLine cli = new CommandLine(new Stageway(out, err));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, line, parsed) -> failed(e, err));
        // picocli's own answer to a bad command line (with "Did you mean" suggestions) exits with 2 too.
        return cli.execute(args);
    }

    /** No command: the usage, as an error. */
    @Override
    public Integer call() {
        CommandLine.usage(this, err);
        return USAGE;
    }

    /** The bundle: --plugin, else $STAGEWAY_PLUGIN, else the one beside the running jar. */
    Path bundle() {
        if (plugin != null) {
            return plugin;
        }
        String env = System.getenv("STAGEWAY_PLUGIN");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try {
            // Beside stageway.jar, or beside target/classes when run from the build.
            Path jar = Path.of(Stageway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().resolve("stageway-plugin.zip");
        } catch (Exception e) {
            return Path.of("stageway-plugin.zip");
        }
    }

    /** A command's failure as the user sees it: what to fix, and the exit code of its kind. */
    private static int failed(Exception e, PrintStream err) {
        if (e instanceof ConfigurationException c) {
            for (Problem problem : c.problems()) {
                err.println(problem);
            }
            return ErrorKind.CONFIGURATION.exitCode();
        }
        if (e instanceof StagewayException s) {
            err.println(s.getMessage());
            return s.kind().exitCode();
        }
        err.println("Unexpected failure: " + e);
        return ErrorKind.INTERNAL.exitCode();
    }

    /** The harness's version and the plugin contract it speaks. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Stageway.class.getResourceAsStream("/stageway-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"stageway " + p.getProperty("version", "(unknown version)") + ", plugin contract (SPI) "
                    + dev.stageway.spi.PluginBundle.SPI_VERSION};
        }
    }
}
