package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.Identity;
import dev.stageway.testkit.iam.MalformedPolicyException;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.Principal;
import dev.stageway.testkit.sigv4.SigV4;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The operations the sandbox answers itself, because s3proxy keeps no record of what they
 * report: bucket policies (which the sandbox's IAM evaluates), lifecycle configurations (whose
 * AbortIncompleteMultipartUpload rules it applies), bucket creation (which account owns the
 * bucket), the bucket's region, the initiators of multipart uploads, and object tags (the sandbox
 * keeps none, so an object's tag set is truthfully empty).
 */
final class SandboxOperations {
    private static final String XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern LOCATION = Pattern.compile("<LocationConstraint>([^<]*)</LocationConstraint>");

    private final BlobStore store;
    private final Buckets buckets;
    private final Uploads uploads;
    private final String region;

    SandboxOperations(BlobStore store, Buckets buckets, Uploads uploads, String region) {
        this.store = store;
        this.buckets = buckets;
        this.uploads = uploads;
        this.region = region;
    }

    void serve(S3Operation op, S3Request r, Identity who, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String bucket = r.bucket().orElse("");
        switch (op.name()) {
            case "GetBucketPolicy" -> {
                Policy p = buckets.policy(bucket).orElseThrow(() -> new S3Error(404, "NoSuchBucketPolicy",
                        "The bucket policy does not exist", Map.of("BucketName", bucket)));
                send(resp, 200, "application/json", p.json());
            }
            case "PutBucketPolicy" -> {
                String json = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                try {
                    buckets.setPolicy(bucket, Optional.of(Policy.parse("policy of bucket " + bucket, PolicyKind.RESOURCE, json)));
                } catch (MalformedPolicyException e) {
                    throw new S3Error(400, "MalformedPolicy", e.problem());
                } catch (UnsupportedOperationException e) {
                    throw S3Error.notModelled(e.getMessage());
                }
                resp.setStatus(204);
            }
            case "DeleteBucketPolicy" -> {
                buckets.setPolicy(bucket, Optional.empty());
                resp.setStatus(204);
            }
            case "GetBucketLifecycleConfiguration" -> {
                Lifecycle l = buckets.lifecycle(bucket).orElseThrow(() -> new S3Error(404, "NoSuchLifecycleConfiguration",
                        "The lifecycle configuration does not exist", Map.of("BucketName", bucket)));
                resp.setHeader("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K");
                send(resp, 200, "application/xml", l.xml());
            }
            case "PutBucketLifecycleConfiguration" -> {
                byte[] body = req.getInputStream().readAllBytes();
                verifyRequiredChecksum(r, body, "Put Bucket Lifecycle");
                buckets.setLifecycle(bucket, Optional.of(Lifecycle.parse(body)));
                resp.setHeader("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K");
                resp.setStatus(200);
            }
            case "DeleteBucketLifecycle" -> {
                buckets.setLifecycle(bucket, Optional.empty());
                resp.setStatus(204);
            }
            case "GetBucketLocation" -> send(resp, 200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<LocationConstraint xmlns=\"" + XMLNS + "\">" + (region.equals("us-east-1") ? "" : region) + "</LocationConstraint>");
            case "GetObjectTagging" -> send(resp, 200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<Tagging xmlns=\"" + XMLNS + "\"><TagSet></TagSet></Tagging>");
            case "CreateBucket" -> createBucket(r, who, req, resp);
            case "ListMultipartUploads" -> listUploads(r, bucket, resp);
            default -> throw new IllegalStateException("not a sandbox operation: " + op.name());
        }
    }

