package dev.stageway.s3.transfer;

import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * How an object is written: its server-side encryption, and whether it may only be created, not
 * replace one of the same name (S3's conditional write, {@code If-None-Match: *}, which needs no
 * permission to look first).
 *
 * @param kmsKeyId for SSE-KMS, the key; empty for the account's {@code aws/s3} key
 */
public record ObjectOptions(Encryption encryption, Optional<String> kmsKeyId, boolean onlyIfAbsent) {
    public enum Encryption { NONE, SSE_S3, SSE_KMS }

    /** The bucket's default encryption, replacing any object of the same name. */
    public static final ObjectOptions PLAIN = new ObjectOptions(Encryption.NONE, Optional.empty(), false);

    /** Sets a create request's encryption headers. */
    void encrypt(Consumer<ServerSideEncryption> sse, Consumer<String> kms) {
        switch (encryption) {
            case SSE_S3 -> sse.accept(ServerSideEncryption.AES256);
            case SSE_KMS -> {
                sse.accept(ServerSideEncryption.AWS_KMS);
                kmsKeyId.ifPresent(kms);
            }
            default -> { }
        }
    }

    /** Sets a single PUT's encryption headers (small objects written whole: manifests, reports). */
    public PutObjectRequest.Builder encrypt(PutObjectRequest.Builder put) {
        encrypt(put::serverSideEncryption, put::ssekmsKeyId);
        return put;
    }

    /** The If-None-Match header of a create: {@code *} when the object may only be created. */
    String ifNoneMatch() {
        return onlyIfAbsent ? "*" : null;
    }
}
