package dev.stageway.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decodes bytes in a charset and never changes data silently: bytes that are not valid in it are an
 * error, or, when asked, each invalid sequence becomes U+FFFD and is counted.
 */
final class CheckedDecoder extends Reader {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final boolean replace;
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final LongAdder replaced;
    private boolean eof;
    private boolean flushed;
    /** Invalid bytes met after chars still to hand out: thrown by the read after those. */
    private InvalidCharactersException failure;
    /** The second char of a pair a one-char read could not take, or -1. */
    private int pending = -1;
    /** Line breaks decoded so far: the line an invalid sequence is on. */
    private long lines;

    /** @param replaced counts the sequences replaced */
    CheckedDecoder(InputStream in, Charset charset, boolean replace, LongAdder replaced) {
        this.in = in;
        this.replaced = replaced;
        this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        this.replace = replace;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pending >= 0) {
            cbuf[off] = (char) pending;
            pending = -1;
            return 1;
        }
        if (len == 1) {
            // A character outside the BMP decodes to two chars at once: decode into room for both.
            char[] two = new char[2];
            int n = read(two, 0, 2);
            if (n > 0) {
                cbuf[off] = two[0];
                pending = n == 2 ? two[1] : -1;
            }
            return n < 0 ? -1 : 1;
        }
        CharBuffer out = CharBuffer.wrap(cbuf, off, len);
        while (out.position() == off) {
            if (failure != null) {
                throw failure;
            }
            if (flushed) {
                return -1;
            }
            int before = out.position();
            CoderResult result = decoder.decode(bytes, out, eof);
            countLines(cbuf, before, out.position());
            if (result.isError()) {
                if (!replace) {
                    failure = new InvalidCharactersException(lines + 1, "bytes that are not valid " + decoder.charset().name()
                            + " (set csv.invalid-characters=replace to read each such sequence as U+FFFD, counted in the summary)");
                    continue;   // what was decoded before them is handed out first
                }
                if (!out.hasRemaining()) {
                    break;   // no room for the replacement: the next read makes it
                }
                bytes.position(bytes.position() + result.length());
                out.put('\uFFFD');
                replaced.increment();
            } else if (result.isUnderflow()) {
                if (eof) {
                    decoder.flush(out);
                    flushed = true;
                } else if (out.position() == off) {
                    fill();   // only when nothing is decoded yet: a reader of a head only must not cause a read past it
                }
            }
        }
        return out.position() - off;
    }

    private void countLines(char[] chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (chars[i] == '\n') {
                lines++;
            }
        }
    }

    private void fill() throws IOException {
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            eof = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
