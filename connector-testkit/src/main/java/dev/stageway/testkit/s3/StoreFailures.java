package dev.stageway.testkit.s3;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.gaul.s3proxy.S3ProxyException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * What s3proxy or its blob store raised while serving a request, answered with S3's code and
 * words: s3proxy says only "Bad Request" for a digest that does not match, and the blob store
 * throws bare statuses (a 400 for an MD5 mismatch or a part Complete names that is not there).
 */
final class StoreFailures {
    private StoreFailures() {
    }

    private static final String MD5_MISMATCH = "The Content-MD5 you specified did not match what we received.";
    private static final String PRECONDITION = "At least one of the pre-conditions you specified did not hold";

    /** Answers {@code failure}; an I/O failure that is none of these is rethrown. */
    static void answer(S3StandIn.Handler handler, HttpServletRequest req, HttpServletResponse resp, S3Request r, S3Operation op,
                       Exception failure) throws IOException {
        Optional<S3ProxyException> refused = cause(failure, S3ProxyException.class);
        if (refused.isPresent()) {
            if (refused.get().getError().name().equals("BAD_DIGEST")) {
                handler.error(req, resp, "BadDigest", 400, badDigest(r, refused.get().getMessage()), Map.of());
            } else {
                handler.error(req, resp, refused.get());
            }
            return;
        }
        Optional<AwsServiceException> store = cause(failure, AwsServiceException.class);
        if (store.isPresent()) {
            storeStatus(handler, req, resp, r, op, store.get());
            return;
        }
        if (failure instanceof IllegalArgumentException) {
            handler.error(req, resp, "InvalidArgument", 400, String.valueOf(failure.getMessage()), Map.of());
        } else if (failure instanceof UnsupportedOperationException) {
            handler.error(req, resp, "NotImplemented", 501, String.valueOf(failure.getMessage()), Map.of());
        } else if (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).startsWith("PreconditionFailed")) {
            handler.error(req, resp, "PreconditionFailed", 412, PRECONDITION, Map.of());
        } else if (failure instanceof IOException io) {
            throw io;
        } else {
            throw (RuntimeException) failure;
        }
    }

    private static void storeStatus(S3StandIn.Handler handler, HttpServletRequest req, HttpServletResponse resp, S3Request r,
                                    S3Operation op, AwsServiceException e) throws IOException {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        if (code == null && e.statusCode() == 400) {
            S3Error error = op.name().equals("CompleteMultipartUpload") ? S3Error.invalidPart(Map.of())
                    : r.header("Content-MD5").isPresent() ? new S3Error(400, "BadDigest", MD5_MISMATCH,   // the store checks MD5 only
                    Map.of("ExpectedDigest", r.header("Content-MD5").get()))
                    : new S3Error(400, "InvalidArgument", "Invalid argument.");
            handler.error(req, resp, error.code, error.status, error.getMessage(), error.elements);
            return;
        }
        if (code == null) {
            code = switch (e.statusCode()) {
                case 304 -> "NotModified";
                case 404 -> "NoSuchKey";
                case 412 -> "PreconditionFailed";
                case 416 -> "InvalidRange";
                default -> "InternalError";
            };
        }
        if (message == null) {
            message = code.equals("PreconditionFailed") ? PRECONDITION : code;
        }
        handler.error(req, resp, code, e.statusCode() == 0 ? 500 : e.statusCode(), message, Map.of());
    }

    /** S3's message for a digest that did not match: the checksum algorithm's, else Content-MD5's. */
    private static String badDigest(S3Request r, String given) {
        if (given != null && !given.equals("Bad Request")) {
            return given;
        }
        Optional<String> algorithm = r.header("x-amz-sdk-checksum-algorithm").or(() -> r.headers().keySet().stream()
                .filter(h -> h.startsWith("x-amz-checksum-") && !h.equals("x-amz-checksum-type") && !h.equals("x-amz-checksum-mode"))
                .map(h -> h.substring("x-amz-checksum-".length())).findFirst());
        return r.header("Content-MD5").isPresent() && algorithm.isEmpty()
                ? MD5_MISMATCH
                : "The " + algorithm.orElse("checksum").toUpperCase(Locale.ROOT) + " you specified did not match the calculated checksum.";
    }

    private static <T extends Throwable> Optional<T> cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return Optional.of(type.cast(c));
            }
        }
        return Optional.empty();
    }
}
