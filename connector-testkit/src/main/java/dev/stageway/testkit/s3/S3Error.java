package dev.stageway.testkit.s3;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answered the way S3 answers it: status, code, message, and the extra elements S3 adds for it. */
final class S3Error extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;
    final Map<String, String> elements;

    S3Error(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    S3Error(int status, String code, String message, Map<String, String> elements) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.elements = new LinkedHashMap<>(elements);
    }

    static S3Error accessDenied(String message) {
        return new S3Error(403, "AccessDenied", message);
    }

    static S3Error noSuchBucket(String bucket) {
        return new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", Map.of("BucketName", bucket));
    }

    /** S3's answer to a Complete naming a part it does not have, or with a checksum that is not the part's. */
    static S3Error invalidPart(Map<String, String> elements) {
        return new S3Error(400, "InvalidPart", "One or more of the specified parts could not be found.  The part may not have been "
                + "uploaded, or the specified entity tag may not match the part's entity tag.", elements);
    }

    /** What the sandbox does not model, refused rather than passed through unchecked. */
    static S3Error notModelled(String what) {
        return new S3Error(501, "NotImplemented", "The sandbox does not model " + what + ".");
    }
}
