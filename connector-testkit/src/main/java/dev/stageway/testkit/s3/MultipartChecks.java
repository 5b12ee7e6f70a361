package dev.stageway.testkit.s3;

import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * S3's checksum rules for completing a multipart upload, which s3proxy does not keep: an upload
 * created with a composite checksum needs each part's checksum in the Complete request, and
 * each must be the one S3 computed when the part arrived; an upload created without one takes
 * no part checksums; the checksum mode of the Complete must be the upload's.
 */
final class MultipartChecks {
    private static final List<String> ALGORITHMS = List.of("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256");

    private final Uploads uploads;

    MultipartChecks(Uploads uploads) {
        this.uploads = uploads;
    }

    /**
     * A part of an upload created with a checksum algorithm must come with that algorithm's
     * checksum (in a header or a trailer), not another's.
     */
    void checkPart(S3Request r) {
        uploads.get(r.param("uploadId").orElse(""), r.bucket().get(), r.key().get()).flatMap(Uploads.Upload::checksumAlgorithm)
                .ifPresent(expected -> {
                    Optional<String> sent = r.header("x-amz-sdk-checksum-algorithm").or(() -> r.header("x-amz-trailer")
                            .filter(t -> t.startsWith("x-amz-checksum-")).map(t -> t.substring("x-amz-checksum-".length())))
                            .or(() -> ALGORITHMS.stream().filter(a -> r.header("x-amz-checksum-" + a.toLowerCase(Locale.ROOT)).isPresent())
                                    .findFirst());
                    if (sent.isPresent() && !sent.get().equalsIgnoreCase(expected)) {
                        throw new S3Error(400, "InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: "
                                + expected.toLowerCase(Locale.ROOT) + ", actual checksum Type: " + sent.get().toLowerCase(Locale.ROOT));
                    }
                });
    }

    /** Reports the part's checksum, which S3 computed as the part arrived, in the UploadPart response. */
    void partUploaded(S3Request r, HttpServletResponse resp) {
        String uploadId = r.param("uploadId").orElseThrow();
        int part = Integer.parseInt(r.param("partNumber").orElse("0"));
        uploads.get(uploadId).ifPresent(u -> u.checksumAlgorithm().ifPresent(alg -> {
            String header = "x-amz-checksum-" + alg.toLowerCase(Locale.ROOT);
            String computed = u.partChecksums().get(part);
            if (computed != null && resp.getHeader(header) == null && !resp.isCommitted()) {
                resp.setHeader(header, computed);
            }
        }));
    }

    void checkComplete(S3Request r, byte[] xml) {
        String uploadId = r.param("uploadId").orElseThrow();
        Optional<Uploads.Upload> found = uploads.get(uploadId, r.bucket().get(), r.key().get());
        if (found.isEmpty()) {
            return;   // s3proxy answers NoSuchUpload
        }
        Uploads.Upload upload = found.get();
        String mode = upload.checksumAlgorithm().isEmpty() ? "null" : upload.fullObject() ? "FULL_OBJECT" : "COMPOSITE";
        Optional<String> asked = r.header("x-amz-checksum-type");
        if (asked.isPresent() && !asked.get().equalsIgnoreCase(mode)) {
            throw new S3Error(400, "InvalidRequest", "The upload was created using the " + mode
                    + " checksum mode. The complete request must use the same checksum mode.");
        }
        for (Part p : parts(xml)) {
            if (upload.checksumAlgorithm().isEmpty()) {
                if (!p.checksums().isEmpty()) {
                    throw invalidPart(uploadId, p);
                }
                continue;
            }
            String alg = upload.checksumAlgorithm().get().toUpperCase(Locale.ROOT);
            for (String other : p.checksums().keySet()) {
                if (!other.equals(alg)) {
                    throw new S3Error(400, "BadDigest", "The " + other.toLowerCase(Locale.ROOT) + " you specified for part "
                            + p.number() + " did not match what we received.");
                }
            }
            String given = p.checksums().get(alg);
            if (given == null) {
                if (!upload.fullObject()) {
                    throw new S3Error(400, "InvalidRequest", "The upload was created using a " + alg.toLowerCase(Locale.ROOT)
                            + " checksum. The complete request must include the checksum for each part. It was missing for part "
                            + p.number() + " in the request.");
                }
                continue;
            }
            String computed = upload.partChecksums().get(p.number());
            if (computed != null && !computed.equals(given)) {
                throw invalidPart(uploadId, p);
            }
        }
    }

    private static S3Error invalidPart(String uploadId, Part p) {
        return S3Error.invalidPart(Map.of("UploadId", uploadId, "PartNumber", String.valueOf(p.number()), "ETag",
                p.etag().replace("\"", "")));
    }

    private record Part(int number, String etag, Map<String, String> checksums) {
    }

    private static List<Part> parts(byte[] xml) {
        List<Part> out = new ArrayList<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            NodeList parts = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getElementsByTagNameNS("*", "Part");
            for (int i = 0; i < parts.getLength(); i++) {
                int number = 0;
                String etag = "";
                Map<String, String> checksums = new LinkedHashMap<>();
                for (Node n = parts.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (!(n instanceof Element e)) {
                        continue;
                    }
                    String name = e.getLocalName();
                    if (name.equals("PartNumber")) {
                        number = Integer.parseInt(e.getTextContent().trim());
                    } else if (name.equals("ETag")) {
                        etag = e.getTextContent().trim();
                    } else if (name.startsWith("Checksum") && ALGORITHMS.contains(name.substring("Checksum".length()).toUpperCase(Locale.ROOT))) {
                        checksums.put(name.substring("Checksum".length()).toUpperCase(Locale.ROOT), e.getTextContent().trim());
                    }
                }
                out.add(new Part(number, etag, checksums));
            }
        } catch (Exception e) {
            throw new S3Error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
        }
        return out;
    }
}
