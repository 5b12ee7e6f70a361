package dev.stageway.testkit.api;

/** An error answered the way an AWS API answers it: an HTTP status, the service's error code and message. */
public final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;
    public final int status;
    public final String code;

    public ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** The query protocol's answer (STS, Redshift) to a request parameter outside its constraints. */
    public static ApiError validation(String value, String member, String constraint) {
        return new ApiError(400, "ValidationError", "1 validation error detected: Value '" + value + "' at '" + member
                + "' failed to satisfy constraint: " + constraint);
    }

    /** What the sandbox does not model, refused rather than ignored. */
    public static ApiError notModelled(String what) {
        return new ApiError(501, "NotImplemented", "The sandbox does not model " + what);
    }
}
