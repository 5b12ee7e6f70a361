package dev.stageway.testkit.redshift;

import dev.stageway.testkit.redshift.PgWire.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@code UNLOAD ('query') TO 's3://prefix'}: the query runs in the client's own backend as
 * {@code COPY (query) TO STDOUT}, and its rows are written through the S3 stand-in with the
 * statement's credentials: one file per slice ({@code 0000_part_00}), or with PARALLEL OFF
 * numbered files split at MAXFILESIZE, optionally gzip, with a header and a manifest.
 */
final class UnloadToS3 {
    private static final long DEFAULT_MAX_FILE = 6_200L * 1024 * 1024;

    private final RedshiftSession session;
    private final RedshiftSql.Unload unload;

    UnloadToS3(RedshiftSession session, RedshiftSql.Unload unload) {
        this.session = session;
        this.unload = unload;
    }

    /** The UNLOAD options the stand-in carries out; any other is refused rather than silently ignored. */
    private static final Set<String> MODELLED = Set.of("CSV", "HEADER", "GZIP", "MANIFEST", "ALLOWOVERWRITE", "PARALLEL", "MAXFILESIZE",
            "DELIMITER", "NULL", "REGION", "ENCRYPTED", "KMS_KEY_ID");

    void run() throws IOException {
        for (String option : unload.options().keySet()) {
            if (!MODELLED.contains(option)) {
                session.fail("0A000", "The Redshift stand-in does not model the UNLOAD option " + option);
                return;
            }
        }
        if (unload.has("KMS_KEY_ID") && !unload.has("ENCRYPTED")) {
            session.fail("XX000", "KMS_KEY_ID is only allowed together with ENCRYPTED");
            return;
        }
        S3Client s3;
        try {
            s3 = ClusterS3.client(session, unload.auth());
        } catch (IllegalArgumentException e) {
            session.fail("XX000", e.getMessage());
            return;
        }
        try (s3) {
            String[] to = ClusterS3.split(unload.to());
            try {
                // Redshift lists the destination before it writes, ALLOWOVERWRITE or not: its documentation asks UNLOAD's
                // credentials for LIST on the bucket as well as PUT.
                boolean occupied = s3.listObjectsV2(b -> b.bucket(to[0]).prefix(to[1]).maxKeys(1)).keyCount() > 0;
                if (!unload.has("ALLOWOVERWRITE") && occupied) {
                    session.fail("XX000", "Specified unload destination on S3 is not empty. Consider using a different bucket / "
                            + "prefix, manually removing the target files in S3, or using the ALLOWOVERWRITE option.");
                    return;
                }
            } catch (SdkException e) {
                session.fail("XX000", CopyFromS3.s3Error(e));
                return;
            }
            PgWire.query(session.backendOut(), backendCopy());
            Message m = PgWire.read(session.backendIn());
            if (m == null || m.type() != 'H') {
                if (m != null) {
                    PgWire.write(session.clientOut(), m);
                }
                session.relayUntilReady();
                return;
            }
            boolean header = unload.has("HEADER");
            byte[] headerLine = null;
            List<byte[]> rows = new ArrayList<>();
            for (m = PgWire.read(session.backendIn()); m != null && m.type() != 'c' && m.type() != 'E'; m = PgWire.read(session.backendIn())) {
                if (m.type() == 'd') {
                    if (header && headerLine == null) {
                        headerLine = m.body();
                    } else {
                        rows.add(m.body());
                    }
                }
            }
            if (m == null || m.type() == 'E') {
                if (m != null) {
                    PgWire.write(session.clientOut(), m);
                }
                session.relayUntilReady();
                return;
            }
            PgWire.read(session.backendIn());   // the backend's CommandComplete "COPY n"; the client gets "UNLOAD"
            try {
                write(s3, to, headerLine, rows);
            } catch (SdkException | IOException e) {
                session.replaceErrorAndFinish("XX000", e instanceof SdkException sdk ? CopyFromS3.s3Error(sdk) : e.getMessage());
                return;
            }
            PgWire.write(session.clientOut(), 'C', PgWire.cstring("UNLOAD"));
            session.relayUntilReady();
        }
    }

