package dev.stageway.testkit.sts;

/** An error answered the way STS answers it: an HTTP status, an error code and STS's message. */
final class StsError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    StsError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** STS's answer to a request parameter outside its constraints. */
    static StsError validation(String value, String member, String constraint) {
        return new StsError(400, "ValidationError", "1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    /** What the sandbox does not model, refused rather than ignored. */
    static StsError notModelled(String what) {
        return new StsError(501, "NotImplemented", "The sandbox does not model " + what);
    }
}
