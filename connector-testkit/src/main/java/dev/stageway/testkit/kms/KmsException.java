package dev.stageway.testkit.kms;

/**
 * A KMS error as S3 relays it to its caller: {@code KMS.NotFoundException} and the like with
 * status 400, or {@code AccessDenied} with status 403 and KMS's message.
 */
public final class KmsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    KmsException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
