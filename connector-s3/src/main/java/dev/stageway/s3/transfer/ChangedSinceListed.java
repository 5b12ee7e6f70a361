package dev.stageway.s3.transfer;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 refused a read or copy pinned to the ETag an object was listed with (If-Match, 412
 * PreconditionFailed): the object changed since. Every pinned request goes through here, so the
 * failure says the same wherever it shows.
 */
public final class ChangedSinceListed extends StagewayException {
    private static final long serialVersionUID = 1L;

    private ChangedSinceListed(String bucket, String key, String eTag, S3Exception cause) {
        super(ErrorKind.DATA, false, S3Location.url(bucket, key) + " changed since it was listed (it no longer has ETag " + eTag
                + "); the run publishes nothing of what it read. Run again to take the object as it is now.", cause);
    }

    /** A GET of {@code key}, or of {@code range} of it (null for all), pinned to {@code eTag}. */
    static ResponseInputStream<GetObjectResponse> get(S3Client s3, String bucket, String key, String eTag, String range) {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key).ifMatch(eTag).range(range));
        } catch (S3Exception e) {
            throw of(e, bucket, key, eTag);
        }
    }

    /** {@code e}, S3's answer to a request pinned to {@code eTag}, as this when it is 412. */
    static RuntimeException of(S3Exception e, String bucket, String key, String eTag) {
        return e.statusCode() == 412 ? new ChangedSinceListed(bucket, key, eTag, e) : e;
    }
}
