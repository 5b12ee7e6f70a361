package dev.stageway.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;

/**
 * The identity a strategy starts from: an IAM user's keys, the EC2 instance role, or the
 * agent's ambient identity; with a name for it that keys the session cache.
 */
record PrimaryIdentity(String name, AwsCredentialsProvider provider, String description) {

    static PrimaryIdentity keys(AccessKeys keys) {
        return new PrimaryIdentity("keys:" + keys.accessKeyId() + "#" + digest(keys.secretAccessKey().reveal()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey().reveal())),
                "access key " + keys.accessKeyId());
    }

    static PrimaryIdentity instanceRole(Optional<URI> imdsEndpoint) {
        return new PrimaryIdentity("ec2-instance-role@" + imdsEndpoint.map(URI::toString).orElse("default"),
                instanceProfile(imdsEndpoint), "the EC2 instance role (IMDSv2 at " + imdsText(imdsEndpoint) + ")");
    }

    /** The SDK's default chain, in its order, with the instance-metadata endpoint configurable. */
    static PrimaryIdentity ambient(Optional<URI> imdsEndpoint) {
        AwsCredentialsProvider chain = AwsCredentialsProviderChain.builder()
                .reuseLastProviderEnabled(true)
                .credentialsProviders(
                        SystemPropertyCredentialsProvider.create(),
                        EnvironmentVariableCredentialsProvider.create(),
                        WebIdentityTokenFileCredentialsProvider.create(),
                        ProfileCredentialsProvider.create(),
                        ContainerCredentialsProvider.builder().build(),
                        instanceProfile(imdsEndpoint))
                .build();
        return new PrimaryIdentity("ambient@" + imdsEndpoint.map(URI::toString).orElse("default"), chain,
                "the agent's own identity (environment, profile, container or EC2 instance role at " + imdsText(imdsEndpoint) + ")");
    }

    private static AwsCredentialsProvider instanceProfile(Optional<URI> imdsEndpoint) {
        InstanceProfileCredentialsProvider.Builder b = InstanceProfileCredentialsProvider.builder();
        imdsEndpoint.ifPresent(e -> b.endpoint(e.toString()));
        return b.build();
    }

    static String imdsText(Optional<URI> imdsEndpoint) {
        return imdsEndpoint.map(URI::toString).orElse("the default endpoint");
    }

    private static String digest(String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    void close() {
        if (provider instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing a credentials provider only releases its HTTP resources.
            }
        }
    }
}
