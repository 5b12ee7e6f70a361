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
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
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
    /**
     * How long before its password expires a pooled connection retires. Redshift checks the
     * password at login only; retiring keeps every session within the hour its identity was
     * granted, so a permission revoked in IAM stops new work within the hour.
     */
    static final Duration RETIRE_BEFORE = Duration.ofMinutes(10);

    /** A temporary login: the user name to connect as, and its password. */
    record Credentials(String user, Secret password, Instant expiration) {
    }

    private final DatabaseEndpoint endpoint;
    private final Optional<String> user;
    private final boolean autoCreate;
    private final List<String> groups;
    private final ConnectorCredentials identity;
    private final String partition;
    private final SdkClient client;
    /** The API call of this login, with {@link #client}. */
    private final Supplier<Credentials> call;

    private IamLogin(ParsedProperties p, DatabaseEndpoint endpoint, AwsSettings aws, ConnectorCredentials identity) {
        this.endpoint = endpoint;
        this.user = p.find(RedshiftProperties.USER);
        this.autoCreate = p.get(RedshiftProperties.AUTO_CREATE_USER);
        this.groups = p.find(RedshiftProperties.DB_GROUPS).map(RedshiftProperties::dbGroups).orElse(List.of());
        this.identity = identity;
        this.partition = aws.region().metadata() == null ? "aws" : aws.region().metadata().partition().id();
        int seconds = (int) VALIDITY.toSeconds();
        if (endpoint.kind() == DatabaseEndpoint.Kind.WORKGROUP) {
            RedshiftServerlessClient serverless = configure(RedshiftServerlessClient.builder(), aws, identity,
                    p.find(RedshiftProperties.SERVERLESS_ENDPOINT)).build();
            this.client = serverless;
            this.call = () -> {
                var r = serverless.getCredentials(b -> b.workgroupName(endpoint.name()).dbName(endpoint.database())
                        .durationSeconds(seconds));
                return new Credentials(r.dbUser(), Secret.of(r.dbPassword()), r.expiration());
            };
            return;
        }
        RedshiftClient redshift = configure(RedshiftClient.builder(), aws, identity, p.find(RedshiftProperties.REDSHIFT_ENDPOINT)).build();
        this.client = redshift;
        this.call = user.isPresent() ? () -> {
            var r = redshift.getClusterCredentials(b -> {
                b.clusterIdentifier(endpoint.name()).dbName(endpoint.database()).dbUser(user.get()).autoCreate(autoCreate)
                        .durationSeconds(seconds);
                if (!groups.isEmpty()) {   // an empty list would still be sent, as an empty DbGroups
                    b.dbGroups(groups);
                }
            });
            return new Credentials(r.dbUser(), Secret.of(r.dbPassword()), r.expiration());
        } : () -> {
            var r = redshift.getClusterCredentialsWithIAM(b -> b.clusterIdentifier(endpoint.name()).dbName(endpoint.database())
                    .durationSeconds(seconds));
            return new Credentials(r.dbUser(), Secret.of(r.dbPassword()), r.expiration());
        };
    }

    /** The login of connection properties {@code p} (validated: {@link RedshiftProperties#LOGIN}). */
    static IamLogin open(ParsedProperties p, AwsSettings aws, ConnectorCredentials identity) {
        DatabaseEndpoint endpoint = DatabaseEndpoint.of(p).orElseThrow(() -> new ConfigurationException(DatabaseEndpoint.problems(p)));
        return new IamLogin(p, endpoint, aws, identity);
    }

    private static <B extends AwsClientBuilder<B, ?> & SdkSyncClientBuilder<B, ?>> B configure(B builder, AwsSettings aws,
                                                                                               ConnectorCredentials identity,
                                                                                               Optional<URI> endpoint) {
        builder.region(aws.region()).credentialsProvider(identity).httpClientBuilder(AwsHttp.client(aws, 2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetries.credentialApis())
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, AwsHttp.userAgent(aws)));
        endpoint.ifPresent(builder::endpointOverride);
        return builder;
    }

    /** New temporary credentials, valid {@link #VALIDITY}. */
    Credentials obtain() {
        try {
            Credentials c = call.get();
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
        if (endpoint.kind() == DatabaseEndpoint.Kind.WORKGROUP) {
            return "the workgroup " + endpoint.name() + " (arn:" + partition + ":redshift-serverless:<region>:<account>:workgroup/"
                    + "<workgroup id>)";
        }
        String prefix = "arn:" + partition + ":redshift:<region>:<account>:";
        String cluster = endpoint.name();
        String database = prefix + "dbname:" + cluster + "/" + endpoint.database();
        if (user.isEmpty()) {
            return database;
        }
        return prefix + "dbuser:" + cluster + "/" + user.get() + " and " + database
                + (autoCreate ? ", plus redshift:CreateClusterUser on the dbuser" : "")
                + (groups.isEmpty() ? "" : ", plus redshift:JoinGroup on " + prefix + "dbgroup:" + cluster + "/<group> for "
                + String.join(", ", groups));
    }

    private StagewayException failure(SdkException e) {
        String code = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                ? String.valueOf(ase.awsErrorDetails().errorCode()) : "";
        String aws = e instanceof AwsServiceException ase && ase.awsErrorDetails() != null ? ase.awsErrorDetails().errorMessage() : "";
        String otherAccount = " Redshift looks for it in the account of the identity logging in (" + identity.strategy().describe()
                + "): IAM login works only within the cluster's own account, so an agent elsewhere logs in through a role of that "
                + "account (aws.role-arn).";
        switch (code) {
            case "AccessDenied", "AccessDeniedException":
                return new StagewayException(ErrorKind.AUTHENTICATION, false, "Cannot log in to Redshift with IAM: "
                        + identity.strategy().describe() + " may not call " + action() + " on " + resources()
                        + ". Allow it in the identity's policy (`stageway trust-policy` prints it). AWS said: " + aws, e);
            case "ClusterNotFound":
                return new ConfigurationException(Problem.of(RedshiftProperties.CLUSTER_ID.name(), "names cluster " + endpoint.name()
                        + " (from redshift.cluster-id or the JDBC URL's host), which Redshift does not know in aws.region." + otherAccount
                        + " AWS said: " + aws));
            case "ResourceNotFoundException":
                return new ConfigurationException(Problem.of(RedshiftProperties.WORKGROUP.name(), "names workgroup " + endpoint.name()
                        + " (from redshift.workgroup or the JDBC URL's host), which Redshift Serverless does not know in aws.region."
                        + otherAccount + " AWS said: " + aws));
            default:
                return AwsFailures.client(e, "obtain temporary database credentials (" + action() + ")");
        }
    }

    /** Who the login is, for messages: the user named, or the IAM identity's own. */
    String describe() {
        return user.map(u -> (autoCreate ? "IAMA:" : "IAM:") + u).orElse("the IAM identity's own user") + " via " + action();
    }

    @Override
    public void close() {
        client.close();
    }
}
