package dev.stageway.testkit.redshift;

import dev.stageway.testkit.redshift.PgWire.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.QuoteMode;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code COPY table FROM 's3://...'}: the files (a prefix, or a manifest's entries) are read
 * through the S3 stand-in with the statement's credentials, parsed as Redshift parses CSV, and
 * streamed row by row into the client's own backend as {@code COPY ... FROM STDIN}, inside a
 * transaction (or savepoint) of its own so that a COPY that fails loads nothing.
 * <p>Rows are checked as Redshift checks them before PostgreSQL converts their values: the number
 * of fields, NOT NULL, and VARCHAR/CHAR widths in UTF-8 bytes (cut to the width at a character
 * boundary with TRUNCATECOLUMNS). A rejected row is recorded in {@code stl_load_errors} under
 * this COPY's query id ({@code pg_last_copy_id()}) with file, line, column and reason; up to
 * MAXERROR of them are skipped and the rest loaded, one more fails the COPY with Redshift's error.
 */
final class CopyFromS3 {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 64 * 1024;
    /** Redshift's limit on MAXERROR. */
    private static final int MAX_ERRORS = 100_000;
    private static final String SAVEPOINT = "stageway_copy";
    /** PostgreSQL 17's notice for a row ON_ERROR ignore skipped. */
    private static final Pattern SKIPPED = Pattern.compile("skipping row due to data type incompatibility at line (\\d+) for column "
            + "\"?(.*?)\"?: (?:\"(.*)\"|null input)", Pattern.DOTALL);
    private static final String FAILED = "Load into table '%s' failed.  Check 'stl_load_errors' system table for details.";

    private final RedshiftSession session;
    private final RedshiftSql.Copy copy;
    /** Where each row sent to the backend came from: its file's index << 40 | its line in that file. */
    private long[] origins = new long[1024];
    private int sent;
    private int rejected;
    private List<String> urls = List.of();
    private final Map<String, List<String>> linesOf = new HashMap<>();
    private int queryId;
    private long tableId;
    private List<TargetColumn> columns;
    /** Set by the thread reading the backend's answers when it failed the COPY: it ignores the rest. */
    private volatile boolean backendFailed;

    /**
     * A column the COPY loads: its type's short name (as stl_load_errors shows it) and full name,
     * and for VARCHAR/CHAR its width (bytes in Redshift; -1 for other types).
     */
    private record TargetColumn(String name, String type, String fullType, boolean notNull, int width) {
        boolean text() {
            return width >= 0;
        }
    }

    /** Raised when one rejected row is more than MAXERROR allows. */
    private static final class TooManyErrors extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyErrors() {
            super(null, null, false, false);
        }
    }

    CopyFromS3(RedshiftSession session, RedshiftSql.Copy copy) {
        this.session = session;
        this.copy = copy;
    }

    /** The COPY options the stand-in carries out; any other is refused rather than silently ignored. */
    private static final Set<String> MODELLED = Set.of("CSV", "DELIMITER", "QUOTE", "NULL", "IGNOREHEADER", "GZIP", "MANIFEST", "REGION",
            "DATEFORMAT", "TIMEFORMAT", "MAXERROR", "COMPUPDATE", "STATUPDATE", "NOLOAD", "TRUNCATECOLUMNS", "IGNOREBLANKLINES");

    void run() throws IOException {
        RedshiftStandIn cluster = session.cluster();
        for (String option : copy.options().keySet()) {
            if (!MODELLED.contains(option)) {
                session.fail("0A000", "The Redshift stand-in does not model the COPY option " + option);
                return;
            }
        }
        if (!copy.has("CSV")) {
            session.fail("0A000", "The Redshift stand-in models COPY of CSV only (FORMAT AS CSV)");
            return;
        }
        for (String character : List.of("DELIMITER", "QUOTE")) {
            if (copy.has(character) && copy.options().get(character).length() != 1) {
                session.fail("22023", character + " must be a single character");
                return;
            }
        }
        for (String format : List.of("DATEFORMAT", "TIMEFORMAT")) {
            if (!copy.options().getOrDefault(format, "auto").equalsIgnoreCase("auto")) {
                session.fail("0A000", "The Redshift stand-in models " + format + " 'auto' only");
                return;
            }
        }
        int maxErrors;
        try {
            maxErrors = Integer.parseInt(copy.options().getOrDefault("MAXERROR", "0"));
        } catch (NumberFormatException e) {
            maxErrors = -1;
        }
        if (maxErrors < 0 || maxErrors > MAX_ERRORS) {
            session.fail("22023", "MAXERROR must be between 0 and " + MAX_ERRORS);
            return;
        }
        if (!target()) {
            return;
        }
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
                urls = files(s3);
            } catch (SdkException e) {
                session.fail("XX000", s3Error(e));
                return;
            } catch (IllegalArgumentException e) {
                session.fail("XX000", e.getMessage());
                return;
            }
            queryId = cluster.nextQueryId();
            load(s3, maxErrors);
        }
    }

    /** Reads the target's columns; false (the client told) when the table is not there. */
    private boolean target() throws IOException {
        String regclass = RedshiftSession.quote(copy.table()) + "::regclass";
        RedshiftSession.Rows r = session.rowsQuietly("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                + "CASE WHEN t.typname IN ('varchar', 'bpchar') THEN a.atttypmod - 4 ELSE -1 END, " + regclass + "::oid, t.typname "
                + "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = " + regclass
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum");
        if (r.error().isPresent()) {
            session.fail(r.error().get().getOrDefault('C', "42P01"), r.error().get().getOrDefault('M', "the table cannot be read"));
            return false;
        }
        Map<String, TargetColumn> all = new LinkedHashMap<>();
        for (List<String> row : r.rows()) {
            all.put(row.get(0), new TargetColumn(row.get(0), row.get(5), row.get(1), row.get(2).equals("t"), Integer.parseInt(row.get(3))));
            tableId = Long.parseLong(row.get(4));
        }
        if (copy.columns().isEmpty()) {
            columns = List.copyOf(all.values());
            return true;
        }
        columns = new ArrayList<>();
        for (String name : copy.columns()) {
            String bare = name.startsWith("\"") ? name.substring(1, name.length() - 1).replace("\"\"", "\"") : name.toLowerCase(Locale.ROOT);
            TargetColumn c = all.get(bare);
            if (c == null) {
                session.fail("42703", "column \"" + bare + "\" of relation \"" + copy.table() + "\" does not exist");
                return false;
            }
            columns.add(c);
        }
        return true;
    }

    private void load(S3Client s3, int maxErrors) throws IOException {
        boolean noload = copy.has("NOLOAD");
        boolean began = session.idle();
        session.quietly(began ? "BEGIN" : "SAVEPOINT " + SAVEPOINT);
        StringBuilder sql = new StringBuilder("COPY ").append(copy.table()).append(" (")
                .append(String.join(", ", columns.stream().map(c -> "\"" + c.name().replace("\"", "\"\"") + "\"").toList()))
                .append(") FROM STDIN WITH (FORMAT csv");
        if (maxErrors > 0) {
            sql.append(", ON_ERROR ignore, LOG_VERBOSITY verbose");
        }
        PgWire.query(session.backendOut(), sql.append(')').toString());
        Message first = PgWire.read(session.backendIn());
        if (first == null || first.type() != 'G') {
            // Refused before any row (privileges, say): undo what the stand-in began, then fail with the backend's error,
            // which aborts the client's transaction as Redshift's refusal does.
            Map<Character, String> error = Map.of();
            for (Message m = first; m != null && m.type() != 'Z'; m = PgWire.read(session.backendIn())) {
                if (m.type() == 'E') {
                    error = PgWire.fields(m.body());
                }
            }
            undo(began);
            session.fail(error.getOrDefault('C', "XX000"), error.getOrDefault('M', "COPY was refused"));
            return;
        }
        session.copied(queryId);   // as Redshift, once the load has started
        BlockingQueue<Message> answers = new LinkedBlockingQueue<>();
        Thread drain = new Thread(() -> {
            try {
                for (Message m = PgWire.read(session.backendIn()); m != null; m = PgWire.read(session.backendIn())) {
                    answers.add(m);
                    if (m.type() == 'E') {
                        backendFailed = true;   // it drops the rest: stop sending
                    }
                    if (m.type() == 'Z') {
                        return;
                    }
                }
            } catch (IOException e) {
                // the session ends; the main thread finds no ReadyForQuery
            }
            answers.add(new Message('X', new byte[0]));
        }, "sandbox-redshift-copy");
        drain.setDaemon(true);
        drain.start();
        String failure = null;
        boolean sentAll = false;
        try {
            for (int file = 0; file < urls.size() && !backendFailed; file++) {
                stream(s3, file, maxErrors);
            }
            sentAll = true;
        } catch (TooManyErrors e) {
            failure = String.format(FAILED, copy.table());
        } catch (SdkException | IOException | UncheckedIOException e) {
            failure = e instanceof SdkException sdk ? s3Error(sdk) : "Cannot read from S3: " + e.getMessage();
        } finally {
            // Whatever stopped it, the backend leaves COPY IN: done when every row went, else failed.
            if (sentAll) {
                PgWire.write(session.backendOut(), 'c', new byte[0]);
            } else {
                PgWire.write(session.backendOut(), 'f', PgWire.cstring("stopped"));
            }
            session.backendOut().flush();
        }
        long loaded = 0;
        Message m;
        try {
            while ((m = answers.take()).type() != 'Z') {
                if (m.type() == 'X') {
                    throw new IOException("the backend closed the connection");
                }
                if (m.type() == 'N') {
                    Matcher skipped = SKIPPED.matcher(PgWire.fields(m.body()).getOrDefault('M', ""));
                    if (skipped.matches() && failure == null) {
                        TargetColumn c = column(skipped.group(2));
                        String value = skipped.group(3) == null ? "" : skipped.group(3);
                        if (!reject(s3, Long.parseLong(skipped.group(1)), c, value, 1207, "Invalid input syntax for type "
                                + c.fullType() + ": \"" + value + "\"", maxErrors)) {
                            failure = String.format(FAILED, copy.table());
                        }
                    }
                } else if (m.type() == 'E' && failure == null) {
                    RedshiftSession.CopyError e = RedshiftSession.copyError(PgWire.fields(m.body()));
                    reject(s3, e.line(), column(e.column()), e.value(), 1207, e.reason(), 0);
                    failure = String.format(FAILED, copy.table());
                } else if (m.type() == 'C') {
                    String tag = m.text();
                    loaded = Long.parseLong(tag.substring(tag.lastIndexOf(' ') + 1));
                }
            }
            drain.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        session.noted(m);
        if (failure != null) {
            undo(began);
            session.fail("XX000", failure);
            return;
        }
        if (noload) {
            // The files are valid for the table: what they loaded goes, and the client hears that nothing was loaded.
            undo(began);
            loaded = 0;
        } else {
            session.quietly(began ? "COMMIT" : "RELEASE SAVEPOINT " + SAVEPOINT);
        }
        session.info("Load into table '" + copy.table() + "' completed, " + loaded + " record(s) loaded successfully.");
        if (rejected > 0) {
            session.info("Load into table '" + copy.table() + "' completed, " + rejected + " record(s) could not be loaded.  Check "
                    + "'stl_load_errors' system table for details.");
        }
        PgWire.write(session.clientOut(), 'C', PgWire.cstring("COPY " + loaded));
        session.ready();
    }

    /** Undoes what the COPY loaded: the stand-in's own transaction, or back to its savepoint in the client's. */
    private void undo(boolean began) throws IOException {
        session.quietly(began ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT " + SAVEPOINT + "; RELEASE SAVEPOINT " + SAVEPOINT);
    }

    private TargetColumn column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(new TargetColumn(name, "", "", false, -1));
    }

    /** Streams one file's rows into the backend, skipping its header lines, checking each row as Redshift does. */
    private void stream(S3Client s3, int file, int maxErrors) throws IOException, TooManyErrors {
        Map<String, String> o = copy.options();
        int header = copy.has("IGNOREHEADER") ? Integer.parseInt(o.get("IGNOREHEADER")) : 0;
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(o.getOrDefault("DELIMITER", ","))
                .setQuote(o.getOrDefault("QUOTE", "\"").charAt(0)).setNullString(o.getOrDefault("NULL", ""))
                .setQuoteMode(QuoteMode.ALL_NON_NULL).setIgnoreEmptyLines(copy.has("IGNOREBLANKLINES")).setRecordSeparator("\n").get();
        boolean truncate = copy.has("TRUNCATECOLUMNS");
        StringBuilder batch = new StringBuilder();
        // Invalid UTF-8 is a load error, as Redshift's COPY without ACCEPTINVCHARS has it, never replaced unseen.
        try (Reader in = new InputStreamReader(open(s3, urls.get(file)), StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))) {
            for (int skip = header; skip > 0; ) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                skip -= c == '\n' ? 1 : 0;
            }
            CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get();
            long consumed = 0;
            var records = parser.iterator();
            while (!backendFailed) {
                long line = header + consumed + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    // The rest of the file cannot be parsed (an unterminated quote, say): a load error that fails the COPY.
                    if (e.getCause() instanceof CharacterCodingException) {
                        rejectAt(s3, file, line, columns.get(0), "", 1220, "String contains invalid or unsupported UTF8 codepoints", 0);
                    } else {
                        rejectAt(s3, file, line, columns.get(0), "", 1214, "Invalid quote formatting for CSV: " + e.getMessage(), 0);
                    }
                    return;
                }
                consumed = parser.getCurrentLineNumber();
                String[] values = record.values();
                if (!check(s3, file, line, values, truncate, maxErrors)) {
                    continue;
                }
                if (sent == origins.length) {
                    origins = Arrays.copyOf(origins, sent * 2);
                }
                origins[sent++] = ((long) file << 40) | line;
                for (int c = 0; c < values.length; c++) {
                    batch.append(c == 0 ? "" : ",");
                    if (values[c] != null) {
                        batch.append('"').append(values[c].replace("\"", "\"\"")).append('"');
                    }
                }
                batch.append('\n');
                if (batch.length() >= CHUNK) {
                    PgWire.write(session.backendOut(), 'd', batch.toString().getBytes(StandardCharsets.UTF_8));
                    batch.setLength(0);
                }
            }
        }
        if (batch.length() > 0) {
            PgWire.write(session.backendOut(), 'd', batch.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Checks a row as Redshift does before converting its values (cutting VARCHAR values to their
     * width with TRUNCATECOLUMNS); false when it is rejected (and recorded).
     */
    private boolean check(S3Client s3, int file, long line, String[] values, boolean truncate, int maxErrors) throws TooManyErrors {
        if (values.length != columns.size()) {
            boolean fewer = values.length < columns.size();
            TargetColumn at = columns.get(Math.min(values.length, columns.size() - 1));
            rejectAt(s3, file, line, at, "", fewer ? 1214 : 1202, fewer ? "Delimiter not found" : "Extra column(s) found", maxErrors);
            return false;
        }
        for (int c = 0; c < values.length; c++) {
            TargetColumn column = columns.get(c);
            if (values[c] != null && values[c].isEmpty() && !column.text()) {
                values[c] = null;   // Redshift loads an empty field of any type but CHAR and VARCHAR as NULL
            }
            if (values[c] == null) {
                if (column.notNull()) {
                    rejectAt(s3, file, line, column, "", 1213, "Missing data for not-null field", maxErrors);
                    return false;
                }
                continue;
            }
            if (column.text()) {
                byte[] utf8 = values[c].getBytes(StandardCharsets.UTF_8);
                if (utf8.length > column.width()) {
                    if (!truncate) {
                        rejectAt(s3, file, line, column, values[c], 1204, "String length exceeds DDL length", maxErrors);
                        return false;
                    }
                    values[c] = prefix(utf8, column.width());
                }
            }
        }
        return true;
    }

    /** The longest prefix of {@code utf8} that is at most {@code bytes} long and ends at a character boundary. */
    static String prefix(byte[] utf8, int bytes) {
        int end = bytes;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    /** Records a row the backend rejected, by its line among those sent; false when it is one more than MAXERROR allows. */
    private boolean reject(S3Client s3, long backendLine, TargetColumn column, String value, int code, String reason, int maxErrors) {
        long origin = backendLine >= 1 && backendLine <= sent ? origins[(int) backendLine - 1] : 0;
        try {
            rejectAt(s3, (int) (origin >>> 40), origin & ((1L << 40) - 1), column, value, code, reason, maxErrors);
            return true;
        } catch (TooManyErrors e) {
            return false;
        }
    }

    /**
     * Records a rejected row; throws when it is more than MAXERROR allows (AWS's text reads "that
     * many or more", but a load with MAXERROR n is known to keep n rejected rows).
     */
    private void rejectAt(S3Client s3, int file, long line, TargetColumn column, String value, int code, String reason, int maxErrors)
            throws TooManyErrors {
        rejected++;
        String url = urls.get(file);
        List<String> lines = linesOf.computeIfAbsent(url, u -> rawLines(s3, u));
        String raw = line >= 1 && line <= lines.size() ? lines.get((int) line - 1) : "";
        session.cluster().recordLoadError(new RedshiftStandIn.LoadError(session.backendPid(), queryId, tableId, url, line, column.name(),
                column.type(), column.width(), value, raw, code, reason));
        if (rejected > maxErrors) {
            throw new TooManyErrors();
        }
    }

    /** The file's lines as they are, for {@code raw_line}; none when it cannot be read again. */
    private List<String> rawLines(S3Client s3, String url) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(s3, url), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        } catch (IOException | SdkException | UncheckedIOException e) {
            return List.of();   // the raw line is a courtesy; the error itself is recorded regardless
        }
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

    private InputStream open(S3Client s3, String url) throws IOException {
        String[] p = ClusterS3.split(url);
        InputStream in = s3.getObject(b -> b.bucket(p[0]).key(p[1]));
        return copy.has("GZIP") ? new GZIPInputStream(in, CHUNK) : in;
    }

    static String s3Error(SdkException e) {
        if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s && s.awsErrorDetails() != null) {
            return "S3ServiceException:" + s.awsErrorDetails().errorMessage() + ",Status " + s.statusCode() + ",Error "
                    + s.awsErrorDetails().errorCode();
        }
        return "S3ServiceException:" + e.getMessage();
    }
}
