package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What S3 remembers of each multipart upload beyond its parts: who initiated it and when, the checksum
 * algorithm and type it was created with, the SSE-KMS key its parts are encrypted with, and the
 * checksum S3 computed for each part. Thread-safe.
 */
final class Uploads {
    /**
     * @param checksumAlgorithm as created ({@code CRC32}, ...), empty when none was asked for
     * @param fullObject        whether the checksum describes the whole object rather than the parts
     * @param sseHeader         the {@code x-amz-server-side-encryption} the upload was created with
     * @param kmsKeyArn         the SSE-KMS key of the upload, resolved
     * @param initiated         by the sandbox's clock, which lifecycle rules count from
     */
    record Upload(String bucket, String key, Principal initiator, Instant initiated, Optional<String> checksumAlgorithm,
                  boolean fullObject, Optional<String> sseHeader, Optional<String> kmsKeyArn, Map<Integer, String> partChecksums) {
    }

    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final Clock clock;

    Uploads(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    void started(String uploadId, Upload upload) {
        uploads.put(uploadId, upload);
    }

    /** The upload, if it is open and names this bucket and key. */
    Optional<Upload> get(String uploadId, String bucket, String key) {
        return Optional.ofNullable(uploads.get(uploadId)).filter(u -> u.bucket().equals(bucket) && u.key().equals(key));
    }

    Optional<Upload> get(String uploadId) {
        return Optional.ofNullable(uploads.get(uploadId));
    }

    void partUploaded(String uploadId, int partNumber, String checksum) {
        Upload u = uploads.get(uploadId);
        if (u != null) {
            u.partChecksums().put(partNumber, checksum);
        }
    }

    void ended(String uploadId) {
        uploads.remove(uploadId);
    }
}
