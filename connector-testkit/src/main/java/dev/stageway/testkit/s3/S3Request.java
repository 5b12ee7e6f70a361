package dev.stageway.testkit.s3;

import dev.stageway.testkit.sigv4.SigV4;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One S3 request as the sandbox reads it before anything answers it: path-style bucket and key,
 * query parameters and headers, and how it arrived (HTTPS or not, from which address). The body
 * is left unread.
 *
 * @param bucket empty for the service ({@code GET /})
 * @param key    empty for a bucket-level request
 */
record S3Request(String method, String rawPath, String rawQuery, Optional<String> bucket, Optional<String> key,
                 Map<String, String> query, Map<String, List<String>> headers, boolean secure, String tlsVersion, String sourceIp) {

    static S3Request of(HttpServletRequest req) {
        String rawPath = req.getRequestURI();
        String[] parts = rawPath.split("/", 3);
        Optional<String> bucket = parts.length > 1 && !parts[1].isEmpty() ? Optional.of(decode(parts[1])) : Optional.empty();
        Optional<String> key = parts.length > 2 && !parts[2].isEmpty() ? Optional.of(decode(parts[2])) : Optional.empty();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(Collections.list(req.getHeaders(name)));
        }
        // "TLSv1.3" as s3:TlsVersion's "1.3"
        Object protocol = req.getAttribute("jakarta.servlet.request.secure_protocol");
        String tls = protocol == null ? "" : protocol.toString().replace("TLSv", "");
        return new S3Request(req.getMethod(), rawPath, req.getQueryString(), bucket, key, SigV4.query(req.getQueryString()),
                headers, req.isSecure(), tls, req.getRemoteAddr());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    boolean has(String queryParameter) {
        return query.containsKey(queryParameter);
    }

    Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** {@code bucket/key}, as S3's error messages and counters name an object. */
    String path() {
        return bucket.orElse("") + key.map(k -> "/" + k).orElse("");
    }
}
