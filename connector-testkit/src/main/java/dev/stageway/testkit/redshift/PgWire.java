package dev.stageway.testkit.redshift;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** PostgreSQL wire-protocol (v3) messages: one type byte, a length that counts itself, a body. */
final class PgWire {
    private PgWire() {
    }

    record Message(char type, byte[] body) {
        String text() {
            return new String(body, 0, Math.max(0, body.length - 1), StandardCharsets.UTF_8);
        }
    }

    static Message read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message((char) type, body);
    }

    static void write(OutputStream out, char type, byte[] body) throws IOException {
        byte[] header = {(byte) type, (byte) ((body.length + 4) >>> 24), (byte) ((body.length + 4) >>> 16),
                (byte) ((body.length + 4) >>> 8), (byte) (body.length + 4)};
        out.write(header);
        out.write(body);
    }

    static void write(OutputStream out, Message m) throws IOException {
        write(out, m.type(), m.body());
    }

    static byte[] cstring(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    /** A simple-protocol query. */
    static void query(OutputStream out, String sql) throws IOException {
        write(out, 'Q', cstring(sql));
        out.flush();
    }

    /** The fields of an ErrorResponse or NoticeResponse, by their one-letter codes. */
    static Map<Character, String> fields(byte[] body) {
        Map<Character, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < body.length && body[i] != 0) {
            char code = (char) body[i++];
            int start = i;
            while (body[i] != 0) {
                i++;
            }
            fields.put(code, new String(body, start, i - start, StandardCharsets.UTF_8));
            i++;
        }
        return fields;
    }

    /** The values of a DataRow, as text (null for NULL). */
    static java.util.List<String> dataRow(byte[] body) {
        java.util.List<String> values = new java.util.ArrayList<>();
        int count = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        int i = 2;
        for (int c = 0; c < count; c++) {
            int length = ((body[i] & 0xff) << 24) | ((body[i + 1] & 0xff) << 16) | ((body[i + 2] & 0xff) << 8) | (body[i + 3] & 0xff);
            i += 4;
            values.add(length < 0 ? null : new String(body, i, length, StandardCharsets.UTF_8));
            i += Math.max(0, length);
        }
        return values;
    }

    /** An ErrorResponse as Redshift sends one ({@code detail} empty for none). */
    static byte[] error(String sqlState, String message, String detail) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object[] f : new Object[][] {{'S', "ERROR"}, {'V', "ERROR"}, {'C', sqlState}, {'M', message}, {'D', detail}}) {
            if (((String) f[1]).isEmpty()) {
                continue;
            }
            b.write((char) f[0]);
            b.writeBytes(cstring((String) f[1]));
        }
        b.write(0);
        return b.toByteArray();
    }
}