    private void createBucket(S3Request r, Identity who, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String bucket = r.bucket().get();
        String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new S3Error(400, "InvalidBucketName", "The specified bucket is not valid.", Map.of("BucketName", bucket));
        }
        Matcher location = LOCATION.matcher(body);
        if (location.find()) {
            String asked = location.group(1);
            if (region.equals("us-east-1")) {
                throw new S3Error(400, "InvalidLocationConstraint", "The specified location-constraint is not valid",
                        Map.of("LocationConstraint", asked));
            }
            if (!asked.equals(region)) {
                throw new S3Error(400, "IllegalLocationConstraintException", "The " + asked
                        + " location constraint is incompatible for the region specific endpoint this request was sent to.");
            }
        } else if (!region.equals("us-east-1")) {
            throw new S3Error(400, "IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the "
                    + "region specific endpoint this request was sent to.");
        }
        if (r.header("x-amz-acl").filter(a -> !a.equals("private")).isPresent()) {
            throw new S3Error(400, "InvalidBucketAclWithObjectOwnership",
                    "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
        }
        Optional<String> owner = buckets.owner(bucket);
        if (owner.isPresent()) {
            if (!owner.get().equals(who.principal().account())) {
                throw new S3Error(409, "BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is "
                        + "shared by all users of the system. Please select a different name and try again.", Map.of("BucketName", bucket));
            }
            if (!region.equals("us-east-1")) {
                throw new S3Error(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you "
                        + "already own it.", Map.of("BucketName", bucket));
            }
        } else {
            store.createContainer(bucket);
            buckets.add(bucket, who.principal().account(), Optional.empty());
        }
        resp.setHeader("Location", "/" + bucket);
        resp.setStatus(200);
    }

    /**
     * Aborts the bucket's uploads its lifecycle rules have expired. S3 does this in the
     * background; the sandbox does it before anything could see such an upload: a listing, or a
     * request naming an upload.
     */
    void applyLifecycle(String bucket) {
        Optional<Lifecycle> lifecycle = buckets.lifecycle(bucket);
        if (lifecycle.isEmpty()) {
            return;
        }
        Instant now = uploads.now();
        for (MultipartUpload u : store.listMultipartUploads(bucket)) {
            Instant initiated = uploads.get(u.uploadId()).map(Uploads.Upload::initiated).orElse(u.initiated());
            if (initiated != null && lifecycle.get().abortAt(u.key(), initiated).filter(at -> !at.isAfter(now)).isPresent()) {
                store.abortMultipartUpload(new org.gaul.s3proxy.blobstore.domain.MultipartUpload(u.uploadId(),
                        CreateMultipartUploadRequest.builder().bucket(bucket).key(u.key()).build()));
                uploads.ended(u.uploadId());
            }
        }
    }

