package dev.stageway.error;

/**
 * What kind of failure a {@link StagewayException} reports. The kind decides how a host
 * presents the failure and, for the harness, the process exit code.
 */
public enum ErrorKind {
    /** A property is missing, malformed or inconsistent with another; fix the configuration. */
    CONFIGURATION(2),
    /** AWS or the database refused who we are or what we asked for (denied, expired, unknown key). */
    AUTHENTICATION(3),
    /** A row or value cannot be read or written (malformed CSV, value out of range). */
    DATA(4),
    /** Reading or writing S3 failed for a reason other than permissions. */
    STORAGE(4),
    /** The database failed a statement. */
    DATABASE(4),
    /** A defect or an unexpected state in Stageway itself. */
    INTERNAL(1);

    private final int exitCode;

    ErrorKind(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The exit code the {@code stageway} harness uses for this kind. */
    public int exitCode() {
        return exitCode;
    }
}
