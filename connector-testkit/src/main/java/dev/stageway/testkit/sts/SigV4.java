package dev.stageway.testkit.sts;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Checks AWS Signature Version 4 on a request, as AWS services do. */
final class SigV4 {
    private SigV4() {
    }

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256\\s+Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*SignedHeaders=([^,]+),\\s*Signature=([0-9a-f]+)");

    /** The parts of an {@code Authorization} header. */
    record Authorization(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
                         String signature) {
        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    static Optional<Authorization> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = AUTHORIZATION.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Authorization(m.group(1), m.group(2), m.group(3), m.group(4), List.of(m.group(5).split(";")),
                m.group(6)));
    }

    /**
     * True when {@code auth.signature} is what {@code secret} gives for this request.
     *
     * @param headers lower-case header names to their values
     */
    static boolean verify(Authorization auth, String secret, String method, String rawPath, String rawQuery,
                          Map<String, List<String>> headers, byte[] body) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n');
        canonical.append(rawPath == null || rawPath.isEmpty() ? "/" : rawPath).append('\n');
        canonical.append(canonicalQuery(rawQuery)).append('\n');
        for (String name : auth.signedHeaders()) {
            List<String> values = headers.getOrDefault(name, List.of());
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll("\\s+", " ")));
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(String.join(";", auth.signedHeaders())).append('\n');
        List<String> contentSha = headers.get("x-amz-content-sha256");
        canonical.append(contentSha != null && !contentSha.isEmpty() ? contentSha.get(0) : hex(sha256(body)));

        String amzDate = headers.getOrDefault("x-amz-date", List.of("")).get(0);
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + auth.scope() + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), auth.date());
        key = hmac(key, auth.region());
        key = hmac(key, auth.service());
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, toSign));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().getBytes(StandardCharsets.US_ASCII));
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            pairs.add(new String[] {encode(name), encode(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> out = new ArrayList<>();
        pairs.forEach(p -> out.add(p[0] + "=" + p[1]));
        return String.join("&", out);
    }

    /** RFC 3986 encoding of everything but unreserved characters, as SigV4 requires. */
    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
