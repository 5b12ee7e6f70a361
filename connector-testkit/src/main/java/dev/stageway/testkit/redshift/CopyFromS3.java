package dev.stageway.testkit.redshift;

import dev.stageway.testkit.redshift.PgWire.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code COPY table FROM 's3://...'}: the files (a prefix, or a manifest's entries) are read
 * through the S3 stand-in with the statement's credentials and streamed into the client's own
 * backend as {@code COPY ... FROM STDIN}; a rejected row is recorded in {@code stl_load_errors}
 * with file, line, column and reason, and the client gets Redshift's error.
 */
final class CopyFromS3 {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 * 1024;

    private final RedshiftSession session;
    private final RedshiftSql.Copy copy;

    /** Where each file starts among the lines the backend sees, to map its line numbers back. */
    private record Segment(String url, long firstLine, int headerLines) {
    }

    CopyFromS3(RedshiftSession session, RedshiftSql.Copy copy) {
        this.session = session;
        this.copy = copy;
    }

    /** The COPY options the stand-in carries out; any other is refused rather than silently ignored. */
    private static final Set<String> MODELLED = Set.of("CSV", "DELIMITER", "QUOTE", "NULL", "IGNOREHEADER", "GZIP", "MANIFEST", "REGION",
            "DATEFORMAT", "TIMEFORMAT", "MAXERROR", "COMPUPDATE", "STATUPDATE", "NOLOAD");

    /**
     * NOLOAD loads into the target itself, with its privileges, defaults and constraints, inside a
     * transaction (or savepoint) that is then rolled back: nothing stays loaded.
     */
    private static final String NOLOAD_SAVEPOINT = "stageway_noload";

    void run() throws IOException {
        RedshiftStandIn cluster = session.cluster();
        for (String option : copy.options().keySet()) {
            if (!MODELLED.contains(option)) {
                session.fail("0A000", "The Redshift stand-in does not model the COPY option " + option);
                return;
            }
        }
        if (!copy.options().getOrDefault("MAXERROR", "0").equals("0")) {
            session.fail("0A000", "The Redshift stand-in does not model MAXERROR above 0 (a COPY that skips rejected rows)");
            return;
        }
        for (String format : List.of("DATEFORMAT", "TIMEFORMAT")) {
            if (!copy.options().getOrDefault(format, "auto").equalsIgnoreCase("auto")) {
                session.fail("0A000", "The Redshift stand-in models " + format + " 'auto' only");
                return;
            }
        }
        List<String> files;
        S3Client s3;
        try {
            s3 = ClusterS3.client(session, copy.auth());
        } catch (IllegalArgumentException e) {
            session.fail("XX000", e.getMessage());
            return;
        } catch (SdkException e) {
            session.fail("XX000", "S3ServiceException:" + e.getMessage());
            return;
        }
        try (s3) {
            try {
                files = files(s3);
            } catch (SdkException e) {
                session.fail("XX000", s3Error(e));
                return;
            } catch (IllegalArgumentException e) {
                session.fail("XX000", e.getMessage());
                return;
            }
            boolean noload = copy.has("NOLOAD");
            boolean began = false;
            if (noload) {
                began = session.idle();
                session.quietly(began ? "BEGIN" : "SAVEPOINT " + NOLOAD_SAVEPOINT);
                if (began) {
                    session.beforeReady("ROLLBACK");   // however the COPY ends, the session is back where it was
                }
            }
            PgWire.query(session.backendOut(), backendCopy());
            Message first = PgWire.read(session.backendIn());
            if (first == null || first.type() != 'G') {
                if (first != null) {
                    PgWire.write(session.clientOut(), first);
                }
                session.relayUntilReady();
                return;
            }
            List<Segment> segments = new ArrayList<>();
            long line = 1;
            int header = copy.has("IGNOREHEADER") ? Integer.parseInt(copy.options().get("IGNOREHEADER")) : 0;
            try {
                for (String url : files) {
                    segments.add(new Segment(url, line, header));
                    line += stream(s3, url, header);
                }
            } catch (SdkException | IOException e) {
                PgWire.write(session.backendOut(), 'f', PgWire.cstring("stopped"));
                session.backendOut().flush();
                PgWire.read(session.backendIn());   // the backend's "COPY from stdin failed", replaced by ours
                session.replaceErrorAndFinish("XX000", e instanceof SdkException sdk ? s3Error(sdk) : "Cannot read from S3: " + e.getMessage());
                return;
            }
            PgWire.write(session.backendOut(), 'c', new byte[0]);
            session.backendOut().flush();
            Message answer = PgWire.read(session.backendIn());
            if (answer != null && answer.type() == 'E') {
                RedshiftSession.CopyError e = RedshiftSession.copyError(PgWire.fields(answer.body()));
                recordLoadError(s3, segments, e);
                session.replaceErrorAndFinish("XX000", "Load into table '" + copy.table() + "' failed.  Check 'stl_load_errors' "
                        + "system table for details.");
                return;
            }
            if (noload) {
                // The files are valid for the table: what they loaded goes, and the client hears that nothing was loaded.
                while (answer != null && answer.type() != 'Z') {
                    answer = PgWire.read(session.backendIn());
                }
                if (!began) {
                    session.quietly("ROLLBACK TO SAVEPOINT " + NOLOAD_SAVEPOINT + "; RELEASE SAVEPOINT " + NOLOAD_SAVEPOINT);
                }
                PgWire.write(session.clientOut(), 'C', PgWire.cstring("COPY 0"));
                session.ready();
                return;
            }
            PgWire.write(session.clientOut(), answer);
            session.relayUntilReady();
        }
    }

    private String backendCopy() {
        Map<String, String> o = copy.options();
        boolean csv = o.containsKey("CSV");
        StringBuilder sql = new StringBuilder("COPY ").append(copy.table());
        if (!copy.columns().isEmpty()) {
            sql.append(" (").append(String.join(", ", copy.columns())).append(')');
        }
        sql.append(" FROM STDIN WITH (FORMAT ").append(csv ? "csv" : "text");
        sql.append(", DELIMITER ").append(RedshiftSession.quote(o.getOrDefault("DELIMITER", csv ? "," : "|")));
        if (csv) {
            sql.append(", QUOTE ").append(RedshiftSession.quote(o.getOrDefault("QUOTE", "\"")));
        }
        sql.append(", NULL ").append(RedshiftSession.quote(o.getOrDefault("NULL", csv ? "" : "\\N")));
        return sql.append(')').toString();
    }

    /** The URLs to load: every object under the prefix, or the manifest's entries (mandatory ones must exist). */
    private List<String> files(S3Client s3) {
        String[] from = ClusterS3.split(copy.from());
        List<String> urls = new ArrayList<>();
        if (copy.has("MANIFEST")) {
            JsonNode manifest = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(from[0]).key(from[1])).asUtf8String());
            for (JsonNode entry : manifest.path("entries")) {
                String url = entry.path("url").asString();
                String[] parts = ClusterS3.split(url);
                boolean exists;
                try {
                    s3.headObject(b -> b.bucket(parts[0]).key(parts[1]));
                    exists = true;
                } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
                    exists = false;
                } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                    if (e.statusCode() != 404) {
                        throw e;
                    }
                    exists = false;
                }
                if (exists) {
                    urls.add(url);
                } else if (entry.path("mandatory").asBoolean(false)) {
                    throw new IllegalArgumentException("Manifest file is not valid: mandatory file " + url + " not found");
                }
            }
            return urls;
        }
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(from[0]).prefix(from[1])).contents()) {
            urls.add("s3://" + from[0] + "/" + o.key());
        }
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("The specified S3 prefix '" + from[1] + "' does not exist");
        }
        return urls;
    }

    /** Streams one file into the backend, skipping its header lines; returns the lines sent. */
    private long stream(S3Client s3, String url, int headerLines) throws IOException {
        long lines = 0;
        int skip = headerLines;
        byte last = '\n';
        try (InputStream in = open(s3, url)) {
            byte[] buf = new byte[CHUNK];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                int start = 0;
                while (skip > 0 && start < n) {
                    if (buf[start++] == '\n') {
                        skip--;
                    }
                }
                for (int i = start; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
                if (n > start) {
                    byte[] part = new byte[n - start];
                    System.arraycopy(buf, start, part, 0, part.length);
                    PgWire.write(session.backendOut(), 'd', part);
                    last = part[part.length - 1];
                }
            }
        }
        if (last != '\n') {
            PgWire.write(session.backendOut(), 'd', new byte[] {'\n'});
            lines++;
        }
        return lines;
    }

    private InputStream open(S3Client s3, String url) throws IOException {
        String[] p = ClusterS3.split(url);
        InputStream in = s3.getObject(b -> b.bucket(p[0]).key(p[1]));
        return copy.has("GZIP") ? new GZIPInputStream(in, CHUNK) : in;
    }

    /** Adds the rejected row to stl_load_errors, as Redshift does for every failed COPY. */
    private void recordLoadError(S3Client s3, List<Segment> segments, RedshiftSession.CopyError e) {
        Segment segment = segments.get(0);
        for (Segment s : segments) {
            if (s.firstLine() <= e.line()) {
                segment = s;
            }
        }
        long fileLine = e.line() - segment.firstLine() + 1 + segment.headerLines();
        String raw = "";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(s3, segment.url()), StandardCharsets.UTF_8))) {
            raw = r.lines().skip(fileLine - 1).findFirst().orElse("");
        } catch (IOException | SdkException ignored) {
            // The raw line is a courtesy; the error itself is recorded regardless.
        }
        session.cluster().recordLoadError(session.backendPid(), copy.table(), segment.url(), fileLine, e.column(), e.value(), raw,
                e.reason());
    }

    static String s3Error(SdkException e) {
        if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s && s.awsErrorDetails() != null) {
            return "S3ServiceException:" + s.awsErrorDetails().errorMessage() + ",Status " + s.statusCode() + ",Error "
                    + s.awsErrorDetails().errorCode();
        }
        return "S3ServiceException:" + e.getMessage();
    }
}
