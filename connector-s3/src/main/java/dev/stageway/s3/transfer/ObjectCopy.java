package dev.stageway.s3.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;

/**
 * One object copied inside S3 into an open multipart upload, part by part in parallel
 * (UploadPartCopy), every part pinned to the ETag the source was listed with: no byte passes
 * through this process, and nothing is visible until the staged object is completed.
 */
public final class ObjectCopy {
    /** S3's largest part a copy may give one UploadPartCopy. */
    private static final long MAX_COPY_PART = 5L * 1024 * 1024 * 1024;

    private ObjectCopy() {
    }

    /**
     * Copies {@code source} (in {@code sourceBucket}) to bucket/key as an open upload; on any failure
     * the upload is aborted and the failure thrown (a changed source: S3's 412 PreconditionFailed).
     */
    public static StagedObject stage(S3Client s3, String sourceBucket, ObjectRef source, String bucket, String key,
                                     ObjectOptions options, long partSize, ExecutorService pool) {
        long size = source.size();
        long part = Math.min(MAX_COPY_PART, Math.max(partSize, (size + S3Limits.MAX_PARTS - 1) / S3Limits.MAX_PARTS));
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key);
        options.encrypt(create::serverSideEncryption, create::ssekmsKeyId);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        for (long start = 0; start < size; start += part) {
            int number = parts.size() + 1;
            String range = "bytes=" + start + "-" + (Math.min(size, start + part) - 1);
            parts.add(CompletableFuture.supplyAsync(() -> CompletedPart.builder().partNumber(number).eTag(
                    s3.uploadPartCopy(b -> b.sourceBucket(sourceBucket).sourceKey(source.key()).copySourceIfMatch(source.eTag())
                            .copySourceRange(range).destinationBucket(bucket).destinationKey(key).uploadId(uploadId)
                            .partNumber(number)).copyPartResult().eTag()).build(), pool));
        }
        try {
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            // Every part has ended, failed or not, so the abort leaves none behind.
            ObjectUpload.abortUpload(s3, bucket, key, uploadId);
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        return new StagedObject(bucket, key, Optional.of(uploadId), parts.stream().map(CompletableFuture::join).toList(), size);
    }
}
