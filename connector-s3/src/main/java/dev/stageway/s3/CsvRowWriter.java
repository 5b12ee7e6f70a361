package dev.stageway.s3;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import de.siegmar.fastcsv.writer.QuoteStrategy;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes rows of text as CSV lines (FastCSV): every non-null value quoted, so an empty string
 * ({@code ""}) never reads back as a null, and a null as the unquoted null marker.
 */
public final class CsvRowWriter implements Closeable {
    private static final int BUFFER = 64 * 1024;

    private final CsvWriter csv;
    /**
     * A String object of this writer's own: the quote strategy recognises a null's marker by identity,
     * so a value whose text equals the marker is still quoted (and reads back as that text).
     */
    private final String nullMarker;

    CsvRowWriter(CsvOptions options, OutputStream out) {
        this.nullMarker = new String(options.nullValue());
        String marker = nullMarker;
        QuoteStrategy quoting = new QuoteStrategy() {
            @Override
            public boolean quoteNull(int line, int field) {
                return false;
            }

            @Override
            public boolean quoteEmpty(int line, int field) {
                return true;
            }

            @Override
            public boolean quoteValue(int line, int field, String value) {
                return value != marker;
            }
        };
        this.csv = CsvWriter.builder().fieldSeparator(options.delimiter()).quoteCharacter(options.quote()).quoteStrategy(quoting)
                .lineDelimiter(LineDelimiter.LF).bufferSize(BUFFER).build(out, options.charset());
    }

    /** Writes one line; a null in {@code fields} is replaced by the null marker (the array is the caller's scratch). */
    public void write(String[] fields) throws IOException {
        if (!nullMarker.isEmpty()) {
            for (int i = 0; i < fields.length; i++) {
                if (fields[i] == null) {
                    fields[i] = nullMarker;
                }
            }
        }
        try {
            csv.writeRecord(fields);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Writes what is buffered through to the stream. */
    public void flush() throws IOException {
        csv.flush();
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
