package dev.stageway.s3.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * An object whose bytes are all in S3 in an open multipart upload (or, with no bytes, nowhere
 * yet), not visible until {@link #complete}. It travels as a commit message's item, so the
 * process that completes it need not be the one that uploaded it.
 *
 * @param uploadId empty for an object of no bytes, which completing creates with PutObject
 */
public record StagedObject(String bucket, String key, Optional<String> uploadId, List<CompletedPart> parts, long bytes) {

    public StagedObject {
        parts = List.copyOf(parts);
    }

    /** Makes the object visible. */
    public void complete(S3Client s3, ObjectOptions options) {
        if (uploadId.isEmpty()) {
            PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key).contentLength(0L)
                    .ifNoneMatch(options.ifNoneMatch());
            options.encrypt(put::serverSideEncryption, put::ssekmsKeyId);
            s3.putObject(put.build(), RequestBody.empty());
            return;
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId.get())
                .multipartUpload(m -> m.parts(parts)).ifNoneMatch(options.ifNoneMatch()));
    }

    /** Removes the uploaded parts; the object never appears. */
    public void abort(S3Client s3) {
        uploadId.ifPresent(id -> ObjectUpload.abortUpload(s3, bucket, key, id));
    }

    /** As a commit message's item: parts as lines of "number ETag CRC32". */
    public Map<String, String> toItem() {
        StringBuilder lines = new StringBuilder();
        for (CompletedPart p : parts) {
            lines.append(p.partNumber()).append(' ').append(p.eTag()).append(' ').append(p.checksumCRC32()).append('\n');
        }
        return Map.of("bucket", bucket, "key", key, "upload-id", uploadId.orElse(""), "parts", lines.toString(),
                "bytes", Long.toString(bytes));
    }

    public static StagedObject fromItem(Map<String, String> item) {
        List<CompletedPart> parts = new ArrayList<>();
        for (String line : item.get("parts").split("\n")) {
            if (!line.isEmpty()) {
                String[] f = line.split(" ", 3);
                parts.add(CompletedPart.builder().partNumber(Integer.parseInt(f[0])).eTag(f[1])
                        .checksumCRC32(f[2].equals("null") ? null : f[2]).build());
            }
        }
        String id = item.get("upload-id");
        return new StagedObject(item.get("bucket"), item.get("key"), id.isEmpty() ? Optional.empty() : Optional.of(id), parts,
                Long.parseLong(item.get("bytes")));
    }
}
