package dev.stageway.s3.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
     * Copies {@code source} (in {@code sourceBucket}) to bucket/key as an open upload, {@code concurrency}
     * parts at once; on any failure (a changed source: S3's 412 PreconditionFailed) the parts not
     * started are dropped, those under way end, the upload is aborted and the failure thrown.
     */
    public static StagedObject stage(S3Client s3, String sourceBucket, ObjectRef source, String bucket, String key,
                                     ObjectOptions options, long partSize, int concurrency) {
        long size = source.size();
        long part = Math.min(MAX_COPY_PART, Math.max(partSize, (size + S3Limits.MAX_PARTS - 1) / S3Limits.MAX_PARTS));
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key);
        options.encrypt(create::serverSideEncryption, create::ssekmsKeyId);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        ExecutorService pool = Transfers.pool("stageway-s3-copy", concurrency);
        List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        try {
            for (long start = 0; start < size; start += part) {
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(size, start + part) - 1);
                parts.add(CompletableFuture.supplyAsync(() -> CompletedPart.builder().partNumber(number).eTag(
                        s3.uploadPartCopy(b -> b.sourceBucket(sourceBucket).sourceKey(source.key()).copySourceIfMatch(source.eTag())
                                .copySourceRange(range).destinationBucket(bucket).destinationKey(key).uploadId(uploadId)
                                .partNumber(number)).copyPartResult().eTag()).build(), pool));
            }
            List<CompletedPart> done = new ArrayList<>();
            for (CompletableFuture<CompletedPart> p : parts) {
                done.add(p.get());
            }
            return new StagedObject(bucket, key, Optional.of(uploadId), done, size);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            Transfers.stop(pool);   // every part has ended, so the abort leaves none behind
            ObjectUpload.abortUpload(s3, bucket, key, uploadId);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new CancellationException("the copy was interrupted; its upload was aborted");
            }
            throw e instanceof ExecutionException && e.getCause() instanceof RuntimeException cause ? cause
                    : e instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
