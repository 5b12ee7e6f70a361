package dev.stageway.aws;

import dev.stageway.config.ConfigurationException;
import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * The immutable AWS side of one connection, after parsing and validation: everything the
 * credential strategies and the clients need, and nothing else.
 */
public record AwsSettings(Region region, CredentialStrategy strategy, Optional<URI> stsEndpoint,
                          Optional<URI> s3Endpoint, boolean s3PathStyle, Optional<URI> imdsEndpoint, Optional<Path> caBundle,
                          String runId) {

    public AwsSettings {
        Objects.requireNonNull(region, "region is null");
        Objects.requireNonNull(strategy, "strategy is null");
        Objects.requireNonNull(stsEndpoint, "stsEndpoint is null");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint is null");
        Objects.requireNonNull(imdsEndpoint, "imdsEndpoint is null");
        Objects.requireNonNull(caBundle, "caBundle is null");
        Objects.requireNonNull(runId, "runId is null");
    }

    /**
     * Builds settings from parsed connection properties (which passed {@link AwsProperties#CONNECTION}'s
     * rules) and the source's or target's advanced properties, whose duration overrides the connection's.
     *
     * @param runId identifies the run in the User-Agent of its requests
     */
    public static AwsSettings from(ParsedProperties connection, ParsedProperties advanced, String runId) {
        boolean overridden = advanced.isSet(AwsProperties.DURATION);
        long seconds = overridden ? advanced.get(AwsProperties.DURATION) : connection.get(AwsProperties.DURATION);
        AwsProperties.roleChainingProblem(connection.get(AwsProperties.USE_EC2_ROLE), seconds).ifPresent(p -> {
            throw new ConfigurationException(p);
        });
        Optional<AccessKeys> keys = connection.find(AwsProperties.ACCESS_KEY)
                .map(id -> new AccessKeys(id, connection.get(AwsProperties.SECRET_KEY)));
        Optional<AssumeRoleSpec> role = connection.find(AwsProperties.ROLE_ARN_PROPERTY).map(arn -> new AssumeRoleSpec(arn,
                connection.find(AwsProperties.EXTERNAL_ID_PROPERTY), Duration.ofSeconds(seconds),
                connection.find(AwsProperties.SESSION_NAME_PROPERTY).orElseGet(() -> defaultSessionName(
                        keys.map(AccessKeys::accessKeyId).orElse("ec2-instance-role"), arn)),
                connection.find(AwsProperties.SESSION_POLICY)));
        CredentialStrategy strategy;
        if (role.isPresent()) {
            strategy = keys.<CredentialStrategy>map(k -> new CredentialStrategy.AssumeRoleWithKeys(k, role.get()))
                    .orElseGet(() -> new CredentialStrategy.AssumeRoleWithEc2Role(role.get()));
        } else {
            strategy = keys.<CredentialStrategy>map(CredentialStrategy.StaticKeys::new)
                    .orElseGet(CredentialStrategy.AmbientIdentity::new);
        }
        return new AwsSettings(AwsRegions.parse(connection.get(AwsProperties.REGION)), strategy,
                connection.find(AwsProperties.STS_ENDPOINT), connection.find(AwsProperties.S3_ENDPOINT),
                connection.get(AwsProperties.S3_PATH_STYLE), connection.find(AwsProperties.IMDS_ENDPOINT),
                connection.find(AwsProperties.CA_BUNDLE).map(Path::of), runId);
    }

    /** Parses and validates both maps, reporting the problems of both at once. */
    public static AwsSettings parse(java.util.Map<String, String> connection, java.util.Map<String, String> advanced, String runId) {
        List<Problem> problems = new java.util.ArrayList<>(AwsProperties.CONNECTION.validate(connection));
        problems.addAll(AwsProperties.ADVANCED.validate(advanced));
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        // Both parsed cleanly; from() adds the one check that needs both (an overriding duration).
        return from(AwsProperties.CONNECTION.parse(connection), AwsProperties.ADVANCED.parse(advanced), runId);
    }

    /**
     * {@code stageway-} and a short digest of the caller and the role: the same for every run of a
     * tenant on an agent, so its runs share one session (one AssumeRole, not one per run, which STS
     * would throttle), and distinct per tenant. Runs are told apart by the User-Agent instead.
     */
    static String defaultSessionName(String caller, String roleArn) {
        return DEFAULT_SESSION_NAME_PREFIX + digest(caller, roleArn);
    }

    static final String DEFAULT_SESSION_NAME_PREFIX = "stageway-";

    /** Every default session name: the prefix and 16 hex digits. */
    static final java.util.regex.Pattern DEFAULT_SESSION_NAME = java.util.regex.Pattern.compile(DEFAULT_SESSION_NAME_PREFIX + "[0-9a-f]{16}");

    private static String digest(String caller, String roleArn) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((caller + "|" + roleArn).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
