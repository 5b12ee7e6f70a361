package dev.stageway.aws;

import dev.stageway.config.Secret;
import java.util.Objects;

/** An IAM user's permanent access key pair; {@link #toString()} shows only the key ID. */
public record AccessKeys(String accessKeyId, Secret secretAccessKey) {
    public AccessKeys {
        Objects.requireNonNull(accessKeyId, "accessKeyId is null");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
    }
}
