package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.sigv4.SigV4;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who signed an S3 request, checked as S3 checks it, in S3's order and words: SigV4 in the
 * {@code Authorization} header or a presigned URL (SigV2 is refused), the credential scoped to
 * the sandbox's region, to {@code s3} and to the day of {@code X-Amz-Date}, the request within 15
 * minutes of now (or the URL unexpired), every {@code x-amz-*} header signed, a known access key,
 * the signature, and for temporary keys their session token and expiry.
 */
final class S3Authentication {
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final long MAX_PRESIGNED_SECONDS = 604800;
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> PAYLOAD_TOKENS = List.of("UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
    private static final String SIGV2_REFUSED = "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.";

    /** How a request was signed, as {@code s3:authType} and {@code s3:signatureAge} describe it. */
    record Signed(Credential credential, boolean presigned, Duration age) {
    }

    private final Iam iam;
    private final String region;

    S3Authentication(Iam iam, String region) {
        this.iam = iam;
        this.region = region;
    }

    /** The signer, or empty for an unsigned (anonymous) request. */
    Optional<Signed> authenticate(S3Request r) {
        String authorization = r.header("Authorization").orElse(null);
        if (authorization != null && authorization.startsWith("AWS ")) {
            throw new S3Error(400, "InvalidRequest", SIGV2_REFUSED);
        }
        if (SigV4.isSigV4Header(authorization)) {
            SigV4.Signature s = SigV4.fromHeader(authorization, r.header("x-amz-date").orElse(r.header("Date").orElse(null)))
                    .orElseThrow(() -> malformedHeader("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."));
            return Optional.of(checkHeader(r, s));
        }
        if (r.has("AWSAccessKeyId") || r.has("Signature")) {
            throw new S3Error(400, "InvalidRequest", SIGV2_REFUSED);
        }
        if (r.has("X-Amz-Algorithm") || r.has("X-Amz-Credential") || r.has("X-Amz-Signature")) {
            return Optional.of(checkPresigned(r));
        }
        return Optional.empty();
    }

    private Signed checkHeader(S3Request r, SigV4.Signature s) {
        String amzDate = r.header("x-amz-date").orElseThrow(() ->
                S3Error.accessDenied("AWS authentication requires a valid Date or x-amz-date header"));
        Instant signedAt = SigV4.time(amzDate).orElseThrow(() ->
                S3Error.accessDenied("AWS authentication requires a valid Date or x-amz-date header"));
        Instant now = iam.now();
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new S3Error(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
                    Map.of("RequestTime", amzDate, "ServerTime", now.truncatedTo(ChronoUnit.SECONDS).toString(),
                            "MaxAllowedSkewMilliseconds", String.valueOf(MAX_SKEW.toMillis())));
        }
        if (!s.scopeDate().equals(amzDate.substring(0, 8))) {
            throw malformedHeader("Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        if (!s.region().equals(region)) {
            throw new S3Error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; the region '" + s.region()
                    + "' is wrong; expecting '" + region + "'", Map.of("Region", region));
        }
        checkServiceAndTerminal(s, "The authorization header is malformed; ", "AuthorizationHeaderMalformed");
        checkAllAmzHeadersSigned(r, s);
        String payload = r.header("x-amz-content-sha256").orElseThrow(() ->
                new S3Error(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"));
        if (!HEX_SHA256.matcher(payload).matches() && !PAYLOAD_TOKENS.contains(payload)) {
            throw new S3Error(400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                    + "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
        }
        Credential c = verify(r, s, List.of(payload));
        return new Signed(checkToken(c, r.header("x-amz-security-token")), false, Duration.between(signedAt, now).abs());
    }

    private Signed checkPresigned(S3Request r) {
        Map<String, String> q = r.query();
        for (String p : List.of("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires")) {
            if (!q.containsKey(p)) {
                throw queryError("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
                        + "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
            }
        }
        if (!SigV4.ALGORITHM.equals(q.get("X-Amz-Algorithm"))) {
            throw queryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        SigV4.Signature s = SigV4.fromQuery(q).orElseThrow(() -> queryError("Error parsing the X-Amz-Credential parameter; the Credential "
                + "is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."));
        long expires;
        try {
            expires = Long.parseLong(q.get("X-Amz-Expires"));
        } catch (NumberFormatException e) {
            throw queryError("X-Amz-Expires should be a number");
        }
        if (expires < 0) {
            throw queryError("X-Amz-Expires must be non-negative");
        }
        if (expires > MAX_PRESIGNED_SECONDS) {
            throw queryError("X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than "
                    + MAX_PRESIGNED_SECONDS + " seconds");
        }
        Instant signedAt = SigV4.time(s.amzDate()).orElseThrow(() ->
                queryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""));
        if (!s.scopeDate().equals(s.amzDate().substring(0, 8))) {
            throw queryError("Invalid credential date \"" + s.scopeDate() + "\". This date is not the same as X-Amz-Date: \""
                    + s.amzDate().substring(0, 8) + "\".");
        }
        if (!s.region().equals(region)) {
            throw new S3Error(400, "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; the region '"
                    + s.region() + "' is wrong; expecting '" + region + "'", Map.of("Region", region));
        }
        checkServiceAndTerminal(s, "Error parsing the X-Amz-Credential parameter; ", "AuthorizationQueryParametersError");
        Instant now = iam.now();
        Instant expiry = signedAt.plusSeconds(expires);
        if (!now.isBefore(expiry)) {
            throw new S3Error(403, "AccessDenied", "Request has expired", Map.of("X-Amz-Expires", String.valueOf(expires),
                    "Expires", expiry.toString(), "ServerTime", now.truncatedTo(ChronoUnit.SECONDS).toString()));
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            throw S3Error.accessDenied("Request is not valid yet");
        }
        checkAllAmzHeadersSigned(r, s);
        // The SDK's presigner writes UNSIGNED-PAYLOAD even where it signs a payload hash header; accept either.
        List<String> payloads = new ArrayList<>();
        r.param("X-Amz-Content-Sha256").ifPresent(payloads::add);
        payloads.add("UNSIGNED-PAYLOAD");
        Credential c = verify(r, s, payloads);
        return new Signed(checkToken(c, r.param("X-Amz-Security-Token")), true, Duration.between(signedAt, now).abs());
    }

    private static void checkServiceAndTerminal(SigV4.Signature s, String prefix, String code) {
        if (!s.service().equals("s3")) {
            throw new S3Error(400, code, prefix + "incorrect service \"" + s.service() + "\". This endpoint belongs to \"s3\".");
        }
        if (!s.terminator().equals(SigV4.TERMINATOR)) {
            throw new S3Error(400, code, prefix + "incorrect terminal \"" + s.terminator() + "\". This endpoint uses \"aws4_request\".");
        }
    }

    /** Every {@code x-amz-*} header must be signed, but for the payload hash, which is checked against the body anyway. */
    private static void checkAllAmzHeadersSigned(S3Request r, SigV4.Signature s) {
        List<String> unsigned = new ArrayList<>();
        for (String name : r.headers().keySet()) {
            if (name.startsWith("x-amz-") && !name.equals("x-amz-content-sha256") && !s.signedHeaders().contains(name)) {
                unsigned.add(name);
            }
        }
        if (!unsigned.isEmpty()) {
            throw new S3Error(403, "AccessDenied", "There were headers present in the request which were not signed",
                    Map.of("HeadersNotSigned", String.join(", ", unsigned)));
        }
    }

    private Credential verify(S3Request r, SigV4.Signature s, List<String> payloadHashes) {
        Credential c = iam.credential(s.accessKeyId()).orElseThrow(() -> new S3Error(403, "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.", Map.of("AWSAccessKeyId", s.accessKeyId())));
        for (String payload : payloadHashes) {
            if (SigV4.matches(s, SigV4.expected(s, c.secretAccessKey(), r.method(), r.rawPath(), r.rawQuery(), r.headers(), payload))) {
                return c;
            }
        }
        throw new S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. "
                + "Check your key and signing method.", Map.of("AWSAccessKeyId", s.accessKeyId()));
    }

    private Credential checkToken(Credential c, Optional<String> token) {
        if (c.isTemporary()) {
            if (token.isEmpty() || !token.get().equals(c.sessionToken().get())) {
                throw new S3Error(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
            }
            if (c.expiredAt(iam.now())) {
                throw new S3Error(400, "ExpiredToken", "The provided token has expired.");
            }
        }
        return c;
    }

    private static S3Error malformedHeader(String detail) {
        return new S3Error(400, "AuthorizationHeaderMalformed", "The authorization header is malformed; " + detail);
    }

    private static S3Error queryError(String message) {
        return new S3Error(400, "AuthorizationQueryParametersError", message);
    }
}
