package dev.stageway.aws;

import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.config.PropertyType;
import dev.stageway.config.Rule;
import dev.stageway.config.Secret;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The AWS connection properties shared by every connector, and the rules that make them pick
 * exactly one {@link CredentialStrategy}. Limits follow the STS AssumeRole API reference.
 */
public final class AwsProperties {
    private AwsProperties() {
    }

    static final String CREDENTIALS = "AWS credentials";
    static final String ENDPOINTS = "AWS region and endpoints";

    /** STS's lower bound on DurationSeconds. */
    public static final long MIN_DURATION_SECONDS = 900;
    /** STS's upper bound on DurationSeconds (a role's maximum session duration can be at most 12 h). */
    public static final long MAX_DURATION_SECONDS = 43_200;
    /** A role session assuming another role ("role chaining") is limited to one hour by STS. */
    public static final long ROLE_CHAINING_MAX_SECONDS = 3_600;
    /** STS's limit on the plain text of an inline session policy. */
    static final int MAX_SESSION_POLICY_CHARS = 2_048;

    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Za-z0-9]{16,128}");
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    public static final PropertyDescriptor<String> ACCESS_KEY = PropertyDescriptor.builder("aws.access-key-id", PropertyType.STRING)
            .group(CREDENTIALS)
            .doc("Access key ID of the IAM user whose permanent keys the connector uses, directly or to assume `aws.role-arn`. "
                    + "Leave empty to use the EC2 instance role or the agent's own identity.")
            .dependsOn("aws.secret-access-key")
            .validator(v -> ACCESS_KEY_ID.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be 16 to 128 letters and digits (an access key ID such as AKIA...)"))
            .build();

    public static final PropertyDescriptor<Secret> SECRET_KEY = PropertyDescriptor.builder("aws.secret-access-key", PropertyType.SECRET)
            .group(CREDENTIALS)
            .doc("Secret access key that goes with `aws.access-key-id`.")
            .dependsOn("aws.access-key-id")
            .build();

    public static final PropertyDescriptor<String> ROLE_ARN_PROPERTY = PropertyDescriptor.builder("aws.role-arn", PropertyType.STRING)
            .group(CREDENTIALS)
            .doc("ARN of the IAM role to assume through STS AssumeRole, in this or another account "
                    + "(`arn:aws:iam::123456789012:role/name`; partitions aws, aws-cn, aws-us-gov). "
                    + "The caller is the IAM user of `aws.access-key-id`, or the EC2 instance role when "
                    + "`aws.use-ec2-role-to-assume-role` is true.")
            .validator(v -> ROLE_ARN.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be an IAM role ARN arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<path/>name"))
            .build();

    public static final PropertyDescriptor<String> EXTERNAL_ID_PROPERTY = PropertyDescriptor.builder("aws.external-id", PropertyType.STRING)
            .group(CREDENTIALS)
            .doc("External Id the role's trust policy requires (`sts:ExternalId` condition); it stops another tenant "
                    + "of the same agent from using your role (the confused-deputy problem). 2 to 1224 characters of "
                    + "letters, digits and `+=,.@:/-_`.")
            .dependsOn("aws.role-arn")
            .validator(v -> EXTERNAL_ID.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be 2 to 1224 characters, each a letter, digit or one of _+=,.@:/-"))
            .build();

    public static final PropertyDescriptor<Boolean> USE_EC2_ROLE = PropertyDescriptor.builder("aws.use-ec2-role-to-assume-role", PropertyType.BOOLEAN)
            .group(CREDENTIALS)
            .defaultValue(false)
            .doc("When true, the EC2 instance role of the agent's host (read through IMDSv2) assumes `aws.role-arn`. "
                    + "This is role chaining, so STS limits the session to one hour.")
            .dependsOn("aws.role-arn")
            .build();

    public static final PropertyDescriptor<Long> DURATION = PropertyDescriptor.builder("aws.temporary-credential-duration",
                    PropertyType.integer(MIN_DURATION_SECONDS, MAX_DURATION_SECONDS))
            .group(CREDENTIALS)
            .defaultValue(MIN_DURATION_SECONDS)
            .doc("Lifetime in seconds of each assumed-role session (STS DurationSeconds). It must not exceed the role's "
                    + "maximum session duration, and 3600 when the EC2 instance role assumes the role (role chaining). "
                    + "Sessions are renewed before they expire, so a long job does not need a long duration. "
                    + "A source or target may override the connection's value.")
            .dependsOn("aws.role-arn")
            .build();

    public static final PropertyDescriptor<String> SESSION_NAME_PROPERTY = PropertyDescriptor.builder("aws.role-session-name", PropertyType.STRING)
            .group(CREDENTIALS)
            .doc("Role session name shown in the role owner's CloudTrail. Default: `stageway-` and a digest of the caller and "
                    + "the role, the same for every run of a tenant on an agent, so runs share a session (each request's User-Agent, "
                    + "`stageway/<version> run/<run id>`, names its run). 2 to 64 characters of letters, digits and `+=,.@-_`.")
            .dependsOn("aws.role-arn")
            .validator(v -> SESSION_NAME.matcher(v).matches() ? Optional.empty()
                    : Optional.of("must be 2 to 64 characters, each a letter, digit or one of _+=,.@-"))
            .build();

    public static final PropertyDescriptor<String> SESSION_POLICY = PropertyDescriptor.builder("aws.session-policy", PropertyType.STRING)
            .group(CREDENTIALS)
            .doc("Optional inline IAM policy (JSON) that narrows what the assumed-role session may do, at most 2048 characters.")
            .dependsOn("aws.role-arn")
            .validator(v -> v.length() > MAX_SESSION_POLICY_CHARS
                    ? Optional.of("must be at most " + MAX_SESSION_POLICY_CHARS + " characters, was " + v.length())
                    : v.strip().startsWith("{") ? Optional.empty() : Optional.of("must be an IAM policy document in JSON"))
            .build();

    public static final PropertyDescriptor<String> REGION = PropertyDescriptor.builder("aws.region", PropertyType.STRING)
            .group(ENDPOINTS)
            .defaultValue("us-east-1")
            .doc("AWS region of the buckets and of the STS endpoint used (regional endpoint): a code such as `us-west-2` or "
                    + "the console's name such as `US West (Oregon)`.")
            .validator(v -> AwsRegions.problem(v))
            .build();

    public static final PropertyDescriptor<URI> STS_ENDPOINT = PropertyDescriptor.builder("aws.sts.endpoint", PropertyType.URL)
            .group(ENDPOINTS)
            .doc("STS endpoint to use instead of the regional endpoint of `aws.region` (VPC endpoint, local sandbox).")
            .build();

    public static final PropertyDescriptor<URI> S3_ENDPOINT = PropertyDescriptor.builder("aws.s3.endpoint", PropertyType.URL)
            .group(ENDPOINTS)
            .doc("S3 endpoint to use instead of the regional endpoint of `aws.region` (VPC endpoint, S3-compatible store, local sandbox).")
            .build();

    public static final PropertyDescriptor<Boolean> S3_PATH_STYLE = PropertyDescriptor.builder("aws.s3.path-style-access", PropertyType.BOOLEAN)
            .group(ENDPOINTS)
            .defaultValue(false)
            .doc("Address buckets as `endpoint/bucket` instead of `bucket.endpoint`; needed by most S3-compatible stores. "
                    + "Always used when `aws.s3.endpoint` is an IP address or localhost.")
            .build();

    public static final PropertyDescriptor<URI> IMDS_ENDPOINT = PropertyDescriptor.builder("aws.imds.endpoint", PropertyType.URL)
            .group(ENDPOINTS)
            .doc("Instance metadata service (IMDSv2) endpoint. Default: the SDK's (`http://169.254.169.254`, or "
                    + "`AWS_EC2_METADATA_SERVICE_ENDPOINT`).")
            .build();

    public static final PropertyDescriptor<String> CA_BUNDLE = PropertyDescriptor.builder("aws.ca-bundle", PropertyType.STRING)
            .group(ENDPOINTS)
            .doc("A PEM file of the certificate authorities HTTPS connections to S3 and STS trust instead of the JVM's: for an "
                    + "endpoint behind a TLS-inspecting proxy, an S3-compatible store, or the local sandbox (`stageway sandbox "
                    + "--write-env` writes its own). Like the AWS CLI's `ca_bundle`.")
            .parsedBy(path -> AwsHttp.certificates(java.nio.file.Path.of(path)))
            .build();

    /** Longest a released role session stays cached for the next run of its tenant, in seconds (the default: 10 minutes). */
    public static final PropertyDescriptor<Long> SESSION_IDLE_SECONDS = PropertyDescriptor.builder("aws.session-idle-seconds",
                    PropertyType.integer(0, 43_200))
            .group(CREDENTIALS)
            .defaultValue(600L)
            .doc("A runtime setting, given once by the host for all its runs: how long an assumed-role session no run holds "
                    + "stays cached, so the next run of the same tenant reuses it instead of calling STS AssumeRole again. "
                    + "0 closes a session when its last run releases it. At most 64 idle sessions stay, and a session whose "
                    + "credentials went stale is never reused.")
            .build();

    /** Keys come as a pair, and each combination maps to exactly one strategy. */
    static final Rule STRATEGY_RULE = AwsProperties::strategyProblems;

    /** Connection properties: credentials, region and endpoints. */
    public static final PropertyTable CONNECTION = PropertyTable.of("AWS connection", List.of(
            ACCESS_KEY, SECRET_KEY, ROLE_ARN_PROPERTY, EXTERNAL_ID_PROPERTY, USE_EC2_ROLE, DURATION,
            SESSION_NAME_PROPERTY, SESSION_POLICY, REGION, STS_ENDPOINT, S3_ENDPOINT, S3_PATH_STYLE, IMDS_ENDPOINT, CA_BUNDLE),
            List.of(STRATEGY_RULE));

    /**
     * Whether two sides' connection properties name the same AWS connection (one identity, one
     * region, the same endpoints), whatever else of theirs differs.
     */
    public static boolean sameConnection(Map<String, String> one, Map<String, String> other) {
        return CONNECTION.select(one).equals(CONNECTION.select(other));
    }

    /** Settings of the plugin's runtime (shared by all runs of a host), given when the host makes it. */
    public static final PropertyTable RUNTIME = PropertyTable.of("AWS runtime", List.of(SESSION_IDLE_SECONDS), List.of());

    /** Per source/target advanced properties that override the connection's. */
    public static final PropertyTable ADVANCED = PropertyTable.of("AWS advanced", List.of(DURATION), List.of());

    /**
     * STS refuses more than one hour when a role session (here the EC2 instance role) assumes
     * another role; checked offline so the user learns it before any call.
     */
    static Optional<Problem> roleChainingProblem(boolean ec2Role, long durationSeconds) {
        if (!ec2Role || durationSeconds <= ROLE_CHAINING_MAX_SECONDS) {
            return Optional.empty();
        }
        return Optional.of(Problem.of(DURATION.name(), "is " + durationSeconds + " s, but an EC2 instance role assuming a role "
                + "is role chaining, which STS limits to " + ROLE_CHAINING_MAX_SECONDS + " s; use " + MIN_DURATION_SECONDS
                + " to " + ROLE_CHAINING_MAX_SECONDS + " (sessions are renewed before they expire)"));
    }

    private static List<Problem> strategyProblems(dev.stageway.config.ParsedProperties p) {
        List<Problem> problems = new ArrayList<>();
        boolean accessKey = p.isSet(ACCESS_KEY);
        boolean secretKey = p.isSet(SECRET_KEY);
        boolean role = p.isSet(ROLE_ARN_PROPERTY);
        boolean ec2 = p.get(USE_EC2_ROLE);
        if (accessKey != secretKey) {
            problems.add(new Problem(List.of(ACCESS_KEY.name(), SECRET_KEY.name()),
                    "access key ID and secret access key come as a pair: set both or neither"));
        }
        if (ec2 && (accessKey || secretKey)) {
            problems.add(new Problem(List.of(USE_EC2_ROLE.name(), ACCESS_KEY.name()),
                    "the EC2 instance role assumes the role, so access keys must not be set with "
                            + USE_EC2_ROLE.name() + "=true; remove the keys or set it to false"));
        }
        if (ec2 && !role) {
            problems.add(new Problem(List.of(USE_EC2_ROLE.name(), ROLE_ARN_PROPERTY.name()),
                    "names no role to assume: set " + ROLE_ARN_PROPERTY.name()
                            + ", or set it to false to use the instance role itself"));
        }
        if (role && !ec2 && !accessKey && !secretKey) {
            problems.add(new Problem(List.of(ROLE_ARN_PROPERTY.name(), ACCESS_KEY.name(), USE_EC2_ROLE.name()),
                    "has no identity to assume it with: set " + ACCESS_KEY.name() + " and " + SECRET_KEY.name()
                            + " (an IAM user assumes the role) or " + USE_EC2_ROLE.name()
                            + "=true (the EC2 instance role assumes it)"));
        }
        roleChainingProblem(ec2, p.get(DURATION)).ifPresent(problems::add);
        for (var dependent : List.of(EXTERNAL_ID_PROPERTY, SESSION_NAME_PROPERTY, SESSION_POLICY)) {
            if (p.isSet(dependent) && !role) {
                problems.add(new Problem(List.of(dependent.name(), ROLE_ARN_PROPERTY.name()),
                        "is only used when assuming a role: set " + ROLE_ARN_PROPERTY.name() + " or remove it"));
            }
        }
        return problems;
    }
}
