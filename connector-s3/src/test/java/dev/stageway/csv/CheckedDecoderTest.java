package dev.stageway.csv;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class CheckedDecoderTest {
    static CheckedDecoder decoder(byte[] bytes, boolean replace, LongAdder replaced) {
        return new CheckedDecoder(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8, replace, replaced);
    }

    @Test
    void oneCharAtATimeKeepsCharactersOutsideTheBmpWhole() throws IOException {
        String text = "a\uD83D\uDE00\nżółć";
        StringBuilder read = new StringBuilder();
        try (CheckedDecoder d = decoder(text.getBytes(StandardCharsets.UTF_8), false, new LongAdder())) {
            for (int c = d.read(); c >= 0; c = d.read()) {
                read.append((char) c);
            }
        }
        assertEquals(text, read.toString());
    }

    @Test
    void invalidBytesFailNamingTheirLineOrAreReplacedAndCounted() throws IOException {
        byte[] bytes = {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xe9, '\n', (byte) 0xff, '\n'};
        InvalidCharactersException e = assertThrows(InvalidCharactersException.class,
                () -> decoder(bytes, false, new LongAdder()).transferTo(java.io.Writer.nullWriter()));
        assertEquals(2, e.line());
        LongAdder replaced = new LongAdder();
        java.io.StringWriter out = new java.io.StringWriter();
        try (CheckedDecoder d = decoder(bytes, true, replaced)) {
            d.transferTo(out);
        }
        assertEquals("ok\ncaf\uFFFD\n\uFFFD\n", out.toString());
        assertEquals(2, replaced.sum());
    }
}
