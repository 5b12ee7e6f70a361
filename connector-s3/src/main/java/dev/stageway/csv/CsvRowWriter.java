package dev.stageway.csv;

import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Writes rows of text as CSV lines ending in LF: every non-null value quoted, a quote inside
 * doubled (RFC 4180), so an empty string ({@code ""}) never reads back as a null; a null is the
 * null marker, unquoted.
 *
 * <p>Written here rather than taken from a CSV library: when every value is quoted there is nothing
 * to scan for before writing, and in UTF-8 the quoting and the encoding are one pass over each
 * value straight into the output buffer, where FastCSV's writer scans each value for characters
 * that force quotes, then escapes, then encodes through a {@link Writer}. Other encodings go
 * through the JDK's encoder, which writes {@code ?} for a character the encoding lacks, as the
 * UTF-8 path does for a lone surrogate.
 */
public final class CsvRowWriter implements Closeable {
    private static final int BUFFER = 64 * 1024;
    /** Chars of a value encoded between checks for room: each takes at most 6 bytes (a doubled 3-byte quote). */
    private static final int SLICE = 1024;

    private final OutputStream out;
    private final char delimiter;
    private final char quote;
    private final String nullMarker;
    /** Encodings other than UTF-8: lines are built here and written through the JDK's encoder. */
    private final Writer charWriter;
    private final StringBuilder line = new StringBuilder();
    /** The text of a value that is not a string, built here rather than as a String of its own. */
    private final StringBuilder scratch = new StringBuilder(64);
    private final byte[] buffer;
    private int filled;
    /** Bytes written out of the buffer so far, so a value's length survives a flush in its middle. */
    private long flushed;
    /** Bytes of the quotes doubled in the value being written. */
    private int doubledQuotes;
    /**
     * The chars of the value being written, a slice at a time: copied in bulk, then encoded by a
     * loop over an array, which runs in about two thirds of the time of one over {@code charAt}.
     */
    private final char[] slice = new char[SLICE];

    CsvRowWriter(CsvOptions options, OutputStream out) {
        this.out = out;
        this.delimiter = options.delimiter();
        this.quote = options.quote();
        this.nullMarker = options.nullValue();
        boolean utf8 = options.charset().equals(StandardCharsets.UTF_8);
        this.charWriter = utf8 ? null : new OutputStreamWriter(out, options.charset());
        this.buffer = utf8 ? new byte[BUFFER] : null;
    }

    /** Writes one line; a null in {@code fields} is written as the null marker. */
    public void write(String[] fields) throws IOException {
        write(fields, null);
    }

    /**
     * Writes one line, and puts each value's length in UTF-8 bytes (as a VARCHAR counts it; 0 for
     * a null) in {@code utf8Bytes}, which has a place per field.
     */
    public void write(String[] fields, int[] utf8Bytes) throws IOException {
        if (charWriter != null) {
            writeChars(fields);
            if (utf8Bytes != null) {
                for (int i = 0; i < fields.length; i++) {
                    utf8Bytes[i] = fields[i] == null ? 0 : utf8Length(fields[i]);
                }
            }
            return;
        }
        for (int i = 0; i < fields.length; i++) {
            int length = field(i, fields[i]);
            if (utf8Bytes != null) {
                utf8Bytes[i] = length;
            }
        }
        endLine();
    }

