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
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Objects copied inside S3 one after another into an open multipart upload, part by part in
 * parallel (UploadPartCopy), every part pinned to the ETag its source was listed with: no byte
 * passes through this process, and nothing is visible until the staged object is completed.
 */
public final class ObjectCopy {
    /** S3's largest part a copy may give one UploadPartCopy. */
    private static final long MAX_COPY_PART = 5L * 1024 * 1024 * 1024;

    private ObjectCopy() {
    }

    /** One part: a byte range of a source object. */
    public record Part(ObjectRef source, long start, long end) {
    }

    /**
     * The parts that copy {@code sources} in order into one object: ranges of about {@code partSize}
     * (more where 10,000 parts would not hold them all); an object's last range joins the one before
     * it when shorter than S3's smallest part, which only the last part of all may be. Every object
     * but the last must be at least that smallest part.
     */
    public static List<Part> parts(List<ObjectRef> sources, long partSize) {
        long total = sources.stream().mapToLong(ObjectRef::size).sum();
        long part = Math.min(MAX_COPY_PART - S3Limits.MIN_PART_SIZE, Math.max(partSize,
                (total + S3Limits.MAX_PARTS - 1) / S3Limits.MAX_PARTS));
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            ObjectRef o = sources.get(i);
            boolean last = i == sources.size() - 1;
            for (long start = 0; start < o.size(); start += part) {
                long end = Math.min(o.size(), start + part);
                if (!last && start > 0 && end - start < S3Limits.MIN_PART_SIZE) {
                    Part before = parts.remove(parts.size() - 1);
                    parts.add(new Part(o, before.start(), end));
                } else {
                    parts.add(new Part(o, start, end));
                }
            }
        }
        return parts;
    }

    /** One part copied, pinned to its source's listed ETag; its ETag in the upload. */
    private static String copyPart(S3Client s3, String sourceBucket, Part p, String range, String bucket, String key, String uploadId,
                                   int number) {
        try {
            return s3.uploadPartCopy(b -> b.sourceBucket(sourceBucket).sourceKey(p.source().key()).copySourceIfMatch(p.source().eTag())
                    .copySourceRange(range).destinationBucket(bucket).destinationKey(key).uploadId(uploadId).partNumber(number))
                    .copyPartResult().eTag();
        } catch (S3Exception e) {
            throw ChangedSinceListed.of(e, sourceBucket, p.source().key(), p.source().eTag());
        }
    }

    /**
     * Copies {@code sources} (in {@code sourceBucket}), one after another, to bucket/key as an open
     * upload, {@code concurrency} parts at once; on any failure (a changed source: S3's 412
     * PreconditionFailed) the parts not started are dropped, those under way end, the upload is
     * aborted and the failure thrown.
     */
    public static StagedObject stage(S3Client s3, String sourceBucket, List<ObjectRef> sources, String bucket, String key,
                                     ObjectOptions options, long partSize, int concurrency) {
        List<Part> ranges = parts(sources, partSize);
        if (ranges.size() > S3Limits.MAX_PARTS) {
            throw new IllegalArgumentException(ranges.size() + " parts: more than S3's " + S3Limits.MAX_PARTS);
        }
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(bucket).key(key);
        options.encrypt(create::serverSideEncryption, create::ssekmsKeyId);
        String uploadId = s3.createMultipartUpload(create.build()).uploadId();
        ExecutorService pool = Transfers.pool("stageway-s3-copy", concurrency);
        List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
        try {
            for (Part p : ranges) {
                int number = parts.size() + 1;
                String range = "bytes=" + p.start() + "-" + (p.end() - 1);
                parts.add(CompletableFuture.supplyAsync(() -> CompletedPart.builder().partNumber(number).eTag(
                        copyPart(s3, sourceBucket, p, range, bucket, key, uploadId, number)).build(), pool));
            }
            List<CompletedPart> done = new ArrayList<>();
            for (CompletableFuture<CompletedPart> p : parts) {
                done.add(p.get());
            }
            return new StagedObject(bucket, key, Optional.of(uploadId), done, sources.stream().mapToLong(ObjectRef::size).sum());
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