    /**
     * The integrity check S3 requires of some bucket configuration writes: a Content-MD5 or an
     * {@code x-amz-checksum-*} header, which must match the body.
     */
    private static void verifyRequiredChecksum(S3Request r, byte[] body, String what) {
        Optional<String> md5 = r.header("Content-MD5");
        Optional<String> algorithm = r.headers().keySet().stream()
                .filter(h -> h.startsWith("x-amz-checksum-") && !h.equals("x-amz-checksum-type") && !h.equals("x-amz-checksum-mode"))
                .map(h -> h.substring("x-amz-checksum-".length()).toUpperCase(Locale.ROOT)).findFirst();
        if (md5.isEmpty() && algorithm.isEmpty()) {
            throw new S3Error(400, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for " + what + " requests");
        }
        if (algorithm.isPresent()) {
            if (!List.of("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256").contains(algorithm.get())) {
                throw new S3Error(400, "InvalidRequest", "Value for x-amz-checksum-" + algorithm.get().toLowerCase(Locale.ROOT)
                        + " header is invalid.");
            }
            var checksum = SandboxBlobStore.checksum(algorithm.get());
            checksum.update(body, 0, body.length);
            String given = r.header("x-amz-checksum-" + algorithm.get().toLowerCase(Locale.ROOT)).orElse("");
            if (!Base64.getEncoder().encodeToString(checksum.getChecksumBytes()).equals(given)) {
                throw new S3Error(400, "BadDigest", "The " + algorithm.get() + " you specified did not match the calculated checksum.");
            }
        }
        if (md5.isPresent()) {
            byte[] digest;
            try {
                digest = MessageDigest.getInstance("MD5").digest(body);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            if (!Base64.getEncoder().encodeToString(digest).equals(md5.get())) {
                throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.",
                        Map.of("ExpectedDigest", md5.get()));
            }
        }
    }

    /** ListMultipartUploads, naming each upload's real initiator. */
    private void listUploads(S3Request r, String bucket, HttpServletResponse resp) throws IOException {
        applyLifecycle(bucket);
        if (r.param("delimiter").filter(d -> !d.isEmpty()).isPresent()) {
            throw S3Error.notModelled("ListMultipartUploads with a delimiter");
        }
        String prefix = r.param("prefix").orElse("");
        String keyMarker = r.param("key-marker").orElse("");
        String idMarker = r.param("upload-id-marker").orElse("");
        int max;
        try {
            max = Math.min(1000, Integer.parseInt(r.param("max-uploads").orElse("1000")));
        } catch (NumberFormatException e) {
            throw new S3Error(400, "InvalidArgument", "Provided max-uploads not an integer or within integer range");
        }
        List<MultipartUpload> all = store.listMultipartUploads(bucket).stream()
                .filter(u -> u.key().startsWith(prefix))
                .filter(u -> keyMarker.isEmpty() || u.key().compareTo(keyMarker) > 0
                        || (u.key().equals(keyMarker) && !idMarker.isEmpty() && u.uploadId().compareTo(idMarker) > 0))
                .sorted(Comparator.comparing(MultipartUpload::key).thenComparing(MultipartUpload::uploadId))
                .toList();
        boolean truncated = all.size() > max;
        List<MultipartUpload> page = truncated ? all.subList(0, max) : all;
        String owner = buckets.owner(bucket).orElse("");
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListMultipartUploadsResult xmlns=\"" + XMLNS + "\">");
        element(x, "Bucket", bucket);
        element(x, "KeyMarker", keyMarker);
        element(x, "UploadIdMarker", idMarker);
        element(x, "NextKeyMarker", truncated ? page.get(page.size() - 1).key() : "");
        element(x, "NextUploadIdMarker", truncated ? page.get(page.size() - 1).uploadId() : "");
        element(x, "Prefix", prefix);
        element(x, "MaxUploads", String.valueOf(max));
        element(x, "IsTruncated", String.valueOf(truncated));
        for (MultipartUpload u : page) {
            x.append("<Upload>");
            element(x, "Key", u.key());
            element(x, "UploadId", u.uploadId());
            Optional<Uploads.Upload> known = uploads.get(u.uploadId());
            String initiator = known.map(k -> k.initiator().arn()).orElse("arn:aws:iam::" + owner + ":root");
            x.append("<Initiator>");
            element(x, "ID", initiator);
            element(x, "DisplayName", known.map(k -> displayName(k.initiator())).orElse(owner));
            x.append("</Initiator><Owner>");
            element(x, "ID", canonicalId(owner));
            x.append("</Owner>");
            element(x, "StorageClass", "STANDARD");
            Instant initiated = known.map(Uploads.Upload::initiated).or(() -> Optional.ofNullable(u.initiated())).orElse(Instant.EPOCH);
            element(x, "Initiated", initiated.truncatedTo(ChronoUnit.MILLIS).toString());
            known.flatMap(Uploads.Upload::checksumAlgorithm).ifPresent(a -> element(x, "ChecksumAlgorithm", a));
            x.append("</Upload>");
        }
        x.append("</ListMultipartUploadsResult>");
        send(resp, 200, "application/xml", x.toString());
    }

    private static String displayName(Principal p) {
        String arn = p.arn();
        return p.isRoleSession() ? arn.substring(arn.indexOf(":assumed-role/") + ":assumed-role/".length())
                : arn.substring(arn.lastIndexOf('/') + 1);
    }

    /** A stable 64-hex canonical user id for an account, as S3 shows owners. */
    static String canonicalId(String account) {
        return SigV4.hex(SigV4.sha256(("canonical user " + account).getBytes(StandardCharsets.UTF_8)));
    }

    private static void element(StringBuilder x, String name, String value) {
        x.append('<').append(name).append('>').append(escape(value)).append("</").append(name).append('>');
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void send(HttpServletResponse resp, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
