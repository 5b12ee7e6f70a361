package dev.stageway.redshift;

import dev.stageway.aws.AwsProperties;
import dev.stageway.config.ConfigurationException;
import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.config.PropertyType;
import dev.stageway.config.Rule;
import dev.stageway.config.Secret;
import dev.stageway.s3.transfer.ObjectOptions.Encryption;
import dev.stageway.s3.transfer.S3Location;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Properties of the Redshift connector; AWS credentials come from {@link AwsProperties#CONNECTION}. */
public final class RedshiftProperties {
    private RedshiftProperties() {
    }

    static final String CLUSTER = "Redshift cluster";
    static final String STAGING = "Redshift staging";
    static final String LOAD = "Redshift load";
    static final String READ = "Redshift read";

    public enum CopyAuth { CREDENTIALS, IAM_ROLE }

    public enum Auth { PASSWORD, IAM }

    public enum LoadMode { APPEND, TRUNCATE, UPSERT, DELETE }

    public enum DirectLoad { AUTO, ON, OFF }

    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    private static final Pattern TABLE_NAME = Pattern.compile("([A-Za-z_][\\w$]*\\.)?[A-Za-z_][\\w$]*");

    public static final PropertyDescriptor<String> JDBC_URL = PropertyDescriptor.builder("redshift.jdbc-url", PropertyType.STRING)
            .group(CLUSTER).required()
            .doc("JDBC URL of the cluster or workgroup: `jdbc:redshift://<endpoint>:5439/<database>`.")
            .validator(v -> v.startsWith("jdbc:redshift://") ? Optional.empty()
                    : Optional.of("must start with jdbc:redshift:// (the Redshift JDBC driver's URL)"))
            .build();

    public static final PropertyDescriptor<Auth> AUTH = PropertyDescriptor.builder("redshift.auth", PropertyType.oneOf(Auth.class))
            .group(CLUSTER).defaultValue(Auth.PASSWORD)
            .doc("How the database login is made: `password` with `redshift.user` and `redshift.password`; `iam` with temporary "
                    + "database credentials that the connection's AWS identity obtains for each new connection (no stored password): "
                    + "on a provisioned cluster `redshift:GetClusterCredentialsWithIAM` (the user is the IAM identity's own, "
                    + "`IAM:<user>` or `IAMR:<role>`), or `redshift:GetClusterCredentials` when `redshift.user` is set; on Serverless "
                    + "`redshift-serverless:GetCredentials`. `stageway trust-policy` prints the permission.")
            .build();

    public static final PropertyDescriptor<String> USER = PropertyDescriptor.builder("redshift.user", PropertyType.STRING)
            .group(CLUSTER)
            .doc("Database user. Required with `redshift.auth=password`; with `iam` on a provisioned cluster, the existing user "
                    + "to log in as (GetClusterCredentials) instead of the IAM identity's own.")
            .build();

    public static final PropertyDescriptor<Secret> PASSWORD = PropertyDescriptor.builder("redshift.password", PropertyType.SECRET)
            .group(CLUSTER)
            .doc("Database user's password; required with `redshift.auth=password`, refused with `iam`.")
            .build();

    public static final PropertyDescriptor<String> CLUSTER_ID = PropertyDescriptor.builder("redshift.cluster-id", PropertyType.STRING)
            .group(CLUSTER)
            .doc("With `redshift.auth=iam`: the provisioned cluster's identifier, when the JDBC URL's host does not name it "
                    + "(`<cluster>.<id>.<region>.redshift.amazonaws.com` does).")
            .validator(v -> v.matches("[a-z][a-z0-9-]{0,62}") ? Optional.empty()
                    : Optional.of("must be a cluster identifier: a lowercase letter, then up to 62 lowercase letters, digits or hyphens"))
            .build();

    public static final PropertyDescriptor<String> WORKGROUP = PropertyDescriptor.builder("redshift.workgroup", PropertyType.STRING)
            .group(CLUSTER)
            .doc("With `redshift.auth=iam`: the Redshift Serverless workgroup's name, when the JDBC URL's host does not name it "
                    + "(`<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com` does).")
            .validator(v -> v.matches("[a-z0-9-]{3,64}") ? Optional.empty()
                    : Optional.of("must be a workgroup name: 3 to 64 lowercase letters, digits or hyphens"))
            .build();

    public static final PropertyDescriptor<Boolean> AUTO_CREATE_USER = PropertyDescriptor.builder("redshift.auto-create-user",
                    PropertyType.BOOLEAN)
            .group(CLUSTER).defaultValue(false)
            .doc("With `redshift.auth=iam` and `redshift.user` on a provisioned cluster: create the user at first login if it "
                    + "does not exist (needs `redshift:CreateClusterUser`).")
            .build();

    public static final PropertyDescriptor<String> DB_GROUPS = PropertyDescriptor.builder("redshift.db-groups", PropertyType.STRING)
            .group(CLUSTER)
            .doc("With `redshift.auth=iam` and `redshift.user` on a provisioned cluster: comma-separated database groups the user "
                    + "joins for the session (needs `redshift:JoinGroup` on each).")
            .validator(v -> dbGroups(v).stream().allMatch(g -> g.matches("[a-z][a-z0-9_+.@-]{0,63}")) && !dbGroups(v).isEmpty()
                    ? Optional.empty() : Optional.of("must be comma-separated group names, each a lowercase letter followed by up "
                    + "to 63 lowercase letters, digits or _ + . @ -"))
            .build();

    public static final PropertyDescriptor<URI> REDSHIFT_ENDPOINT = PropertyDescriptor.builder("aws.redshift.endpoint", PropertyType.URL)
            .group(CLUSTER)
            .doc("Redshift API endpoint for `redshift.auth=iam` on a cluster, instead of the regional endpoint of `aws.region` "
                    + "(VPC endpoint, local sandbox).")
            .build();

    public static final PropertyDescriptor<URI> SERVERLESS_ENDPOINT = PropertyDescriptor.builder("aws.redshift-serverless.endpoint",
                    PropertyType.URL)
            .group(CLUSTER)
            .doc("Redshift Serverless API endpoint for `redshift.auth=iam` on a workgroup, instead of the regional endpoint of "
                    + "`aws.region` (VPC endpoint, local sandbox).")
            .build();

    public static final PropertyDescriptor<String> STAGING_PATH = PropertyDescriptor.builder("redshift.staging-path", PropertyType.STRING)
            .group(STAGING).required()
            .doc("S3 folder where loads are staged and unloads land (`bucket/prefix` or any form `s3.folder-path` takes); "
                    + "each run uses its own sub-folder. The AWS credentials of the connection must be able to write and delete there.")
            .validator(S3Location::problem)
            .build();

    public static final PropertyDescriptor<CopyAuth> COPY_AUTH = PropertyDescriptor.builder("redshift.copy-auth",
                    PropertyType.oneOf(CopyAuth.class))
            .group(STAGING).defaultValue(CopyAuth.CREDENTIALS)
            .doc("How COPY and UNLOAD reach S3: `credentials` embeds the connection's temporary credentials (renewed first "
                    + "so they outlive the statement); `iam-role` uses `redshift.iam-role`, attached to the cluster.")
            .build();

    public static final PropertyDescriptor<String> IAM_ROLE = PropertyDescriptor.builder("redshift.iam-role", PropertyType.STRING)
            .group(STAGING)
            .doc("For `redshift.copy-auth=iam-role`: the role ARN attached to the cluster, or a comma-separated chain "
                    + "(the cluster's role, then roles it assumes).")
            .dependsOn("redshift.copy-auth")
            .validator(v -> {
                for (String arn : v.split(",")) {
                    if (!ROLE_ARN.matcher(arn.strip()).matches()) {
                        return Optional.of("must be one IAM role ARN or a comma-separated chain of them; '" + arn.strip()
                                + "' is not an IAM role ARN");
                    }
                }
                return Optional.empty();
            })
            .build();

    public static final PropertyDescriptor<Long> CREDENTIAL_VALIDITY = PropertyDescriptor.builder(
                    "redshift.copy.credential-validity-seconds", PropertyType.integer(1, 43_200))
            .group(STAGING).defaultValue(600L)
            .doc("With `credentials`, the temporary credentials embedded in a COPY or UNLOAD must stay valid at least this "
                    + "long; older ones are renewed first. Must not exceed `aws.temporary-credential-duration`.")
            .build();

    public static final PropertyDescriptor<Encryption> STAGING_SSE = PropertyDescriptor.builder("redshift.staging.sse",
                    PropertyType.oneOf(Encryption.class))
            .group(STAGING).defaultValue(Encryption.NONE)
            .doc("Server-side encryption of what is written under the staging path (staged files, manifests, the dry run's "
                    + "file) and of what UNLOAD writes there, and of the file in `redshift.rejected-rows-path`: `none` (the bucket's "
                    + "default), `sse-s3` (AES256) or `sse-kms` with `redshift.staging.kms-key-id`, for a bucket whose policy "
                    + "requires it.")
            .build();

    public static final PropertyDescriptor<String> STAGING_KMS_KEY = PropertyDescriptor.builder("redshift.staging.kms-key-id",
                    PropertyType.STRING)
            .group(STAGING)
            .doc("For `redshift.staging.sse=sse-kms`: the KMS key's ARN or ID (UNLOAD names it as KMS_KEY_ID). The connection's "
                    + "identity needs kms:GenerateDataKey and kms:Decrypt on it; with `redshift.copy-auth=iam-role`, so does the "
                    + "cluster's role.")
            .dependsOn("redshift.staging.sse")
            .build();

    static final Rule STAGING_KEY_WITH_KMS = p -> {
        boolean kms = p.get(STAGING_SSE) == Encryption.SSE_KMS;
        if (kms && !p.isSet(STAGING_KMS_KEY)) {
            return List.of(new Problem(List.of(STAGING_KMS_KEY.name(), STAGING_SSE.name()), "is required with "
                    + "redshift.staging.sse=sse-kms: UNLOAD must name the key"));
        }
        return !kms && p.isSet(STAGING_KMS_KEY) ? List.of(new Problem(List.of(STAGING_KMS_KEY.name(), STAGING_SSE.name()),
                "is only used with redshift.staging.sse=sse-kms")) : List.of();
    };

    public static final PropertyDescriptor<Boolean> KEEP_STAGING_ON_FAILURE = PropertyDescriptor.builder(
                    "redshift.staging.keep-on-failure", PropertyType.BOOLEAN)
            .group(STAGING).defaultValue(false)
            .doc("Keep the staged files when a load fails, to inspect them. They are always removed after success.")
            .build();

    public static final PropertyDescriptor<String> TABLE = PropertyDescriptor.builder("redshift.table", PropertyType.STRING)
            .group(LOAD)
            .doc("Target table, `schema.table` or `table`; created from the records' schema when missing. For a source: "
                    + "the table to read (or use `redshift.query`).")
            .validator(v -> TABLE_NAME.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be table or schema.table, each a letter or _ followed by letters, digits, _ or $"))
            .build();

    public static final PropertyDescriptor<LoadMode> LOAD_MODE = PropertyDescriptor.builder("redshift.load-mode",
                    PropertyType.oneOf(LoadMode.class))
            .group(LOAD).defaultValue(LoadMode.APPEND)
            .doc("`append` adds the rows; `truncate` replaces the table's rows; `upsert` replaces rows with the same "
                    + "`redshift.key-columns` and adds the others; `delete` removes rows whose keys match. All in one transaction.")
            .build();

    public static final PropertyDescriptor<String> KEY_COLUMNS = PropertyDescriptor.builder("redshift.key-columns", PropertyType.STRING)
            .group(LOAD)
            .doc("Comma-separated key columns for `upsert` and `delete`.")
            .dependsOn("redshift.load-mode")
            .build();

    public static final PropertyDescriptor<String> PRE_SQL = PropertyDescriptor.builder("redshift.pre-sql", PropertyType.STRING)
            .group(LOAD)
            .doc("SQL run in the load's transaction before it.")
            .build();

    public static final PropertyDescriptor<String> POST_SQL = PropertyDescriptor.builder("redshift.post-sql", PropertyType.STRING)
            .group(LOAD)
            .doc("SQL run in the load's transaction after it.")
            .build();

    public static final PropertyDescriptor<Long> STAGING_FILES = PropertyDescriptor.builder("redshift.staging.files",
                    PropertyType.integer(1, 1024))
            .group(LOAD)
            .doc("How many gzip CSV files a load stages in parallel. COPY loads one file per slice at a time, so the default is "
                    + "the cluster's slice count, capped at " + RedshiftWrite.DEFAULT_FILES_CAP + " (on Serverless, which shows no "
                    + "slices, " + RedshiftConnection.UNKNOWN_SLICES + "). Each file being "
                    + "filled holds up to 8 MiB of memory: raise it to the slice count on large clusters when memory allows.")
            .build();

    public static final PropertyDescriptor<String> LOAD_LOG_TABLE = PropertyDescriptor.builder("redshift.load-log-table",
                    PropertyType.STRING)
            .group(LOAD).defaultValue("stageway_load_log")
            .doc("Where each load records its run id, in the load's own transaction, so a retried run (the same run id) never "
                    + "loads twice. Created on first use; `table` is in the target table's schema, or give `schema.table`. The "
                    + "user needs CREATE on that schema once, then INSERT and SELECT on the table.")
            .validator(v -> TABLE_NAME.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be table or schema.table, each a letter or _ followed by letters, digits, _ or $"))
            .build();

    public static final PropertyDescriptor<Long> MAX_REJECTED_ROWS = PropertyDescriptor.builder("redshift.max-rejected-rows",
                    PropertyType.integer(0, 100_000))
            .group(LOAD).defaultValue(0L)
            .doc("How many rows COPY may reject and skip (its MAXERROR) while loading the rest; one more fails the load and leaves "
                    + "the table unchanged. Rejected rows are counted (`rowsRejected`), the first 100 listed in `run --report` as "
                    + "`rejected`, with record number, staged file, line, column, reason and (on a provisioned cluster) the raw line.")
            .build();

    public static final PropertyDescriptor<String> REJECTED_ROWS_PATH = PropertyDescriptor.builder("redshift.rejected-rows-path",
                    PropertyType.STRING)
            .group(LOAD)
            .doc("S3 folder where a load that rejected rows writes all of them, as `rejected-rows-<run id>.csv` with a header "
                    + "(record, file, line, column, reason, raw_line), just before the load commits: if it cannot be written, "
                    + "nothing is loaded, and a load that fails after writing it removes it. The connection's AWS identity writes it "
                    + "(s3:PutObject and s3:DeleteObject there), encrypted as `redshift.staging.sse` says.")
            .dependsOn("redshift.max-rejected-rows")
            .validator(S3Location::problem)
            .build();

    public static final PropertyDescriptor<Boolean> TRUNCATE_LONG_VALUES = PropertyDescriptor.builder("redshift.truncate-long-values",
                    PropertyType.BOOLEAN)
            .group(LOAD).defaultValue(false)
            .doc("Cut strings longer than their column (at most " + RedshiftStatements.MAX_VARCHAR + " bytes of UTF-8, Redshift's "
                    + "widest VARCHAR) to its width, at a character boundary (COPY's TRUNCATECOLUMNS); the summary counts them as "
                    + "`values truncated`. Otherwise a string longer than " + RedshiftStatements.MAX_VARCHAR + " bytes fails the "
                    + "load before any COPY, naming its record, column and length, and one longer than a narrower column is a "
                    + "rejected row.")
            .build();

    public static final PropertyDescriptor<DirectLoad> DIRECT_LOAD = PropertyDescriptor.builder("redshift.direct-load",
                    PropertyType.oneOf(DirectLoad.class))
            .group(LOAD).defaultValue(DirectLoad.AUTO)
            .doc("`auto` loads CSV objects of an S3 source with one COPY straight from them (a manifest of exactly the listed "
                    + "objects; no row through the agent, nothing staged but the manifest) when COPY reads them as the S3 source "
                    + "would: UTF-8, one ASCII delimiter and quote, a `csv.null-value` that is not empty, more than one column, "
                    + "a header on one line, lines ending in LF alone, gzip or plain; the table exists; and COPY reads them with "
                    + "the temporary credentials of the connection the source shares. Each object's first line is checked when "
                    + "the path is chosen, and each ETag compared again before the load commits. `on` also takes it "
                    + "with `redshift.copy-auth=iam-role`, whose role must then read the source folder (s3:GetObject; "
                    + "`trust-policy --folder ... --redshift-role` prints it). The run report says `path` and, when the direct "
                    + "load was not taken, `pathReason`. `off` streams every row through the agent and stages it.")
            .build();

    public static final PropertyDescriptor<String> QUERY = PropertyDescriptor.builder("redshift.query", PropertyType.STRING)
            .group(READ)
            .doc("For a source: the SELECT to read, instead of `redshift.table`.")
            .build();

    static final Rule IAM_ROLE_WHEN_NEEDED = p -> {
        boolean role = p.get(COPY_AUTH) == CopyAuth.IAM_ROLE;
        if (role && !p.isSet(IAM_ROLE)) {
            return List.of(new Problem(List.of(IAM_ROLE.name(), COPY_AUTH.name()), "is required with redshift.copy-auth=iam-role"));
        }
        if (!role && p.isSet(IAM_ROLE)) {
            return List.of(new Problem(List.of(IAM_ROLE.name(), COPY_AUTH.name()), "is only used with redshift.copy-auth=iam-role"));
        }
        return List.of();
    };

    /** What each way of logging in needs, and what it must not be given. */
    static final Rule LOGIN = p -> {
        List<Problem> problems = new ArrayList<>();
        if (p.get(AUTH) == Auth.PASSWORD) {
            for (PropertyDescriptor<?> required : List.of(USER, PASSWORD)) {
                if (!p.isSet(required)) {
                    problems.add(new Problem(List.of(required.name(), AUTH.name()), "is required with redshift.auth=password "
                            + "(or use redshift.auth=iam to log in with the connection's AWS identity)"));
                }
            }
            for (PropertyDescriptor<?> iamOnly : List.of(CLUSTER_ID, WORKGROUP, AUTO_CREATE_USER, DB_GROUPS, REDSHIFT_ENDPOINT,
                    SERVERLESS_ENDPOINT)) {
                if (p.isSet(iamOnly)) {
                    problems.add(new Problem(List.of(iamOnly.name(), AUTH.name()), "is only used with redshift.auth=iam"));
                }
            }
            return problems;
        }
        if (p.isSet(PASSWORD)) {
            problems.add(new Problem(List.of(PASSWORD.name(), AUTH.name()), "must not be set with redshift.auth=iam: each "
                    + "connection logs in with a temporary password obtained with the connection's AWS identity"));
        }
        problems.addAll(DatabaseEndpoint.problems(p));
        return problems;
    };

    static List<String> dbGroups(String value) {
        return java.util.Arrays.stream(value.split(",")).map(String::strip).filter(g -> !g.isEmpty()).toList();
    }

    static final Rule TABLE_AND_KEYS = p -> {
        List<Problem> problems = new ArrayList<>();
        if (!p.isSet(TABLE)) {
            problems.add(Problem.of(TABLE.name(), "is required: the table to load"));
        }
        LoadMode mode = p.get(LOAD_MODE);
        boolean keyed = mode == LoadMode.UPSERT || mode == LoadMode.DELETE;
        if (keyed && !p.isSet(KEY_COLUMNS)) {
            problems.add(new Problem(List.of(KEY_COLUMNS.name(), LOAD_MODE.name()), "is required with redshift.load-mode="
                    + PropertyType.spelling(mode) + ": the columns that identify a row"));
        }
        if (!keyed && p.isSet(KEY_COLUMNS)) {
            problems.add(new Problem(List.of(KEY_COLUMNS.name(), LOAD_MODE.name()), "is only used with redshift.load-mode=upsert or delete"));
        }
        return problems;
    };

    static final Rule TABLE_OR_QUERY = p -> p.isSet(TABLE) == p.isSet(QUERY)
            ? List.of(new Problem(List.of(TABLE.name(), QUERY.name()), "set exactly one: the table to read, or the query"))
            : List.of();

    /** The cluster's own connection properties (the AWS ones come from {@link AwsProperties#CONNECTION}). */
    public static final PropertyTable CLUSTER_TABLE = PropertyTable.of("Redshift cluster", List.of(JDBC_URL, AUTH, USER, PASSWORD,
            CLUSTER_ID, WORKGROUP, AUTO_CREATE_USER, DB_GROUPS, REDSHIFT_ENDPOINT, SERVERLESS_ENDPOINT,
            STAGING_PATH, STAGING_SSE, STAGING_KMS_KEY, COPY_AUTH, IAM_ROLE, CREDENTIAL_VALIDITY, KEEP_STAGING_ON_FAILURE),
            List.of(LOGIN, IAM_ROLE_WHEN_NEEDED, STAGING_KEY_WITH_KMS));

    /** Connection: AWS credentials (for staging, and COPY's temporary credentials) and the cluster. */
    public static final PropertyTable CONNECTION = PropertyTable.combine("Redshift connection", AwsProperties.CONNECTION,
            CLUSTER_TABLE);

    public static final PropertyTable TARGET = PropertyTable.combine("Redshift target",
            PropertyTable.of("Redshift target", List.of(TABLE, LOAD_MODE, KEY_COLUMNS, PRE_SQL, POST_SQL, STAGING_FILES,
                    LOAD_LOG_TABLE, MAX_REJECTED_ROWS, REJECTED_ROWS_PATH, TRUNCATE_LONG_VALUES, DIRECT_LOAD), List.of(TABLE_AND_KEYS)),
            AwsProperties.ADVANCED);

    public static final PropertyTable SOURCE = PropertyTable.combine("Redshift source",
            PropertyTable.of("Redshift source", List.of(TABLE, QUERY), List.of(TABLE_OR_QUERY)), AwsProperties.ADVANCED);

    /** The target its parsed properties describe. */
    static RedshiftTarget target(ParsedProperties p) {
        String table = p.get(TABLE);
        String log = p.get(LOAD_LOG_TABLE);
        if (!log.contains(".") && table.contains(".")) {
            log = table.substring(0, table.indexOf('.') + 1) + log;
        }
        return new RedshiftTarget(table, p.get(LOAD_MODE), keyColumns(p), p.find(PRE_SQL), p.find(POST_SQL),
                p.find(STAGING_FILES).map(Long::intValue), log, p.get(MAX_REJECTED_ROWS).intValue(),
                p.find(REJECTED_ROWS_PATH).map(S3Location::parse), p.get(TRUNCATE_LONG_VALUES), p.get(DIRECT_LOAD));
    }

    static List<String> keyColumns(ParsedProperties p) {
        return p.find(KEY_COLUMNS).map(k -> List.of(k.split(","))).orElse(List.of()).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** {@code target} with {@link #LOAD_MODE} {@code truncate}; a mode other than append or truncate contradicts replacing. */
    static Map<String, String> replacing(Map<String, String> target) {
        String given = target.get(LOAD_MODE.name());
        if (given != null && !given.equalsIgnoreCase("append") && !given.equalsIgnoreCase("truncate")) {
            throw new ConfigurationException(Problem.of(LOAD_MODE.name(), "is " + given + ", which replacing the table's rows "
                    + "contradicts (that is redshift.load-mode=truncate): add to the table with " + LOAD_MODE.name() + "=" + given
                    + " instead"));
        }
        Map<String, String> replaced = new TreeMap<>(target);
        replaced.put(LOAD_MODE.name(), "truncate");
        return replaced;
    }
}
