package dev.stageway.harness;

import dev.stageway.spi.RunContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The harness's commands as picocli declares them: options and help here, the work in the classes they call. */
final class Subcommands {
    private Subcommands() {
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Every property of the connectors: name, type, default, required, sensitive, group, description.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Parameters(arity = "0..1", paramLabel = "CONNECTOR", description = "s3 or redshift; all when omitted.")
        String connector;

        @Override
        public Integer call() {
            return Commands.describe(top.bundle(), connector, top.out);
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Every problem of a mapping file, one line each, without any network call; exit 0 when valid.")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Parameters(paramLabel = "FILE", description = "The mapping file (source.* and target.* properties).")
        Path file;

        @Override
        public Integer call() {
            return Commands.validate(top.bundle(), file, top.out);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Tests the connection of each side of a mapping, step by step, with a hint for each failed step.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Parameters(paramLabel = "FILE", description = "The mapping file.")
        Path file;

        @Override
        public Integer call() {
            return Commands.check(top.bundle(), file, top.out);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs a mapping: plans the source into splits, runs them as tasks, commits once; prints progress and a summary.")
    static final class Run implements Callable<Integer> {
        /** At most this many tasks at once: each holds a task's memory, so the run's bound is this many times one's. */
        static final int MAX_PARALLELISM = 64;

        @ParentCommand
        Stageway top;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The mapping file.")
        Path file;

        @Option(names = "--report", paramLabel = "FILE.json", description = "Also writes the summary as JSON.")
        Path report;

        @Option(names = "--run-id", paramLabel = "ID", description = "Names the run (default: a new one); a Redshift load "
                + "of a run id already loaded loads nothing. 1 to 64 letters, digits, '.', '_' or '-'.")
        String runId;

        @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1", description = "Tasks at once, 1 to "
                + MAX_PARALLELISM + " (default 1: one task, today's object names); memory is N times one task's.")
        int parallelism;

        @Override
        public Integer call() {
            if (runId != null && !RunContext.isValidRunId(runId)) {
                throw new ParameterException(spec.commandLine(), "--run-id must be " + RunContext.RUN_ID_RULE + ", was " + runId);
            }
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new ParameterException(spec.commandLine(), "--parallelism must be 1 to " + MAX_PARALLELISM + ", was "
                        + parallelism);
            }
            return Commands.run(top.bundle(), file, report, runId, parallelism, top.out);
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Aborts the multipart uploads and removes the staging folders that runs of a mapping left behind when their "
                    + "process died, and nothing else; prints what it removed.")
    static final class CleanupCommand implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Parameters(paramLabel = "FILE", description = "The mapping file: its target's folder and its staging paths are searched.")
        Path file;

        @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "24h", description = "Only what was made longer ago "
                + "than this: a number and s, m, h or d (default 24h, which spares runs that started less than a day ago).")
        String olderThan;

        @Option(names = "--dry-run", description = "Lists what would be removed; removes nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            return Cleanup.run(top.bundle(), file, Cleanup.age(olderThan), dryRun, top.out);
        }
    }

    @Command(name = "trust-policy", mixinStandardHelpOptions = true,
            description = "The trust policy (and least-privilege permissions) a customer installs on the role Stageway assumes.")
    static final class TrustPolicyCommand implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Option(names = "--account", paramLabel = "ID", description = "The 12-digit account of the agent that assumes the role.")
        String account;

        @Option(names = "--principal-arn", paramLabel = "ARN", description = "Trust one IAM user or role of that account instead.")
        String principal;

        @Option(names = "--external-id", paramLabel = "ID", description = "The customer's External Id (sts:ExternalId condition).")
        String externalId;

        @Option(names = "--folder", paramLabel = "PATH", description = "Permissions for the S3 source and target in this folder.")
        String folder;

        @Option(names = "--staging", paramLabel = "PATH", description = "Permissions for the Redshift staging folder.")
        String staging;

        @Option(names = "--kms-key", paramLabel = "ARN", description = "Permissions to use this KMS key (SSE-KMS).")
        String kmsKey;

        @Option(names = "--redshift-cluster", paramLabel = "ARN", description = "Permissions to log in to this cluster with "
                + "redshift.auth=iam (arn:aws:redshift:<region>:<account>:cluster:<id>).")
        String cluster;

        @Option(names = "--redshift-database", paramLabel = "NAME", description = "With --redshift-cluster: the database (default dev).")
        String database;

        @Option(names = "--redshift-user", paramLabel = "NAME", description = "With --redshift-cluster: log in as this database user "
                + "(redshift.user) instead of the IAM identity's own.")
        String user;

        @Option(names = "--redshift-workgroup", paramLabel = "ARN", description = "Permissions to log in to this Serverless workgroup "
                + "with redshift.auth=iam (arn:aws:redshift-serverless:<region>:<account>:workgroup/<id>).")
        String workgroup;

        @Option(names = "--redshift-role", description = "With --staging: the trust policy and permissions of the cluster's role.")
        boolean redshiftRole;

        @Override
        public Integer call() {
            return TrustPolicy.command(account, principal, externalId, folder, staging, kmsKey, cluster, database, user, workgroup,
                    redshiftRole, top.out);
        }
    }

    @Command(name = "sandbox", mixinStandardHelpOptions = true,
            description = "Runs the local sandbox (S3, STS, IMDSv2, KMS, Redshift) until interrupted.")
    static final class Sandbox implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Option(names = "--config", paramLabel = "FILE", description = "A sandbox configuration instead of the default one.")
        String config;

        @Option(names = "--write-env", paramLabel = "FILE", description = "Writes the endpoints and sandbox credentials a mapping needs.")
        String envFile;

        @Option(names = "--faults", paramLabel = "FILE", description = "Arms the faults in this JSON file (S3 errors, resets, truncated "
                + "or slow answers; STS throttling or outage; Redshift dropped connections and error 1023).")
        String faults;

        @Override
        public Integer call() {
            return SandboxCommand.run(config, envFile, faults, top.out);
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Runs every path on the local sandbox through the plugin bundle and shows what happened.")
    static final class Demo implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Override
        public Integer call() {
            return dev.stageway.harness.Demo.run(top.bundle(), top.out);
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Throughput, memory and session figures against baselines measured in the same run.")
    static final class Bench implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Spec
        CommandSpec spec;

        @Option(names = "--quick", description = "Smaller transfers and fewer rounds (about a minute and a half).")
        boolean quick;

        @Option(names = "--json", description = "The figures as JSON.")
        boolean json;

        @Option(names = "--only", split = ",", paramLabel = "FIGURE", description = "Some figures: upload, download, staging, memory, sts-calls.")
        List<String> only;

        @Override
        public Integer call() throws Exception {
            try {
                return dev.stageway.harness.Bench.run(top.bundle(), quick, json, dev.stageway.harness.Bench.only(only), top.out);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    /** The child JVM of the memory figure. */
    @Command(name = "bench-transfer", hidden = true)
    static final class BenchTransfer implements Callable<Integer> {
        @ParentCommand
        Stageway top;

        @Parameters(index = "0")
        long bytes;

        @Parameters(index = "1..*")
        Map<String, String> connection;

        @Override
        public Integer call() throws Exception {
            return HeapProbe.child(top.bundle(), bytes, connection, top.out);
        }
    }
}