    /**
     * Writes one line of a record's values, each as {@link ValueText} writes it, and puts each
     * value's length in UTF-8 bytes in {@code utf8Bytes} unless it is null ({@code row}: the
     * record's number, for errors). In UTF-8, numbers, booleans, dates and timestamps go into the buffer without a
     * String of their own.
     */
    public void write(Object[] values, Schema schema, long row, int[] utf8Bytes) throws IOException {
        if (charWriter != null) {
            String[] fields = new String[values.length];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = ValueText.format(values[i], schema.column(i), row);
            }
            write(fields, utf8Bytes);
            return;
        }
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            CharSequence text = value instanceof String string && schema.column(i).type().kind() == ColumnType.Kind.STRING ? string
                    : value == null ? null : ValueText.append(scratch(), value, schema.column(i), row);
            int length = field(i, text);
            if (utf8Bytes != null) {
                utf8Bytes[i] = length;
            }
        }
        endLine();
    }

    private StringBuilder scratch() {
        scratch.setLength(0);
        return scratch;
    }

    /** Writes field {@code index} of a line, quoted, or the null marker; returns its length in UTF-8 (0 for a null). */
    private int field(int index, CharSequence value) throws IOException {
        if (index > 0) {
            putUtf8(delimiter);
        }
        if (value == null) {
            for (int k = 0; k < nullMarker.length(); k++) {
                putUtf8(nullMarker.charAt(k));
            }
            return 0;
        }
        putUtf8(quote);
        long start = flushed + filled;
        doubledQuotes = 0;
        for (int k = 0; k < value.length(); ) {
            int to = Math.min(value.length(), k + SLICE);
            copy(value, k, to);
            room(6 * SLICE + 4);
            k = quotedUtf8(value, k, to);
        }
        int length = (int) (flushed + filled - start - doubledQuotes);
        putUtf8(quote);
        return length;
    }

    private void endLine() throws IOException {
        room(1);
        buffer[filled++] = '\n';
    }

    /** The length of {@code s} in UTF-8 as this writer encodes it: a lone surrogate is one byte ({@code ?}). */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return n;
    }

    /** Puts {@code value[from, to)} at the start of {@link #slice}. */
    private void copy(CharSequence value, int from, int to) {
        if (value instanceof String s) {
            s.getChars(from, to, slice, 0);
        } else if (value instanceof StringBuilder b) {
            b.getChars(from, to, slice, 0);
        } else {
            for (int i = from; i < to; i++) {
                slice[i - from] = value.charAt(i);
            }
        }
    }

    /**
     * Encodes {@code value[from, to)}, which {@link #slice} holds, into the buffer, doubling quotes;
     * returns where it stopped ({@code to}, or one past it when a surrogate pair straddles {@code to}).
     */
    private int quotedUtf8(CharSequence value, int from, int to) {
        byte[] b = buffer;
        char[] chars = slice;
        char q = quote;
        int count = to - from;
        int end = to;
        int p = filled;
        int j = 0;
        while (j < count) {
            char c = chars[j++];
            if (c < 0x80 && c != q) {
                b[p++] = (byte) c;
                continue;
            }
            if (c == q) {
                int before = p;
                p = utf8(c, b, p);
                doubledQuotes += p - before;
            }
            int next = from + j;
            if (Character.isHighSurrogate(c) && next < value.length() && Character.isLowSurrogate(value.charAt(next))) {
                int cp = Character.toCodePoint(c, value.charAt(next));
                if (j < count) {
                    j++;
                } else {
                    end++;   // the pair's second half is the first char past the slice
                }
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else {
                p = utf8(c, b, p);
            }
        }
        filled = p;
        return end;
    }

    /** One char of the basic plane as UTF-8; a lone surrogate, which has none, as {@code ?}. */
    private static int utf8(char c, byte[] b, int p) {
        if (c < 0x80) {
            b[p++] = (byte) c;
        } else if (c < 0x800) {
            b[p++] = (byte) (0xC0 | c >> 6);
            b[p++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isSurrogate(c)) {
            b[p++] = '?';
        } else {
            b[p++] = (byte) (0xE0 | c >> 12);
            b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
            b[p++] = (byte) (0x80 | c & 0x3F);
        }
        return p;
    }

    private void putUtf8(char c) throws IOException {
        room(3);
        filled = utf8(c, buffer, filled);
    }

    /** Makes room for {@code bytes} more in the buffer. */
    private void room(int bytes) throws IOException {
        if (buffer.length - filled < bytes) {
            out.write(buffer, 0, filled);
            flushed += filled;
            filled = 0;
        }
    }

    private void writeChars(String[] fields) throws IOException {
        line.setLength(0);
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append(delimiter);
            }
            String value = fields[i];
            if (value == null) {
                line.append(nullMarker);
                continue;
            }
            line.append(quote);
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (c == quote) {
                    line.append(quote);
                }
                line.append(c);
            }
            line.append(quote);
        }
        charWriter.append(line.append('\n'));
    }

    /** Writes what is buffered through to the stream. */
    public void flush() throws IOException {
        if (charWriter != null) {
            charWriter.flush();
        } else {
            out.write(buffer, 0, filled);
            flushed += filled;
            filled = 0;
            out.flush();
        }
    }

    /** Flushes; the stream stays open, as it is the caller's. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
