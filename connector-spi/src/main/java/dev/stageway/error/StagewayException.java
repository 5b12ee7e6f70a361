package dev.stageway.error;

import java.util.Objects;

/**
 * The one exception type the connectors throw to a host. Its message tells the user what
 * went wrong and what to change; it never contains a secret key, session token or password.
 */
public class StagewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final boolean retriable;

    public StagewayException(ErrorKind kind, boolean retriable, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message is null"), cause);
        this.kind = Objects.requireNonNull(kind, "kind is null");
        this.retriable = retriable;
    }

    public StagewayException(ErrorKind kind, String message) {
        this(kind, false, message, null);
    }

    public StagewayException(ErrorKind kind, String message, Throwable cause) {
        this(kind, false, message, cause);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** True when the same call may succeed later without any change (throttling, a dropped connection). */
    public boolean retriable() {
        return retriable;
    }
}
