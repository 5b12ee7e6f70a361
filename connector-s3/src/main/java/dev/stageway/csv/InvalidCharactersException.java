package dev.stageway.csv;

import java.io.IOException;

/** Bytes not valid in a file's charset, on a known line (from 1). */
public final class InvalidCharactersException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long line;

    InvalidCharactersException(long line, String message) {
        super(message);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
