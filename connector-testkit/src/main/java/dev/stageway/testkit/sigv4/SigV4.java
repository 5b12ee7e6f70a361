package dev.stageway.testkit.sigv4;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4, as a service reads and checks it: the signature's parts from an
 * {@code Authorization} header or a presigned URL's query string, and the signature the
 * caller's secret gives for the request. Which checks a service makes, and how it answers each
 * failure, is the service's own (S3 and STS word them differently).
 */
public final class SigV4 {
    private SigV4() {
    }

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String TERMINATOR = "aws4_request";
    /** The form of {@code X-Amz-Date}. */
    public static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * The parts of a signature.
     *
     * @param amzDate   the request's time as signed ({@code X-Amz-Date}, header or query)
     * @param expires   for a presigned URL, {@code X-Amz-Expires}
     */
    public record Signature(String accessKeyId, String scopeDate, String region, String service, String terminator,
                            List<String> signedHeaders, String signature, String amzDate, boolean presigned,
                            Optional<String> expires) {
        public String scope() {
            return scopeDate + "/" + region + "/" + service + "/" + terminator;
        }
    }

    /** The time {@code X-Amz-Date} holds; empty when it is absent or not in that form. */
    public static Optional<Instant> time(String amzDate) {
        try {
            return amzDate == null ? Optional.empty() : Optional.of(Instant.from(AMZ_DATE.parse(amzDate)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** True when the header claims SigV4, whether or not it is well formed. */
    public static boolean isSigV4Header(String authorization) {
        return authorization != null && authorization.trim().startsWith(ALGORITHM + " ");
    }

    /** The parts of an {@code Authorization} header; empty when it is not a well-formed SigV4 header. */
    public static Optional<Signature> fromHeader(String authorization, String amzDate) {
        if (!isSigV4Header(authorization)) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : authorization.trim().substring(ALGORITHM.length()).split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                return Optional.empty();
            }
            fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return build(fields.get("Credential"), fields.get("SignedHeaders"), fields.get("Signature"), amzDate, false,
                Optional.empty());
    }

    /** The parts of a presigned URL's signature; empty when the query string does not carry a SigV4 one. */
    public static Optional<Signature> fromQuery(Map<String, String> query) {
        if (!ALGORITHM.equals(query.get("X-Amz-Algorithm"))) {
            return Optional.empty();
        }
        return build(query.get("X-Amz-Credential"), query.get("X-Amz-SignedHeaders"), query.get("X-Amz-Signature"),
                query.get("X-Amz-Date"), true, Optional.ofNullable(query.get("X-Amz-Expires")));
    }

    private static Optional<Signature> build(String credential, String signedHeaders, String signature, String amzDate,
                                             boolean presigned, Optional<String> expires) {
        if (credential == null || signedHeaders == null || signature == null || amzDate == null) {
            return Optional.empty();
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5) {
            return Optional.empty();
        }
        return Optional.of(new Signature(scope[0], scope[1], scope[2], scope[3], scope[4],
                List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";")), signature, amzDate, presigned, expires));
    }

    /**
     * The signature {@code secret} gives for this request.
     *
     * @param rawPath     the path as sent (S3 does not normalise or re-encode it)
     * @param rawQuery    the query string as sent; a presigned URL's own signature is left out
     * @param headers     lower-case header names to their values
     * @param payloadHash what the canonical request ends with: a hex SHA-256 of the body, or a
     *                    token such as {@code UNSIGNED-PAYLOAD}
     */
    public static String expected(Signature s, String secret, String method, String rawPath, String rawQuery,
                                  Map<String, List<String>> headers, String payloadHash) {
        StringBuilder canonical = new StringBuilder();
        canonical.append(method).append('\n');
        canonical.append(rawPath == null || rawPath.isEmpty() ? "/" : rawPath).append('\n');
        canonical.append(canonicalQuery(rawQuery, s.presigned())).append('\n');
        for (String name : s.signedHeaders()) {
            List<String> values = headers.getOrDefault(name, List.of());
            List<String> trimmed = new ArrayList<>();
            values.forEach(v -> trimmed.add(v.trim().replaceAll("\\s+", " ")));
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(String.join(";", s.signedHeaders())).append('\n');
        canonical.append(payloadHash);
        String toSign = ALGORITHM + "\n" + s.amzDate() + "\n" + s.scope() + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        return hex(hmac(signingKey(secret, s), toSign));
    }

    /** Constant-time comparison of the request's signature with the expected one. */
    public static boolean matches(Signature s, String expected) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), s.signature().getBytes(StandardCharsets.US_ASCII));
    }

    /** The key derived from the secret and the signature's scope. */
    private static byte[] signingKey(String secret, Signature s) {
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), s.scopeDate());
        key = hmac(key, s.region());
        key = hmac(key, s.service());
        return hmac(key, s.terminator());
    }

    /** The query string's parameters, decoded; the first value of a repeated name. */
    public static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            out.putIfAbsent(name, eq < 0 ? "" : decode(part.substring(eq + 1)));
        }
        return out;
    }

    private static String canonicalQuery(String rawQuery, boolean presigned) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = decode(eq < 0 ? part : part.substring(0, eq));
            if (presigned && name.equals("X-Amz-Signature")) {
                continue;
            }
            String value = eq < 0 ? "" : decode(part.substring(eq + 1));
            pairs.add(new String[] {encode(name), encode(value)});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> out = new ArrayList<>();
        pairs.forEach(p -> out.add(p[0] + "=" + p[1]));
        return String.join("&", out);
    }

    /** '+' is a plus sign in SigV4 query strings, not a space. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
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

    public static byte[] sha256(byte[] data) {
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

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
