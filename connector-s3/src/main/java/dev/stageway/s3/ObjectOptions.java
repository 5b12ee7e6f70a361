package dev.stageway.s3;

import dev.stageway.s3.S3Properties.Encryption;
import java.util.Optional;

/**
 * How an object is written: its server-side encryption, and whether it may only be created, not
 * replace one of the same name (S3's conditional write, {@code If-None-Match: *}, which needs no
 * permission to look first).
 *
 * @param kmsKeyId for SSE-KMS, the key; empty for the account's {@code aws/s3} key
 */
public record ObjectOptions(Encryption encryption, Optional<String> kmsKeyId, boolean onlyIfAbsent) {
    /** The bucket's default encryption, replacing any object of the same name. */
    public static final ObjectOptions PLAIN = new ObjectOptions(Encryption.NONE, Optional.empty(), false);
}
