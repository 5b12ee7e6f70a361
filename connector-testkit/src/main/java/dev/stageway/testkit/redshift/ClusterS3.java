package dev.stageway.testkit.redshift;

import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Role;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * How the cluster reaches S3 for one statement: with exactly the keys the statement carries, or
 * as a role attached to the cluster (then, for a chain, each next role assumed through STS).
 * Every request then goes through the S3 stand-in, which checks those credentials like AWS.
 */
final class ClusterS3 {
    private ClusterS3() {
    }

    static S3Client client(RedshiftStandIn cluster, RedshiftSql.Authorization auth) {
        return S3Client.builder()
                .region(Region.of(cluster.region()))
                .endpointOverride(cluster.s3Endpoint())
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(credentials(cluster, auth)))
                .build();
    }

    private static AwsCredentials credentials(RedshiftStandIn cluster, RedshiftSql.Authorization auth) {
        if (!auth.iamRoles().isEmpty()) {
            if (auth.accessKeyId().isPresent()) {
                throw new IllegalArgumentException("conflicting or redundant options: IAM_ROLE with access keys");
            }
            String first = auth.iamRoles().get(0);
            if (first.equalsIgnoreCase("default")) {
                first = cluster.attachedRoles().isEmpty() ? "" : cluster.attachedRoles().get(0);
            }
            if (!cluster.attachedRoles().contains(first)) {
                throw new IllegalArgumentException("User arn:aws:redshift:" + cluster.region() + ":cluster:sandbox is not authorized to "
                        + "assume IAM Role " + first + " (the role is not associated with the cluster)");
            }
            Role role = cluster.iam().role(first).orElseThrow();
            Credential c = cluster.iam().issueSession(role, "RedshiftIamRoleSession", Duration.ofHours(1), Optional.empty());
            AwsCredentials current = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken().get());
            for (String next : auth.iamRoles().subList(1, auth.iamRoles().size())) {
                try (StsClient sts = StsClient.builder().region(Region.of(cluster.region())).endpointOverride(cluster.stsEndpoint())
                        .credentialsProvider(StaticCredentialsProvider.create(current)).build()) {
                    var r = sts.assumeRole(b -> b.roleArn(next).roleSessionName("RedshiftIamRoleSession")).credentials();
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
