package dev.stageway.spi;

import java.io.Serializable;

/**
 * A record a target rejected and skipped, as the target knows it.
 *
 * @param record  the record's number among those written (1-based), or 0 when unknown
 * @param file    the file that held it, as the target read it (a staged file's URL)
 * @param line    its line in that file
 * @param column  the column that was rejected, or empty
 * @param reason  why, in the target's words
 * @param rawLine the line as it was, or null where the target does not keep it
 */
public record RejectedRow(long record, String file, long line, String column, String reason, String rawLine) implements Serializable {
    private static final long serialVersionUID = 1L;
}
