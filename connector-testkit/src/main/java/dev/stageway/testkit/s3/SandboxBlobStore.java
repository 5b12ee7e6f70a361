package dev.stageway.testkit.s3;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsRequest;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;

/**
 * The blob store as s3proxy sees it for one request the gateway has authorised: ListBuckets shows
 * the caller's account's buckets only, DeleteObjects is authorised key by key (each refusal
 * reported as S3 reports it), writes are stored with the encryption the gateway resolved, and
 * multipart uploads are remembered with their initiator and checksum.
 */
final class SandboxBlobStore extends ForwardingBlobStore {
    private final RequestScope scope;
    private final Buckets buckets;
    private final Uploads uploads;
    private final S3Authorizer authorizer;

    SandboxBlobStore(BlobStore delegate, RequestScope scope, Buckets buckets, Uploads uploads, S3Authorizer authorizer) {
        super(delegate);
        this.scope = scope;
        this.buckets = buckets;
        this.uploads = uploads;
        this.authorizer = authorizer;
    }

    @Override
    public ListBucketsResponse list() {
        return ownBuckets(super.list());
    }

    @Override
    public ListBucketsResponse list(ListBucketsRequest request) {
        return ownBuckets(super.list(request));
    }

    private ListBucketsResponse ownBuckets(ListBucketsResponse all) {
        String account = scope.identity().principal().account();
        List<Bucket> own = all.buckets().stream().filter(b -> buckets.ownedBy(b.name(), account)).toList();
        return all.toBuilder().buckets(own).build();
    }

    @Override
    public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
        List<ObjectIdentifier> allowed = new ArrayList<>();
        List<S3Error> refused = new ArrayList<>();
        for (ObjectIdentifier o : request.delete().objects()) {
            String action = o.versionId() == null ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
            try {
                authorizer.require(scope.request(), scope.signed(), action, request.bucket(), Optional.of(o.key()), java.util.Map.of());
                allowed.add(o);
            } catch (dev.stageway.testkit.s3.S3Error e) {
                refused.add(S3Error.builder().key(o.key()).versionId(o.versionId()).code(e.code).message(e.getMessage()).build());
            }
        }
        DeleteObjectsResponse done = allowed.isEmpty() ? DeleteObjectsResponse.builder().build()
                : super.removeBlobs(request.toBuilder().delete(request.delete().toBuilder().objects(allowed).build()).build());
        List<S3Error> errors = new ArrayList<>(done.errors());
        errors.addAll(refused);
        return done.toBuilder().errors(errors).build();
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        return super.putBlob(scope.kmsKeyArn().map(k -> request.toBuilder().serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(k).build()).orElse(request), input);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return super.copyBlob(scope.kmsKeyArn().map(k -> request.toBuilder().serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(k).build()).orElse(request));
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        CreateMultipartUploadRequest stored = scope.kmsKeyArn().map(k -> request.toBuilder()
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(k).build()).orElse(request);
        MultipartUpload upload = super.initiateMultipartUpload(stored);
        S3Request r = scope.request();
        Optional<String> algorithm = Optional.ofNullable(request.checksumAlgorithmAsString());
        boolean fullObject = r.header("x-amz-checksum-type").map("FULL_OBJECT"::equalsIgnoreCase)
                .orElse(algorithm.map("CRC64NVME"::equalsIgnoreCase).orElse(false));
        uploads.started(upload.id(), new Uploads.Upload(request.bucket(), request.key(), scope.identity().principal(),
                uploads.now(), algorithm, fullObject, r.header("x-amz-server-side-encryption"), scope.kmsKeyArn(),
                new java.util.concurrent.ConcurrentHashMap<>()));
        return upload;
    }

    /** Computes the part's checksum in the upload's algorithm as the part streams in, as S3 reports it for each part. */
    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream input) {
        Optional<SdkChecksum> checksum = uploads.get(upload.id()).flatMap(Uploads.Upload::checksumAlgorithm)
                .map(SandboxBlobStore::checksum);
        InputStream in = checksum.<InputStream>map(c -> new java.io.FilterInputStream(input) {
            @Override
            public int read() throws java.io.IOException {
                int b = super.read();
                if (b >= 0) {
                    c.update(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws java.io.IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    c.update(buf, off, n);
                }
                return n;
            }
        }).orElse(input);
        UploadPartResponse done = super.uploadMultipartPart(upload, request, in);
        checksum.ifPresent(c -> uploads.partUploaded(upload.id(), request.partNumber(),
                java.util.Base64.getEncoder().encodeToString(c.getChecksumBytes())));
        return done;
    }

    /** A fresh checksum of S3's algorithm {@code algorithm} ({@code CRC32}, ...; CRC32 for one it does not name). */
    static SdkChecksum checksum(String algorithm) {
        return SdkChecksum.forAlgorithm(switch (algorithm.toUpperCase(java.util.Locale.ROOT)) {
            case "CRC32C" -> DefaultChecksumAlgorithm.CRC32C;
            case "CRC64NVME" -> DefaultChecksumAlgorithm.CRC64NVME;
            case "SHA1" -> DefaultChecksumAlgorithm.SHA1;
            case "SHA256" -> DefaultChecksumAlgorithm.SHA256;
            default -> DefaultChecksumAlgorithm.CRC32;
        });
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        super.abortMultipartUpload(upload);
        uploads.ended(upload.id());
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse done = super.completeMultipartUpload(upload, request);
        uploads.ended(upload.id());
        return done;
    }
}
