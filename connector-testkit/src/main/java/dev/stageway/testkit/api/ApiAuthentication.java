package dev.stageway.testkit.api;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.sigv4.SigV4;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who signed a request to an AWS API (STS, Redshift, Redshift Serverless), checked as they check
 * it: SigV4 only, the credential scoped to the endpoint's region, to the service's signing name
 * and to the day of {@code X-Amz-Date}, within 15 minutes of
 * now, the body hashed here rather than taken from any header, then the signature and, for
 * temporary keys, their session token and expiry.
 */
public final class ApiAuthentication {
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final Iam iam;
    private final String region;
    private final String service;

    /** @param service the signing name requests must be scoped to, such as {@code sts} or {@code redshift} */
    public ApiAuthentication(Iam iam, String region, String service) {
        this.iam = iam;
        this.region = region;
        this.service = service;
    }

    public Credential authenticate(HttpExchange exchange, byte[] body) throws ApiError {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !SigV4.isSigV4Header(header)) {
            // These APIs take SigV4 only; anything else (SigV2, a query-string signature) carries no token they read.
            throw new ApiError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
        SigV4.Signature s = SigV4.fromHeader(header, amzDate).orElseThrow(() -> new ApiError(400, "IncompleteSignature",
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and an X-Amz-Date header."));
        Credential caller = iam.credential(s.accessKeyId()).orElseThrow(() ->
                new ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid."));
        if (!s.region().equals(region)) {
            throw mismatch("Credential should be scoped to a valid region. ");
        }
        if (!s.service().equals(service)) {
            throw mismatch("Credential should be scoped to correct service: '" + service + "'. ");
        }
        if (!s.terminator().equals(SigV4.TERMINATOR)) {
            throw mismatch("Credential should be scoped with a valid terminator: 'aws4_request', not '" + s.terminator() + "'. ");
        }
        if (amzDate.length() < 8 || !s.scopeDate().equals(amzDate.substring(0, 8))) {
            throw mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"
                    + s.scopeDate() + "' != '" + amzDate.substring(0, Math.min(8, amzDate.length())) + "', from '" + amzDate + "'.");
        }
        checkTime(amzDate);
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        String expected = SigV4.expected(s, caller.secretAccessKey(), exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers, SigV4.hex(SigV4.sha256(body)));
        if (!SigV4.matches(s, expected)) {
            throw mismatch("The request signature we calculated does not match the signature you provided. Check your AWS "
                    + "Secret Access Key and signing method. Consult the service documentation for details.");
        }
        if (caller.isTemporary()) {
            String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
            if (token == null || !token.equals(caller.sessionToken().get())) {
                throw new ApiError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
            }
            if (caller.expiredAt(iam.now())) {
                throw new ApiError(400, "ExpiredToken", "The security token included in the request is expired");
            }
        }
        return caller;
    }

    private void checkTime(String amzDate) throws ApiError {
        Instant signedAt = SigV4.time(amzDate).orElseThrow(() ->
                new ApiError(400, "IncompleteSignature", "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z'."));
        Instant now = iam.now();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            throw mismatch("Signature expired: " + amzDate + " is now earlier than " + SigV4.AMZ_DATE.format(now.minus(MAX_SKEW))
                    + " (" + SigV4.AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw mismatch("Signature not yet current: " + amzDate + " is still later than " + SigV4.AMZ_DATE.format(now.plus(MAX_SKEW))
                    + " (" + SigV4.AMZ_DATE.format(now) + " + 15 min.)");
        }
    }

    private static ApiError mismatch(String message) {
        return new ApiError(403, "SignatureDoesNotMatch", message);
    }
}
