package dev.stageway.harness;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.Problem;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Prints the policies a customer installs so Stageway can reach their data with least privilege:
 * the trust policy of the role Stageway assumes (the agent's account or principal, only with the
 * customer's External Id); its permissions for a data folder ({@code --folder}, what the S3
 * source and target need), a Redshift staging folder ({@code --staging}, what staging, COPY with
 * temporary credentials and UNLOAD need) and a KMS key ({@code --kms-key}, what SSE-KMS writes
 * and reads need); logging in to a cluster ({@code --redshift-cluster}) or a Serverless
 * workgroup ({@code --redshift-workgroup}) with {@code redshift.auth=iam}; and with
 * {@code --redshift-role}, the trust and permissions of the role attached to the cluster for
 * {@code redshift.copy-auth=iam-role} (reading the data folder too, for direct loads).
 * <p>Each statement grants one thing a path needs, named by its Sid, so a customer can see what
 * breaks without it. {@code s3:prefix} conditions are on {@code s3:ListBucket} only: S3 supplies
 * that key to no other action, so anywhere else such a condition would grant nothing.
 */
final class TrustPolicy {
    private TrustPolicy() {
    }

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern PRINCIPAL = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):(iam|sts)::\\d{12}:(root|user/.+|role/.+|assumed-role/.+)");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern CLUSTER_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):redshift:([a-z0-9-]+):(\\d{12}):cluster:([a-z][a-z0-9-]{0,62})");
    private static final Pattern WORKGROUP_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):redshift-serverless:[a-z0-9-]+:\\d{12}:workgroup/[0-9a-f-]{36}");
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_+.@-]{0,63}");
    private static final Pattern KMS_KEY = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\\d{12}:key/[0-9a-fA-F-]{36}");

    /** A bucket and a prefix ending in '/' (or empty for the whole bucket). */
    record Folder(String bucket, String prefix) {
        String objects() {
            return "arn:aws:s3:::" + bucket + "/" + prefix + "*";
        }

        String bucketArn() {
            return "arn:aws:s3:::" + bucket;
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    /**
     * Where {@code redshift.auth=iam} logs in: a cluster (its ARN, the database, and the user named
     * with {@code redshift.user}, if any) and a Serverless workgroup (its ARN).
     */
    record DatabaseLogin(Optional<String> clusterArn, String database, Optional<String> user, Optional<String> workgroupArn) {
        /** The ARN of one of the cluster's resources: {@code dbname}, {@code dbuser}. */
        String resource(String type, String name) {
            String cluster = clusterArn.orElseThrow();
            int id = cluster.lastIndexOf(":cluster:");
            return cluster.substring(0, id) + ":" + type + ":" + cluster.substring(id + ":cluster:".length()) + "/" + name;
        }
    }

    /** One statement: a Sid saying what it is for, actions, resources, and for listings the prefix it is limited to. */
    record Grant(String sid, List<String> actions, String resource, Optional<String> listPrefix) {
    }

    /** Prints the policies for the options given (null for those not given); see {@link Subcommands.TrustPolicyCommand}. */
    static int command(String account, String principal, String externalId, String folderText, String stagingText, String kmsKey,
                       String cluster, String database, String user, String workgroup, boolean redshiftRole, PrintStream out) {
        List<Problem> problems = new ArrayList<>();
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            problems.add(Problem.of("--account", "must be the 12-digit account ID of the agent that assumes the role"));
        }
        if (principal != null && (!PRINCIPAL.matcher(principal).matches() || account != null && !principal.contains("::" + account + ":"))) {
            problems.add(Problem.of("--principal-arn", "must be an IAM user or role ARN (or the account root) in account " + account));
        }
        if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
            problems.add(Problem.of("--external-id", "must be 2 to 1224 characters, each a letter, digit or one of _+=,.@:/-"));
        }
        Optional<Folder> folder = folder("--folder", folderText, problems);
        Optional<Folder> staging = folder("--staging", stagingText, problems);
        if (kmsKey != null && !KMS_KEY.matcher(kmsKey).matches()) {
            problems.add(Problem.of("--kms-key", "must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id>"));
        }
        if (cluster != null && !CLUSTER_ARN.matcher(cluster).matches()) {
            problems.add(Problem.of("--redshift-cluster", "must be the cluster's ARN, arn:aws:redshift:<region>:<account>:cluster:<id>"));
        }
        if (workgroup != null && !WORKGROUP_ARN.matcher(workgroup).matches()) {
            problems.add(Problem.of("--redshift-workgroup", "must be the workgroup's ARN, "
                    + "arn:aws:redshift-serverless:<region>:<account>:workgroup/<workgroup id> (aws redshift-serverless get-workgroup "
                    + "--workgroup-name NAME prints it)"));
        }
        if (database != null && !DATABASE_NAME.matcher(database).matches()) {
            problems.add(Problem.of("--redshift-database", "must be a database name: a letter, then up to 63 letters, digits or _+.@-"));
        }
        if (user != null && (!DATABASE_NAME.matcher(user).matches() || user.equalsIgnoreCase("public"))) {
            problems.add(Problem.of("--redshift-user", "must be a database user name other than PUBLIC: a letter, then up to 63 "
                    + "letters, digits or _+.@-"));
        }
        if ((database != null || user != null) && cluster == null) {
            problems.add(Problem.of(database != null ? "--redshift-database" : "--redshift-user", "needs --redshift-cluster"));
        }
        if (redshiftRole && staging.isEmpty()) {
            problems.add(Problem.of("--redshift-role", "needs --staging: the cluster's role reads and writes the staging folder"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        String who = principal != null ? principal : "arn:aws:iam::" + account + ":root";
        out.println("Trust policy of the role Stageway assumes (IAM > Roles > the role > Trust relationships):");
        out.println(trust(who, externalId));
        DatabaseLogin login = new DatabaseLogin(Optional.ofNullable(cluster), database == null ? "dev" : database,
                Optional.ofNullable(user), Optional.ofNullable(workgroup));
        List<Grant> grants = permissions(folder, staging, Optional.ofNullable(kmsKey), login);
        if (!grants.isEmpty()) {
            out.println();
            out.println("Permissions policy of that role (attach to the role):");
            out.println(policy(grants));
        }
        if (login.user().isPresent()) {
            out.println();
            out.println("With redshift.auto-create-user=true, also allow redshift:CreateClusterUser on " + login.resource("dbuser",
                    login.user().get()) + "; with redshift.db-groups, redshift:JoinGroup on " + login.resource("dbgroup", "<group>")
                    + " for each group.");
        }
        if (kmsKey != null) {
            out.println();
            out.println("The key policy of " + kmsKey + " must also allow the role: either name it, or keep the statement that gives the "
                    + "key's account (arn:aws:iam::<account>:root) kms:* so IAM policies such as the one above apply.");
        }
        for (var rules : lifecycleRules(folder, staging).entrySet()) {
            out.println();
            out.println("Lifecycle configuration of bucket " + rules.getKey() + ", so multipart uploads an agent that crashed left open "
                    + "are aborted after " + ABORT_AFTER_DAYS + " days (a run that fails or is interrupted aborts its own): S3 > the "
                    + "bucket > Management > Lifecycle rules, or aws s3api put-bucket-lifecycle-configuration --bucket "
                    + rules.getKey() + " --lifecycle-configuration file://rules.json (it replaces the bucket's rules: merge any it has):");
            out.println(rules.getValue());
        }
        if (redshiftRole) {
            out.println();
            out.println("Trust policy of the role attached to the cluster for redshift.copy-auth=iam-role:");
            out.println(redshiftTrust());
            out.println();
            out.println("Permissions policy of the role attached to the cluster:");
            out.println(policy(redshiftPermissions(staging.get(), folder, Optional.ofNullable(kmsKey))));
        }
        return Stageway.OK;
    }

    /** Days after which S3 aborts an upload still open: well beyond any run, as a long one keeps its uploads open. */
    static final int ABORT_AFTER_DAYS = 7;

    /** Per bucket, the lifecycle configuration that aborts incomplete multipart uploads under the folders given. */
    static Map<String, String> lifecycleRules(Optional<Folder> folder, Optional<Folder> staging) {
        Map<String, List<String>> prefixes = new TreeMap<>();
        for (Optional<Folder> f : List.of(folder, staging)) {
            f.ifPresent(x -> prefixes.computeIfAbsent(x.bucket(), b -> new ArrayList<>()).add(x.prefix()));
        }
        Map<String, String> configurations = new TreeMap<>();
        prefixes.forEach((bucket, list) -> {
            List<String> rules = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                rules.add("    {\n      \"ID\": \"stageway-abort-incomplete-uploads" + (i == 0 ? "" : "-" + (i + 1)) + "\",\n"
                        + "      \"Filter\": {\"Prefix\": \"" + list.get(i) + "\"},\n      \"Status\": \"Enabled\",\n"
                        + "      \"AbortIncompleteMultipartUpload\": {\"DaysAfterInitiation\": " + ABORT_AFTER_DAYS + "}\n    }");
            }
            configurations.put(bucket, "{\n  \"Rules\": [\n" + String.join(",\n", rules) + "\n  ]\n}");
        });
        return configurations;
    }

    private static Optional<Folder> folder(String option, String text, List<Problem> problems) {
        if (text == null) {
            return Optional.empty();
        }
        String f = text.startsWith("s3://") ? text.substring(5) : text;
        int slash = f.indexOf('/');
        String bucket = slash < 0 ? f : f.substring(0, slash);
        String prefix = slash < 0 ? "" : f.substring(slash + 1);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        if (!BUCKET.matcher(bucket).matches()) {
            problems.add(Problem.of(option, "must be bucket/prefix or s3://bucket/prefix"));
            return Optional.empty();
        }
        return Optional.of(new Folder(bucket, prefix));
    }

    static String trust(String principal, String externalId) {
        return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                + "      \"Principal\": {\"AWS\": \"" + principal + "\"},\n      \"Action\": \"sts:AssumeRole\""
                + (externalId == null ? "" : ",\n      \"Condition\": {\"StringEquals\": {\"sts:ExternalId\": \"" + externalId + "\"}}")
                + "\n    }\n  ]\n}";
    }

    static String redshiftTrust() {
        return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                + "      \"Principal\": {\"Service\": \"redshift.amazonaws.com\"},\n      \"Action\": \"sts:AssumeRole\"\n    }\n  ]\n}";
    }

    /**
     * What the role Stageway assumes needs. The data folder: list it (the S3 source, the
     * connection check), read it (the source), write it (the target, in parts), abort uploads a
     * failed write started, delete (the check's probe, and objects a failed commit had already
     * published), list the bucket's open uploads (cleanup) and read its lifecycle rules (the
     * check). The staging folder: the same, for staged files, COPY reading them with the
     * session's credentials, UNLOAD writing and the read that follows it, and cleanup removing
     * dead runs' folders. The KMS key: data keys for SSE-KMS writes, decryption for reads and for
     * multipart writes.
     */
    static List<Grant> permissions(Optional<Folder> folder, Optional<Folder> staging, Optional<String> kmsKey, DatabaseLogin login) {
        List<Grant> grants = new ArrayList<>();
        folder.ifPresent(f -> grants.addAll(folderGrants("Folder", f)));
        staging.ifPresent(s -> grants.addAll(folderGrants("Staging", s)));
        grants.addAll(bucketGrants(folder, staging));
        kmsKey.ifPresent(k -> {
            grants.add(new Grant("EncryptWithKey", List.of("kms:GenerateDataKey"), k, Optional.empty()));
            grants.add(new Grant("DecryptWithKey", List.of("kms:Decrypt"), k, Optional.empty()));
        });
        if (login.clusterArn().isPresent()) {
            if (login.user().isPresent()) {
                grants.add(new Grant("LogInAsDatabaseUser", List.of("redshift:GetClusterCredentials"),
                        login.resource("dbuser", login.user().get()), Optional.empty()));
                grants.add(new Grant("LogInToDatabase", List.of("redshift:GetClusterCredentials"),
                        login.resource("dbname", login.database()), Optional.empty()));
            } else {
                grants.add(new Grant("LogInToCluster", List.of("redshift:GetClusterCredentialsWithIAM"),
                        login.resource("dbname", login.database()), Optional.empty()));
            }
        }
        login.workgroupArn().ifPresent(w -> grants.add(new Grant("LogInToWorkgroup", List.of("redshift-serverless:GetCredentials"), w,
                Optional.empty())));
        return grants;
    }

    private static List<Grant> folderGrants(String name, Folder f) {
        return List.of(
                new Grant("List" + name, List.of("s3:ListBucket"), f.bucketArn(), Optional.of(f.prefix())),
                new Grant("Read" + name, List.of("s3:GetObject"), f.objects(), Optional.empty()),
                new Grant("Write" + name, List.of("s3:PutObject"), f.objects(), Optional.empty()),
                new Grant("AbortUploadsIn" + name, List.of("s3:AbortMultipartUpload"), f.objects(), Optional.empty()),
                new Grant("DeleteIn" + name, List.of("s3:DeleteObject"), f.objects(), Optional.empty()));
    }

    /**
     * Per bucket of the folders: listing its open uploads (cleanup) and reading its lifecycle rules
     * (the connection check). S3 offers no prefix condition for either, so they are the bucket's.
     */
    private static List<Grant> bucketGrants(Optional<Folder> folder, Optional<Folder> staging) {
        List<String> buckets = java.util.stream.Stream.of(folder, staging).flatMap(Optional::stream).map(Folder::bucketArn).distinct()
                .toList();
        List<Grant> grants = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            String n = i == 0 ? "" : String.valueOf(i + 1);
            grants.add(new Grant("ListOpenUploads" + n, List.of("s3:ListBucketMultipartUploads"), buckets.get(i), Optional.empty()));
            grants.add(new Grant("ReadLifecycleRules" + n, List.of("s3:GetLifecycleConfiguration"), buckets.get(i), Optional.empty()));
        }
        return grants;
    }

    /**
     * What the cluster's role needs for IAM_ROLE: COPY reads the staged files and their manifest,
     * and with a data folder that folder's objects too (a direct load, redshift.direct-load, COPYs
     * an S3 source's objects where they are); UNLOAD lists the staging folder (it will not
     * overwrite) and writes its files there; with a KMS key, COPY decrypts what was encrypted
     * with it.
     */
    static List<Grant> redshiftPermissions(Folder staging, Optional<Folder> folder, Optional<String> kmsKey) {
        List<Grant> grants = new ArrayList<>();
        grants.add(new Grant("ListStaging", List.of("s3:ListBucket"), staging.bucketArn(), Optional.of(staging.prefix())));
        grants.add(new Grant("CopyFromStaging", List.of("s3:GetObject"), staging.objects(), Optional.empty()));
        folder.ifPresent(f -> grants.add(new Grant("CopyFromFolder", List.of("s3:GetObject"), f.objects(), Optional.empty())));
        grants.add(new Grant("UnloadToStaging", List.of("s3:PutObject"), staging.objects(), Optional.empty()));
        kmsKey.ifPresent(k -> {
            grants.add(new Grant("DecryptStaged", List.of("kms:Decrypt"), k, Optional.empty()));
            grants.add(new Grant("EncryptUnloaded", List.of("kms:GenerateDataKey"), k, Optional.empty()));
        });
        return grants;
    }

    static String policy(List<Grant> grants) {
        List<String> statements = new ArrayList<>();
        for (Grant g : grants) {
            String actions = g.actions().size() == 1 ? "\"" + g.actions().get(0) + "\""
                    : "[\"" + String.join("\", \"", g.actions()) + "\"]";
            String condition = g.listPrefix().filter(p -> !p.isEmpty())
                    .map(p -> ",\n      \"Condition\": {\"StringLike\": {\"s3:prefix\": [\"" + p + "*\"]}}").orElse("");
            statements.add("    {\n      \"Sid\": \"" + g.sid() + "\",\n      \"Effect\": \"Allow\",\n      \"Action\": " + actions
                    + ",\n      \"Resource\": \"" + g.resource() + "\"" + condition + "\n    }");
        }
        return "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n" + String.join(",\n", statements) + "\n  ]\n}";
    }
}
