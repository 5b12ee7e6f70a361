package dev.stageway.redshift;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.AwsHttp;
import dev.stageway.aws.AwsRetries;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.ConnectorCredentials;
import dev.stageway.config.ConfigurationException;
import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.Secret;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.redshift.RedshiftClient;
import software.amazon.awssdk.services.redshiftserverless.RedshiftServerlessClient;

/**
 * IAM database login: temporary database credentials obtained with the connection's own AWS
 * identity (whichever credential strategy it uses), one set for each new database connection.
 * A provisioned cluster logs in as the identity's own user (GetClusterCredentialsWithIAM), or
 * as {@code redshift.user} (GetClusterCredentials); a Serverless workgroup as the identity's
 * own user (GetCredentials).
 */
final class IamLogin implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IamLogin.class);

    /** How long each temporary password is asked to live: Redshift's maximum. */
    static final Duration VALIDITY = Duration.ofHours(1);
    /** How long before its password expires a pooled connection retires, covering clock skew. */
    static final Duration RETIRE_BEFORE = Duration.ofMinutes(10);

    /** A temporary login: the user name to connect as, and its password. */
    record Credentials(String user, Secret password, Instant expiration) {
    }

    private final DatabaseEndpoint endpoint;
    private final Optional<String> user;
    private final boolean autoCreate;
    private final List<String> groups;
    private final ConnectorCredentials identity;
    private final AutoCloseable client;

    private IamLogin(ParsedProperties p, DatabaseEndpoint endpoint, ConnectorCredentials identity, AutoCloseable client) {
        this.endpoint = endpoint;
        this.user = p.find(RedshiftProperties.USER);
        this.autoCreate = p.get(RedshiftProperties.AUTO_CREATE_USER);
        this.groups = p.find(RedshiftProperties.DB_GROUPS).map(RedshiftProperties::dbGroups).orElse(List.of());
        this.identity = identity;
        this.client = client;
    }

    /** The login of connection properties {@code p} (validated: {@link RedshiftProperties#LOGIN}). */
    static IamLogin open(ParsedProperties p, AwsSettings aws, ConnectorCredentials identity) {
        DatabaseEndpoint endpoint = DatabaseEndpoint.of(p).orElseThrow(() -> new ConfigurationException(DatabaseEndpoint.problems(p)));
        AutoCloseable client = endpoint.kind() == DatabaseEndpoint.Kind.CLUSTER
                ? configure(RedshiftClient.builder(), aws, identity, p.find(RedshiftProperties.REDSHIFT_ENDPOINT)).build()
                : configure(RedshiftServerlessClient.builder(), aws, identity, p.find(RedshiftProperties.SERVERLESS_ENDPOINT)).build();
        return new IamLogin(p, endpoint, identity, client);
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, ?>
            & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, ?>> B configure(
            B builder, AwsSettings aws, ConnectorCredentials identity, Optional<URI> endpoint) {
        builder.region(aws.region()).credentialsProvider(identity).httpClientBuilder(AwsHttp.client(aws, 2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetries.credentialApis())
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, AwsHttp.userAgent(aws)));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /** New temporary credentials, valid {@link #VALIDITY}. */
    Credentials obtain() {
        try {
            int seconds = (int) VALIDITY.toSeconds();
            Credentials c;
            if (client instanceof RedshiftServerlessClient serverless) {
                var r = serverless.getCredentials(b -> b.workgroupName(endpoint.name()).dbName(endpoint.database())
                        .durationSeconds(seconds));
                c = new Credentials(r.dbUser(), Secret.of(r.dbPassword()), r.expiration());
            } else if (user.isPresent()) {
                var r = ((RedshiftClient) client).getClusterCredentials(b -> b.clusterIdentifier(endpoint.name())
                        .dbName(endpoint.database()).dbUser(user.get()).autoCreate(autoCreate).dbGroups(groups)
                        .durationSeconds(seconds));
                c = new Credentials(r.dbUser(), Secret.of(r.dbPassword()), r.expiration());
            } else {
                var r = ((RedshiftClient) client).getClusterCredentialsWithIAM(b -> b.clusterIdentifier(endpoint.name())
                        .dbName(endpoint.database()).durationSeconds(seconds));
                c = new Credentials(r.dbUser(), Secret.of(r.dbPassword()), r.expiration());
            }
            LOG.debug("Obtained a temporary database login as {} until {} ({})", c.user(), c.expiration(), action());
            return c;
        } catch (SdkException e) {
            throw failure(e);
        }
    }

    /** The IAM action this login calls, such as {@code redshift:GetClusterCredentialsWithIAM}. */
    String action() {
        if (endpoint.kind() == DatabaseEndpoint.Kind.WORKGROUP) {
            return "redshift-serverless:GetCredentials";
        }
        return user.isPresent() ? "redshift:GetClusterCredentials" : "redshift:GetClusterCredentialsWithIAM";
    }

    /** The resources IAM authorises that action on, as ARN patterns ({@code <account>} is the cluster's or workgroup's). */
    String resources() {
        String prefix = "arn:aws:redshift:<region>:<account>:";
        String cluster = endpoint.name();
        return switch (action()) {
            case "redshift-serverless:GetCredentials" -> "the workgroup " + cluster
                    + " (arn:aws:redshift-serverless:<region>:<account>:workgroup/<workgroup id>)";
            case "redshift:GetClusterCredentials" -> prefix + "dbuser:" + cluster + "/" + user.orElseThrow() + " and " + prefix
                    + "dbname:" + cluster + "/" + endpoint.database() + (autoCreate ? ", plus redshift:CreateClusterUser on the dbuser" : "")
                    + (groups.isEmpty() ? "" : ", plus redshift:JoinGroup on " + prefix + "dbgroup:" + cluster + "/<group> for "
                    + String.join(", ", groups));
            default -> prefix + "dbname:" + cluster + "/" + endpoint.database();
        };
    }

    private StagewayException failure(SdkException e) {
        String code = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                ? String.valueOf(ase.awsErrorDetails().errorCode()) : "";
        String aws = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null ? ase.awsErrorDetails().errorMessage() : "";
        switch (code) {
            case "AccessDenied", "AccessDeniedException":
                return new StagewayException(ErrorKind.AUTHENTICATION, false, "Cannot log in to Redshift with IAM: "
                        + identity.strategy().describe() + " may not call " + action() + " on " + resources()
                        + ". Allow it in the identity's policy (`stageway trust-policy` prints it). AWS said: " + aws, e);
            case "ClusterNotFound", "ClusterNotFoundFault":
                return new ConfigurationException(Problem.of(RedshiftProperties.CLUSTER_ID.name(), "names cluster " + endpoint.name()
                        + " (from redshift.cluster-id or the JDBC URL's host), which Redshift does not know in aws.region; check "
                        + "both. AWS said: " + aws));
            case "ResourceNotFoundException":
                return new ConfigurationException(Problem.of(RedshiftProperties.WORKGROUP.name(), "names workgroup " + endpoint.name()
                        + " (from redshift.workgroup or the JDBC URL's host), which Redshift Serverless does not know in aws.region; "
                        + "check both. AWS said: " + aws));
            default:
                return AwsFailures.client(e, "obtain temporary database credentials (" + action() + ")");
        }
    }

    /** Who the login is, for messages: the user named, or the IAM identity's own. */
    String describe() {
        return user.map(u -> "IAM:" + u).orElse("the IAM identity's own user") + " via " + action();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debug("Closing the Redshift API client failed: {}", e.toString());
        }
    }
}
