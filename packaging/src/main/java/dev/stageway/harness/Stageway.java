package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code stageway} harness: loads the connectors from the plugin bundle, as a runtime would,
 * and describes, validates, checks and runs mappings; prints trust policies; runs the local
 * sandbox and the demo. Exit codes: 0 success, 2 configuration or usage error, 3 authentication
 * or authorisation failure, 4 data or storage error, 1 anything else.
 */
public final class Stageway {
    static final int OK = 0;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: java -jar stageway.jar [--plugin PATH] [--verbose] <command> [arguments]

            commands:
              describe [s3|redshift]        every property: name, type, default, required, sensitive, group, description
              validate FILE                 all problems of a mapping file, one line each; exit 0 when valid
              check FILE                    test the connection of each side of a mapping, step by step
              run FILE [--report FILE.json] [--run-id ID] [--parallelism N]
                                            run a mapping, with progress and a summary; N tasks at once (default 1)
              trust-policy --account ID [--principal-arn ARN] [--external-id ID] [--folder PATH]
                                            the trust policy (and permissions policy) a customer installs on the role
              sandbox [--config FILE] [--write-env FILE]
                                            run the local sandbox (S3, STS, IMDS, Redshift) until interrupted
              demo                          run every path on the local sandbox and show what happened
              bench [--quick] [--json] [--only upload,staging,...]
                                            throughput and session figures against baselines measured in the same run

            The plugin bundle is --plugin PATH, else $STAGEWAY_PLUGIN, else stageway-plugin.zip beside the jar.
            """;

    private Stageway() {
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Before any logger exists: quiet by default, our own debug lines with --verbose (never secrets).
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.stageway", "debug");
        }
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns its exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        rest.remove("--verbose");
        Path plugin = null;
        int p = rest.indexOf("--plugin");
        if (p >= 0) {
            if (p + 1 >= rest.size()) {
                err.println("--plugin needs a path");
                return USAGE;
            }
            plugin = Path.of(rest.get(p + 1));
            rest.remove(p + 1);
            rest.remove(p);
        }
        if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("help")) {
            (rest.isEmpty() ? err : out).print(USAGE_TEXT);
            return rest.isEmpty() ? USAGE : OK;
        }
        String command = rest.remove(0);
        try {
            Path bundle = plugin != null ? plugin : defaultBundle();
            return switch (command) {
                case "describe" -> Commands.describe(bundle, rest, out);
                case "validate" -> Commands.validate(bundle, rest, out);
                case "check" -> Commands.check(bundle, rest, out);
                case "run" -> Commands.run(bundle, rest, out);
                case "trust-policy" -> TrustPolicy.command(rest, out);
                case "sandbox" -> SandboxCommand.run(rest, out);
                case "demo" -> Demo.run(bundle, out);
                case "bench" -> Bench.run(bundle, rest, out);
                case "bench-transfer" -> Bench.transfer(bundle, rest, out);   // internal: the memory figure's child JVM
                default -> {
                    err.println("unknown command '" + command + "'");
                    err.print(USAGE_TEXT);
                    yield USAGE;
                }
            };
        } catch (ConfigurationException e) {
            for (Problem problem : e.problems()) {
                err.println(problem);
            }
            return ErrorKind.CONFIGURATION.exitCode();
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        } catch (StagewayException e) {
            err.println(e.getMessage());
            return e.kind().exitCode();
        } catch (Exception e) {
            err.println("Unexpected failure: " + e);
            return ErrorKind.INTERNAL.exitCode();
        }
    }

    /** The bundle beside the running jar, or named by STAGEWAY_PLUGIN. */
    static Path defaultBundle() {
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

    /** A command line that does not fit the command. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The value after {@code option} in {@code args}, removed from them; null when absent. */
    static String option(List<String> args, String option) {
        int i = args.indexOf(option);
        if (i < 0) {
            return null;
        }
        if (i + 1 >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }
}
