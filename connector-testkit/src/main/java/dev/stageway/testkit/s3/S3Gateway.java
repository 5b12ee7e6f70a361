package dev.stageway.testkit.s3;

import dev.stageway.testkit.faults.Fault;
import dev.stageway.testkit.faults.Faults;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Identity;
import dev.stageway.testkit.kms.Kms;
import dev.stageway.testkit.kms.KmsException;
import dev.stageway.testkit.kms.KmsKey;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3ProxyHandler;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;

/**
 * Every S3 request passes here first, as through S3's front door: it is authenticated
 * ({@link S3Authentication}), named as an API operation ({@link S3Operation}), and authorised as
 * that operation's IAM action with its condition keys, SSE-KMS key permissions, and S3's rule for
 * reads of missing keys. Only then is it answered: by s3proxy over the blob store, by the
 * sandbox itself ({@link SandboxOperations}), or refused as not modelled.
 */
final class S3Gateway extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Iam iam;
    private final transient Kms kms;
    private final transient Buckets buckets;
    private final transient Uploads uploads;
    private final transient BlobStore store;
    private final transient S3StandIn.Handler handler;
    private final transient S3Authentication authentication;
    private final transient S3Authorizer authorizer;
    private final transient MultipartChecks multipart;
    private final transient SandboxOperations own;
    private final transient Faults faults;
    private final transient Shaping shaping;
    private static final Pattern RUN = Pattern.compile("\\brun/(\\S+)");
    private final transient ThreadLocal<RequestScope> current = new ThreadLocal<>();

    S3Gateway(Iam iam, Kms kms, Buckets buckets, BlobStore store, S3StandIn.Handler handler, String region, Faults faults,
              Shaping shaping) {
        this.shaping = shaping;
        this.iam = iam;
        this.kms = kms;
        this.buckets = buckets;
        this.uploads = new Uploads(iam.clock());
        this.store = store;
        this.handler = handler;
        this.authentication = new S3Authentication(iam, region);
        this.authorizer = new S3Authorizer(iam, buckets, region);
        this.multipart = new MultipartChecks(uploads);
        this.own = new SandboxOperations(store, buckets, uploads, region);
        this.faults = faults;
        // s3proxy checks the signature again and serves the request from the blob store this request's scope gives.
        handler.setBlobStoreLocator((accessKeyId, bucket, key) -> {
            RequestScope scope = current.get();
            return scope == null || scope.signed().isEmpty() ? null : new org.gaul.s3proxy.AccessGrant(
                    scope.signed().get().credential().secretAccessKey(),
                    new SandboxBlobStore(store, scope, buckets, uploads, authorizer));
        });
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // As CloudTrail records the User-Agent: which run a request says it belongs to.
        Matcher run = RUN.matcher(String.valueOf(req.getHeader("User-Agent")));
        if (run.find()) {
            iam.count("s3 run " + run.group(1));
        }
        shaping.awaitFirstByte();
        resp = shaping.response(req, resp);
        req = shaping.request(req);
        S3Request r = S3Request.of(req);
        Optional<Fault> fault = faults.s3(S3Operation.classify(r).map(S3Operation::name).orElse(""), r.key().orElse(""));
        if (fault.isPresent()) {
            iam.count("s3 fault " + fault.get().kind());
            switch (fault.get().kind()) {
                case INTERNAL_ERROR, SLOW_DOWN -> {
                    req.getInputStream().transferTo(OutputStream.nullOutputStream());
                    boolean slowDown = fault.get().kind() == Fault.Kind.SLOW_DOWN;
                    handler.error(req, resp, slowDown ? "SlowDown" : "InternalError", slowDown ? 503 : 500,
                            slowDown ? "Please reduce your request rate." : "We encountered an internal error. Please try again.", Map.of());
                    return;
                }
                case RESET -> {
                    Truncating.dropConnection(req);
                    return;
                }
                case SLOW -> sleep(fault.get().delay().toMillis());
                case TRUNCATE -> resp = new Truncating(req, resp);
                default -> { }
            }
        }
        try {
            Optional<S3Authentication.Signed> signed = authentication.authenticate(r);
            Identity who = S3Authorizer.identity(signed);
            iam.count("s3 " + who.principal().arn() + " " + r.method());
            r.bucket().ifPresent(b -> iam.count("s3 bucket " + b + " signed by " + who.principal().arn()));
            S3Operation op = S3Operation.classify(r).orElseThrow(() -> S3Error.notModelled("the request " + r.method() + " "
                    + r.rawPath() + (r.rawQuery() == null ? "" : "?" + r.rawQuery())));
            if (op.name().equals("AbortMultipartUpload")) {
                iam.count("s3:AbortMultipartUpload " + who.principal().arn());   // counted as asked, whatever the answer
            }
            if (op.scope() != S3Operation.Scope.SERVICE && !op.name().equals("CreateBucket")
                    && buckets.owner(r.bucket().get()).isEmpty()) {
                throw S3Error.noSuchBucket(r.bucket().get());
            }
            Optional<String> kmsKey = authorize(r, signed, op);
            if (signed.isEmpty()) {
                throw S3Error.notModelled("anonymous requests, which a bucket policy allowed");
            }
            switch (op.handling()) {
                case REFUSED -> throw S3Error.notModelled(op.name());
                case SANDBOX -> own.serve(op, r, who, req, resp);
                case PROXY -> proxy(req, resp, r, op, new RequestScope(r, signed, who, kmsKey));
            }
        } catch (S3Error e) {
            req.getInputStream().transferTo(OutputStream.nullOutputStream());
            handler.error(req, resp, e.code, e.status, e.getMessage(), e.elements);
        } catch (KmsException e) {
            req.getInputStream().transferTo(OutputStream.nullOutputStream());   // as S3 relays KMS's refusal
            handler.error(req, resp, e.code(), e.status(), e.getMessage(), Map.of());
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Authorises the operation as S3 does; for a write, returns the SSE-KMS key it is to be
     * stored with.
     */
    private Optional<String> authorize(S3Request r, Optional<S3Authentication.Signed> signed, S3Operation op) {
        String bucket = r.bucket().orElse("");
        Identity who = S3Authorizer.identity(signed);
        switch (op.name()) {
            case "DeleteObjects" -> {
                return Optional.empty();   // key by key, as s3proxy deletes them (SandboxBlobStore)
            }
            case "PutObject", "CopyObject", "CreateMultipartUpload" -> {
                return authorizeWrite(r, signed, op, bucket, who);
            }
            case "UploadPart", "UploadPartCopy", "CompleteMultipartUpload" -> {
                Optional<Uploads.Upload> upload = uploads.get(r.param("uploadId").orElse(""), bucket, r.key().get());
                Map<String, String> keys = new HashMap<>();
                upload.flatMap(Uploads.Upload::sseHeader).ifPresent(h -> keys.put("s3:x-amz-server-side-encryption", h));
                upload.flatMap(Uploads.Upload::kmsKeyArn).ifPresent(k -> keys.put("s3:x-amz-server-side-encryption-aws-kms-key-id", k));
                if (op.name().equals("UploadPartCopy")) {
                    readSource(r, signed);
                }
                authorizer.require(r, signed, op.action(), bucket, r.key(), keys);
                Optional<KmsKey> key = upload.flatMap(Uploads.Upload::kmsKeyArn).flatMap(kms::key);
                key.ifPresent(k -> viaKms(r, signed, "kms:Decrypt", k, bucket, r.key().get()));
                requireUpload(r, bucket);
                return Optional.empty();
            }
            case "AbortMultipartUpload", "ListParts" -> {
                authorizer.require(r, signed, op.action(), bucket, r.key(), Map.of());
                requireUpload(r, bucket);
                return Optional.empty();
            }
            case "GetObject", "HeadObject", "GetObjectTagging", "GetObjectAttributes" -> {
                authorizer.require(r, signed, op.action(), bucket, r.key(), Map.of());
                if (op.name().equals("GetObjectAttributes")) {
                    authorizer.require(r, signed, r.has("versionId") ? "s3:GetObjectVersion" : "s3:GetObject", bucket, r.key(), Map.of());
                }
                Optional<HeadObjectResponse> object = existing(r, signed, bucket, r.key().get());
                if (op.name().equals("GetObject")) {
                    object.flatMap(this::kmsKeyOf).ifPresent(k -> viaKms(r, signed, "kms:Decrypt", k, bucket, r.key().get()));
                }
                return Optional.empty();
            }
            default -> {
                authorizer.require(r, signed, op.action(), bucket, op.onObject() ? r.key() : Optional.empty(), Map.of());
                return Optional.empty();
            }
        }
    }

    /** PutObject, CopyObject and CreateMultipartUpload: the destination's keys and encryption, the copy's source. */
    private Optional<String> authorizeWrite(S3Request r, Optional<S3Authentication.Signed> signed, S3Operation op, String bucket,
                                            Identity who) {
        Map<String, String> keys = new HashMap<>();
        r.header("x-amz-server-side-encryption").ifPresent(h -> keys.put("s3:x-amz-server-side-encryption", h));
        r.header("x-amz-acl").ifPresent(h -> keys.put("s3:x-amz-acl", h));
        r.header("x-amz-storage-class").ifPresent(h -> keys.put("s3:x-amz-storage-class", h));
        r.header("x-amz-metadata-directive").ifPresent(h -> keys.put("s3:x-amz-metadata-directive", h));
        if (op.name().equals("CopyObject")) {
            keys.put("s3:x-amz-copy-source", readSource(r, signed));
        }
        Optional<KmsKey> key = encryptionKey(r, bucket, who);
        key.ifPresent(k -> keys.put("s3:x-amz-server-side-encryption-aws-kms-key-id", k.arn()));
        authorizer.require(r, signed, "s3:PutObject", bucket, r.key(), keys);
        if (r.header("x-amz-acl").isPresent() || r.headers().keySet().stream().anyMatch(h -> h.startsWith("x-amz-grant-"))) {
            authorizer.require(r, signed, "s3:PutObjectAcl", bucket, r.key(), Map.of());
            String acl = r.header("x-amz-acl").orElse("");
            if (!acl.equals("private") && !acl.equals("bucket-owner-full-control")) {
                throw new S3Error(400, "AccessControlListNotSupported", "The bucket does not allow ACLs");
            }
        }
        if (r.header("x-amz-tagging").isPresent()) {
            authorizer.require(r, signed, "s3:PutObjectTagging", bucket, r.key(), Map.of());
            throw S3Error.notModelled("object tags");
        }
        key.ifPresent(k -> viaKms(r, signed, "kms:GenerateDataKey", k, bucket, r.key().get()));
        return key.map(KmsKey::arn);
    }

    /**
     * The SSE-KMS key a write is encrypted with: the one the request names (resolved as S3 does),
     * {@code aws/s3} when it names none, or the bucket's default; empty when not SSE-KMS.
     */
    private Optional<KmsKey> encryptionKey(S3Request r, String bucket, Identity who) {
        Optional<String> header = r.header("x-amz-server-side-encryption");
        Optional<String> keyId = r.header("x-amz-server-side-encryption-aws-kms-key-id");
        String owner = buckets.owner(bucket).orElseThrow();
        if (header.isPresent()) {
            if (header.get().equals("aws:kms:dsse")) {
                throw S3Error.notModelled("DSSE-KMS");
            }
            if (!header.get().equals("aws:kms")) {
                return Optional.empty();   // AES256 (or an invalid value, which s3proxy refuses as S3 does)
            }
            if (!r.secure()) {
                throw new S3Error(400, "InvalidArgument", "Requests specifying Server Side Encryption with AWS KMS managed keys must "
                        + "be made over a secure connection.", Map.of("ArgumentName", "Authorization", "ArgumentValue", "null"));
            }
            return Optional.of(keyId.map(k -> kms.resolve(k, who.principal().account())).orElseGet(() -> kms.awsManagedS3Key(owner)));
        }
        if (keyId.isPresent()) {
            return Optional.empty();   // s3proxy refuses a key without aws:kms, as S3 does
        }
        ServerSideEncryptionConfiguration defaults;
        try {
            defaults = store.getBucketEncryption(bucket);
        } catch (RuntimeException e) {
            return Optional.empty();   // no default configuration: SSE-S3
        }
        return defaults.rules().stream().map(rule -> rule.applyServerSideEncryptionByDefault())
                .filter(d -> d != null && "aws:kms".equals(d.sseAlgorithmAsString())).findFirst()
                .map(d -> d.kmsMasterKeyID() == null ? kms.awsManagedS3Key(owner) : kms.resolve(d.kmsMasterKeyID(), owner));
    }

    /** An upload id must name an open upload of this very key, or S3 answers NoSuchUpload. */
    private void requireUpload(S3Request r, String bucket) {
        own.applyLifecycle(bucket);
        String id = r.param("uploadId").orElse("");
        String key = r.key().get();
        boolean open = uploads.get(id, bucket, key).isPresent()
                || store.listMultipartUploads(bucket).stream().anyMatch(u -> u.uploadId().equals(id) && u.key().equals(key));
        if (!open) {
            throw new S3Error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload "
                    + "may have been aborted or completed.", Map.of("UploadId", id));
        }
    }

    /** Authorises reading a copy's source; returns {@code s3:x-amz-copy-source} ({@code bucket/key}). */
    private String readSource(S3Request r, Optional<S3Authentication.Signed> signed) {
        String source = URLDecoder.decode(r.header("x-amz-copy-source").orElseThrow(), StandardCharsets.UTF_8);
        String path = source.startsWith("/") ? source.substring(1) : source;
        int q = path.indexOf("?versionId=");
        boolean version = q >= 0;
        if (version) {
            path = path.substring(0, q);
        }
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new S3Error(400, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        }
        String bucket = path.substring(0, slash);
        String key = path.substring(slash + 1);
        if (buckets.owner(bucket).isEmpty()) {
            throw S3Error.noSuchBucket(bucket);
        }
        authorizer.require(r, signed, version ? "s3:GetObjectVersion" : "s3:GetObject", bucket, Optional.of(key), Map.of());
        existing(r, signed, bucket, key).flatMap(this::kmsKeyOf).ifPresent(k -> viaKms(r, signed, "kms:Decrypt", k, bucket, key));
        return path;
    }

    /**
     * The object's metadata. A missing key is S3's 404 only for a caller that may list the bucket;
     * to anyone else S3 answers 403, so a read cannot tell what exists.
     */
    private Optional<HeadObjectResponse> existing(S3Request r, Optional<S3Authentication.Signed> signed, String bucket, String key) {
        if (r.has("versionId")) {
            return Optional.empty();   // a version is looked up by s3proxy, which answers for it
        }
        HeadObjectResponse head = store.blobMetadataIfPresent(bucket, key);
        if (head == null && !authorizer.allows(r, signed, "s3:ListBucket", bucket, Optional.empty())) {
            throw S3Error.accessDenied("Access Denied");
        }
        return Optional.ofNullable(head);
    }

    private Optional<KmsKey> kmsKeyOf(HeadObjectResponse head) {
        return "aws:kms".equals(head.serverSideEncryptionAsString()) && head.ssekmsKeyId() != null
                ? kms.key(head.ssekmsKeyId()) : Optional.empty();
    }

    /** KMS's decision on the key S3 would use for the caller's object, as S3 asks it. */
    private void viaKms(S3Request r, Optional<S3Authentication.Signed> signed, String action, KmsKey key, String bucket, String object) {
        Identity who = S3Authorizer.identity(signed);
        kms.authorizeViaS3(who, action, key, objectArn(bucket, object), authorizer.global(r, signed, who));
    }

    private static String objectArn(String bucket, String key) {
        return "arn:aws:s3:::" + bucket + "/" + key;
    }

    /** Hands the request to s3proxy, with what the gateway decided in scope, and keeps what S3 remembers of the answer. */
    private void proxy(HttpServletRequest req, HttpServletResponse resp, S3Request r, S3Operation op, RequestScope scope) throws IOException {
        InputStream body = req.getInputStream();
        if (op.name().equals("UploadPart")) {
            multipart.checkPart(r);
        }
        if (op.name().equals("CompleteMultipartUpload")) {
            byte[] xml = body.readAllBytes();
            multipart.checkComplete(r, xml);
            body = new ByteArrayInputStream(xml);
        }
        current.set(scope);
        try {
            handler.doHandle(req, req, resp, body, new S3ProxyHandler.RequestContext());
        } catch (IOException | RuntimeException e) {
            StoreFailures.answer(handler, req, resp, r, op, e);
        } finally {
            current.remove();
        }
        int status = resp.getStatus();
        if (status / 100 == 2) {
            switch (op.name()) {
                case "UploadPart" -> multipart.partUploaded(r, resp);
                case "DeleteBucket" -> buckets.remove(r.bucket().get());
                default -> { }
            }
        }
    }
}
