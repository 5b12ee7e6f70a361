package dev.stageway.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * Something a connector's run left behind because its process died before it could abort (an
 * open multipart upload, a staging folder), as {@link ConnectorFactory#cleanUp} found it.
 *
 * @param kind     what it is ({@code multipart upload}, {@code staging folder})
 * @param location where it is: an S3 URL, with the upload id for an upload
 * @param created  when it was made: an upload's initiation, a folder's newest object
 * @param outcome  what clean-up did with it
 * @param detail   for {@link Outcome#FAILED}, why; otherwise what it holds (objects, bytes), or empty
 */
public record Leftover(String kind, String location, Instant created, Outcome outcome, String detail) {

    public enum Outcome {
        /** Aborted or deleted. */
        REMOVED,
        /** Found by a dry run, left in place. */
        FOUND,
        /** Found, but removing it failed. */
        FAILED
    }

    public Leftover {
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(location, "location is null");
        Objects.requireNonNull(created, "created is null");
        Objects.requireNonNull(outcome, "outcome is null");
        Objects.requireNonNull(detail, "detail is null");
    }
}
