package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import java.io.InputStream;
import java.util.List;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * The blob store as one identity sees it: each operation is checked against the identity's
 * policies and the bucket's policy as the S3 action AWS would check, and refused with
 * AccessDenied naming the identity, action and resource.
 */
final class AuthorizingBlobStore extends ForwardingBlobStore {
    private final Credential who;
    private final Iam iam;

    AuthorizingBlobStore(BlobStore delegate, Credential who, Iam iam) {
        super(delegate);
        this.who = who;
        this.iam = iam;
    }

    private void require(String action, String bucket, String key) {
        AccessDecision d = iam.authorizeS3(who, action, bucket, key);
        if (!d.allowed()) {
            throw S3Exception.builder().statusCode(403)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage(d.reason()).build())
                    .message(d.reason())
                    .build();
        }
    }

    @Override
    public ListBucketsResponse list() {
        iam.count("s3:ListAllMyBuckets " + who.principal().arn());
        return super.list();
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        require("s3:ListBucket", request.bucket(), null);
        return super.list(request);
    }

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        require("s3:ListBucket", request.bucket(), null);
        return super.headBucket(request);
    }

    @Override
    public CreateBucketResponse createContainer(CreateBucketRequest request) {
        require("s3:CreateBucket", request.bucket(), null);
        return super.createContainer(request);
    }

    @Override
    public BucketCannedACL getContainerAccess(String bucket) {
        require("s3:GetBucketAcl", bucket, null);
        return super.getContainerAccess(bucket);
    }

    @Override
    public void setContainerAccess(String bucket, BucketCannedACL acl) {
        require("s3:PutBucketAcl", bucket, null);
        super.setContainerAccess(bucket, acl);
    }

    @Override
    public void deleteBucket(String bucket) {
        require("s3:DeleteBucket", bucket, null);
        super.deleteBucket(bucket);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        require("s3:PutObject", request.bucket(), request.key());
        return super.putBlob(request, input);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        require("s3:GetObject", request.sourceBucket(), request.sourceKey());
        require("s3:PutObject", request.destinationBucket(), request.destinationKey());
        return super.copyBlob(request);
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        require("s3:GetObject", request.bucket(), request.key());
        return super.blobMetadata(request);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        require("s3:GetObject", request.bucket(), request.key());
        return super.getBlob(request);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        require("s3:DeleteObject", request.bucket(), request.key());
        return super.removeBlob(request);
    }

    @Override
    public ObjectCannedACL getBlobAccess(String bucket, String key) {
        require("s3:GetObjectAcl", bucket, key);
        return super.getBlobAccess(bucket, key);
    }

    @Override
    public void setBlobAccess(String bucket, String key, ObjectCannedACL acl) {
        require("s3:PutObjectAcl", bucket, key);
        super.setBlobAccess(bucket, key, acl);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        require("s3:PutObject", request.bucket(), request.key());
        return super.initiateMultipartUpload(request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
        require("s3:AbortMultipartUpload", upload.containerName(), upload.blobName());
        super.abortMultipartUpload(upload);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
        require("s3:PutObject", upload.containerName(), upload.blobName());
        return super.completeMultipartUpload(upload, request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream input) {
        require("s3:PutObject", upload.containerName(), upload.blobName());
        return super.uploadMultipartPart(upload, request, input);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload upload) {
        require("s3:ListMultipartUploadParts", upload.containerName(), upload.blobName());
        return super.listMultipartUpload(upload);
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String bucket) {
        require("s3:ListBucketMultipartUploads", bucket, null);
        return super.listMultipartUploads(bucket);
    }
}
