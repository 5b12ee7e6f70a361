package dev.stageway.testkit.redshift;

import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Identity;
import dev.stageway.testkit.iam.Principal;
import dev.stageway.testkit.iam.RequestContext;
import dev.stageway.testkit.iam.Role;
import dev.stageway.testkit.s3.SandboxCertificate;
import dev.stageway.testkit.s3.Shaping;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * How the cluster reaches S3 for one statement, over HTTPS as Redshift does: with exactly the
 * keys the statement carries, or as a role attached to the cluster, which Redshift assumes as
 * the service {@code redshift.amazonaws.com} (the role must trust it; the database user's ARN
 * is the External Id), then each next role of a chain through STS. Every request then goes
 * through the S3 stand-in, which checks those credentials like AWS.
 */
final class ClusterS3 {
    private ClusterS3() {
    }

    static final String REDSHIFT_SERVICE = "redshift.amazonaws.com";
    private static final String SESSION_NAME = "RedshiftIamRoleSession";

    static S3Client client(RedshiftSession session, RedshiftSql.Authorization auth) {
        RedshiftStandIn cluster = session.cluster();
        return S3Client.builder()
                .region(Region.of(cluster.region()))
                .endpointOverride(cluster.s3Endpoint())
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(ClusterS3::trustSandbox))
                .credentialsProvider(StaticCredentialsProvider.create(credentials(cluster, session.user(), auth)))
                .overrideConfiguration(o -> o.putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, Shaping.INSIDE_AWS))
                .build();
    }

    private static javax.net.ssl.TrustManager[] trustSandbox() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(SandboxCertificate.trustStore());
            return trust.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot trust the sandbox certificate", e);
        }
    }

    private static AwsCredentials credentials(RedshiftStandIn cluster, String user, RedshiftSql.Authorization auth) {
        if (!auth.iamRoles().isEmpty()) {
            if (auth.accessKeyId().isPresent()) {
                throw new IllegalArgumentException("conflicting or redundant options: IAM_ROLE with access keys");
            }
            AwsCredentials current = firstRole(cluster, user, auth.iamRoles().get(0));
            for (String next : auth.iamRoles().subList(1, auth.iamRoles().size())) {
                try (StsClient sts = StsClient.builder().region(Region.of(cluster.region())).endpointOverride(cluster.stsEndpoint())
                        .credentialsProvider(StaticCredentialsProvider.create(current)).build()) {
                    var r = sts.assumeRole(b -> b.roleArn(next).roleSessionName(SESSION_NAME)).credentials();
                    current = AwsSessionCredentials.create(r.accessKeyId(), r.secretAccessKey(), r.sessionToken());
                }
            }
            return current;
        }
        if (auth.accessKeyId().isEmpty() || auth.secretAccessKey().isEmpty()) {
            throw new IllegalArgumentException("Invalid credentials. Must be of the format: credentials "
                    + "'aws_iam_role=...' or 'aws_access_key_id=...;aws_secret_access_key=...[;token=...]'");
        }
        return auth.sessionToken().<AwsCredentials>map(t -> AwsSessionCredentials.create(auth.accessKeyId().get(),
                        auth.secretAccessKey().get(), t))
                .orElseGet(() -> AwsBasicCredentials.create(auth.accessKeyId().get(), auth.secretAccessKey().get()));
    }

    /** The cluster's own session of an attached role: Redshift assumes it as itself, so the role must trust Redshift. */
    private static AwsCredentials firstRole(RedshiftStandIn cluster, String user, String named) {
        String dbUser = cluster.resourceArn("dbuser", user);
        String roleArn = named;
        if (named.equalsIgnoreCase("default")) {
            roleArn = cluster.defaultRole().orElseThrow(() -> new IllegalArgumentException("Default IAM role is not set for the cluster"));
        }
        if (!cluster.attachedRoles().contains(roleArn)) {
            throw new IllegalArgumentException("User " + dbUser + " is not authorized to assume IAM Role " + roleArn);
        }
        Iam iam = cluster.iam();
        Identity redshift = Identity.service(REDSHIFT_SERVICE);
        RequestContext context = iam.globalContext(redshift, Optional.empty(), true, "127.0.0.1", cluster.region())
                .put("sts:ExternalId", dbUser).put("sts:RoleSessionName", SESSION_NAME).build();
        Optional<Role> role = iam.role(roleArn);
        iam.count("sts:AssumeRole " + REDSHIFT_SERVICE);
        AccessDecision d = role.map(r -> iam.authorize(redshift, "sts:AssumeRole", r.arn(), context, Iam.Owner.role(r)))
                .orElse(new AccessDecision(false, ""));
        if (!d.allowed()) {
            throw new IllegalArgumentException("Not authorized to get credentials of role " + roleArn);
        }
        Credential c = iam.issueSession(role.get(), SESSION_NAME, Duration.ofHours(1), Optional.empty(), Principal.Session.NONE);
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken().get());
    }

    /** Bucket and key of an s3:// URL. */
    static String[] split(String url) {
        if (!url.startsWith("s3://")) {
            throw new IllegalArgumentException("Invalid S3 URL: " + url);
        }
        String rest = url.substring(5);
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