    private String backendCopy() {
        Map<String, String> o = unload.options();
        boolean csv = o.containsKey("CSV");
        return "COPY (" + unload.query() + ") TO STDOUT WITH (FORMAT " + (csv ? "csv" : "text")
                + ", DELIMITER " + RedshiftSession.quote(o.getOrDefault("DELIMITER", csv ? "," : "|"))
                + ", NULL " + RedshiftSession.quote(o.getOrDefault("NULL", csv ? "" : "\\N"))
                + (o.containsKey("HEADER") ? ", HEADER true" : "") + ")";
    }

    private void write(S3Client s3, String[] to, byte[] headerLine, List<byte[]> rows) throws IOException {
        boolean parallel = !"OFF".equalsIgnoreCase(unload.options().getOrDefault("PARALLEL", "ON"))
                && !"FALSE".equalsIgnoreCase(unload.options().getOrDefault("PARALLEL", "ON"));
        long maxFile = unload.has("MAXFILESIZE") ? Long.parseLong(unload.options().get("MAXFILESIZE")) : DEFAULT_MAX_FILE;
        int slices = session.cluster().slices();
        List<List<byte[]>> files = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (parallel) {
            // Each slice unloads its share of the rows; a slice with no rows writes no file.
            for (int slice = 0; slice < slices; slice++) {
                List<byte[]> share = new ArrayList<>();
                for (int r = slice; r < rows.size(); r += slices) {
                    share.add(rows.get(r));
                }
                if (!share.isEmpty()) {
                    files.add(share);
                    names.add(String.format("%04d_part_00", slice));
                }
            }
        } else {
            List<byte[]> current = new ArrayList<>();
            long size = 0;
            for (byte[] row : rows) {
                if (size + row.length > maxFile && !current.isEmpty()) {
                    files.add(current);
                    current = new ArrayList<>();
                    size = 0;
                }
                current.add(row);
                size += row.length;
            }
            files.add(current);
            for (int i = 0; i < files.size(); i++) {
                names.add(String.format("%03d", i));
            }
        }
        boolean gzip = unload.has("GZIP");
        StringBuilder manifest = new StringBuilder("{\"entries\":[");
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (var out = gzip ? new GZIPOutputStream(bytes) : bytes) {
                if (headerLine != null) {
                    out.write(headerLine);
                }
                for (byte[] row : files.get(i)) {
                    out.write(row);
                }
            }
            String key = to[1] + names.get(i) + (gzip ? ".gz" : "");
            byte[] data = bytes.toByteArray();
            s3.putObject(b -> encrypted(b.bucket(to[0]).key(key)), RequestBody.fromBytes(data));
            total += data.length;
            manifest.append(i == 0 ? "" : ",").append("{\"url\":\"s3://").append(to[0]).append('/').append(key)
                    .append("\",\"meta\":{\"content_length\":").append(data.length).append(",\"record_count\":")
                    .append(files.get(i).size()).append("}}");
        }
        manifest.append("],\"meta\":{\"content_length\":").append(total).append(",\"record_count\":").append(rows.size()).append("}}");
        if (unload.has("MANIFEST")) {
            s3.putObject(b -> encrypted(b.bucket(to[0]).key(to[1] + "manifest")), RequestBody.fromString(manifest.toString()));
        }
    }

    /** With KMS_KEY_ID (and ENCRYPTED), every file and the manifest are written with SSE-KMS under that key. */
    private PutObjectRequest.Builder encrypted(PutObjectRequest.Builder put) {
        String key = unload.options().get("KMS_KEY_ID");
        return key == null ? put : put.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(key);
    }
}
