package dev.stageway.s3.transfer;

import dev.stageway.aws.S3Connection;
import dev.stageway.aws.AwsFailures;
import dev.stageway.csv.CsvFields;
import dev.stageway.csv.CsvOptions;
import dev.stageway.csv.ValueParser;
import dev.stageway.csv.InvalidCharactersException;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourceReader;
import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a list of objects, in order, as CSV: one schema of string columns named by the header
 * (or {@code col1}, ... without one). Objects above the threshold are read with parallel ranged
 * GETs, and small ones are fetched ahead in parallel ({@link ObjectPrefetch}); every read is pinned
 * to the ETag the object was listed with.
 */
public final class CsvObjectReader implements SourceReader {
    private static final Logger LOG = LoggerFactory.getLogger(CsvObjectReader.class);
    private static final int BATCH_ROWS = 1_000;
    private static final int TEXT_BUFFER = 64 * 1024;

    /**
     * How the objects are read.
     *
     * @param skipBadRows a row with the wrong number of fields, or the malformed rest of an object, is
     *                    counted and skipped instead of failing the read
     * @param badRowHint  what the error of a bad row tells the user to change to skip such rows
     * @param columns     the declared typed columns, which the header must name and whose values are parsed;
     *                    empty for string columns named by the header
     */
    public record Options(String bucket, Compression compression, long partSize, int concurrency, long downloadThreshold,
                          boolean skipBadRows, String badRowHint, CsvOptions csv, List<Column> columns) {
    }

    private final S3Connection connection;
    private final Options options;
    private final ExecutorService executor;
    private final ObjectPrefetch objects;
    private final int objectCount;
    private Schema schema;

    private ObjectRef object;
    private InputStream stream;
    private CsvReader<CsvFields> parser;
    private Records records;
    /** The first record of a header-less object, read for the schema and still to be delivered. */
    private CsvFields pushBack;
    /** Invalid characters replaced (csv.invalid-characters=replace). */
    private final LongAdder replaced = new LongAdder();
    private long rows;
    private long rejected;
    private long bytes;
    private boolean closed;

    /**
     * Opens a reader of {@code objects}; it owns {@code connection} and closes it.
     *
     * @param expected the schema every object's header must give, or null to take it from the first object
     */
    public CsvObjectReader(S3Connection connection, Options options, List<ObjectRef> objects, Schema expected) {
        this(connection, options, objects, expected, false);
    }

    /**
     * The schema {@code first}'s header (or first record) gives, reading only the start of it; it
     * owns {@code connection} and closes it.
     */
    public static Schema schemaOf(S3Connection connection, Options options, ObjectRef first) {
        try (CsvObjectReader reader = new CsvObjectReader(connection, options, List.of(first), null, true)) {
            return reader.schema();
        }
    }

    private CsvObjectReader(S3Connection connection, Options options, List<ObjectRef> objects, Schema expected, boolean headFirst) {
        this.connection = connection;
        this.options = options;
        this.executor = Transfers.pool("stageway-s3-download", options.concurrency());
        try {
            this.objectCount = objects.size();
            this.objects = new ObjectPrefetch(connection.client(), options.bucket(), options.partSize(), options.downloadThreshold(),
                    options.concurrency(), executor, objects.iterator(), headFirst);
            // Declared columns are the schema whatever the objects hold (even none).
            this.schema = !options.columns().isEmpty() ? new Schema(options.columns()) : expected;
            if (!openNext()) {
                this.schema = schema != null ? schema : new Schema(List.of());
            } else if (expected == null) {
                this.schema = schemaOfCurrent();
            } else {
                checkHeader();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The objects under {@code location} whose name after the folder matches {@code files}, in key
     * order; folder placeholders and empty objects (Spark's _SUCCESS) hold no header and no rows.
     */
    public static List<ObjectRef> list(S3Connection connection, S3Location location, Pattern files) {
        String prefix = location.prefix();
        List<ObjectRef> out = new ArrayList<>();
        try {
            for (S3Object o : connection.client().listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(prefix)).contents()) {
                if (!o.key().endsWith("/") && o.size() > 0 && files.matcher(o.key().substring(prefix.length())).matches()) {
                    out.add(ObjectRef.of(o));
                }
            }
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "list " + location, connection);
        }
        return out;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Optional<RecordBatch> next() {
        List<Object[]> batch = new ArrayList<>(BATCH_ROWS);
        while (batch.size() < BATCH_ROWS && records != null) {
            if (!records.hasNextSafely()) {
                if (!openNext()) {
                    break;
                }
                checkHeader();
                continue;
            }
            Object[] row = records.nextRow();
            if (row != null) {
                batch.add(row);
                rows++;
            }
        }
        return batch.isEmpty() ? Optional.empty() : Optional.of(new RecordBatch(schema, batch));
    }

    @Override
    public RunSummary summary() {
        Map<String, Long> details = new java.util.TreeMap<>(Map.of("objects", (long) objectCount, "sts calls",
                connection.credentials().stsCalls()));
        if (replaced.sum() > 0) {
            details.put("invalid characters replaced", replaced.sum());
        }
        return new RunSummary(rows, rejected, bytes, details);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeCurrent();
        if (objects != null) {
            objects.close();
        }
        Transfers.stop(executor);   // fetches ahead end before the connection they use closes
        connection.close();
    }

    /** Opens the next object's parser; false at the end. */
    private boolean openNext() {
        closeCurrent();
        if (!objects.hasNext()) {
            records = null;
            return false;
        }
        object = objects.next();
        try {
            InputStream in = objects.open();
            bytes += object.size();
            stream = options.compression().gzip(object.key()) ? new GZIPInputStream(in, TEXT_BUFFER) : in;
            parser = options.csv().reader(stream, replaced);
            records = new Records(parser.iterator());
            return true;
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "read " + where(), connection);
        } catch (IOException e) {
            throw new StagewayException(ErrorKind.DATA, false, "Cannot read " + where() + ": " + e.getMessage(), e);
        }
    }

    private Schema schemaOfCurrent() {
        if (!records.hasNextSafely()) {
            return options.columns().isEmpty() ? new Schema(List.of()) : new Schema(options.columns());
        }
        CsvFields firstRecord = records.nextRecord();
        List<Column> columns = new ArrayList<>();
        for (String name : columnNames(firstRecord.fields())) {
            columns.add(Column.of(name, ColumnType.string()));
        }
        if (!options.columns().isEmpty()) {
            List<String> declared = options.columns().stream().map(Column::name).toList();
            if (options.csv().header() && !sameNames(columns.stream().map(Column::name).toList(), declared)) {
                throw new StagewayException(ErrorKind.DATA, "Cannot read " + where() + ": its header " + firstRecord.fields()
                        + " does not name the columns s3.columns declares, " + declared);
            }
            columns = options.columns();
        }
        try {
            schema = new Schema(columns);
        } catch (IllegalArgumentException e) {
            throw new StagewayException(ErrorKind.DATA, "Cannot read the header of " + where() + ": " + e.getMessage());
        }
        if (!options.csv().header()) {
            pushBack = firstRecord;
        }
        return schema;
    }

    /** The column names a first record gives: the header's, with {@code colN} for a blank one (and for every one without a header). */
    private List<String> columnNames(List<String> first) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            String field = first.get(i);
            names.add(options.csv().header() && field != null && !field.isBlank() ? field : "col" + (i + 1));
        }
        return names;
    }

    /** Every object's header must match the first object's. */
    private void checkHeader() {
        if (!options.csv().header() || !records.hasNextSafely()) {
            return;
        }
        List<String> header = records.nextRecord().fields();
        List<String> expected = schema.columns().stream().map(Column::name).toList();
        if (options.columns().isEmpty() ? !columnNames(header).equals(expected) : !sameNames(columnNames(header), expected)) {
            throw new StagewayException(ErrorKind.DATA, "Cannot read " + where() + ": its header " + header
                    + " differs from the first object's " + expected);
        }
    }

    /** Header names against declared ones: Redshift folds unquoted names to lower case, so case does not tell them apart. */
    private static boolean sameNames(List<String> header, List<String> declared) {
        return header.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList()
                .equals(declared.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList());
    }

    private String where() {
        return S3Location.url(options.bucket(), object.key());
    }

    private void closeCurrent() {
        try {
            if (parser != null) {
                parser.close();
            } else if (stream != null) {
                stream.close();
            }
        } catch (IOException ignored) {
            // Closing a stream we have finished with or are abandoning.
        }
        parser = null;
        stream = null;
    }

    /** The current object's records, with line numbers for errors and the bad-row policy applied. */
    private final class Records {
        private final Iterator<CsvFields> it;
        /** The line the last record read starts on, for an error in the next one. */
        private long lastLine;
        /** A record read ahead by {@link #hasNextSafely()}, past blank lines that are no rows. */
        private CsvFields next;
        /** The object's header line is still to come. */
        private boolean headerPending = options.csv().header();

        Records(Iterator<CsvFields> it) {
            this.it = it;
        }

        boolean hasNextSafely() {
            if (pushBack != null) {
                return true;
            }
            try {
                while (next == null && it.hasNext()) {
                    CsvFields r = it.next();
                    lastLine = r.line();
                    if (!r.blank() || blankIsNull()) {
                        next = r;
                    }
                }
                return next != null;
            } catch (UncheckedIOException | CsvParseException e) {
                return malformed(e);
            }
        }

        /**
         * An empty line is a null row where the schema has one column and the null marker is empty
         * (the writer writes such a null so); anywhere else it is a blank line and no row. Before the
         * header or before the schema is known, it is skipped.
         */
        private boolean blankIsNull() {
            return !headerPending && schema != null && schema.size() == 1 && options.csv().nullValue().isEmpty();
        }

        /** The next record, whatever its field count; only after {@link #hasNextSafely()} said there is one. */
        CsvFields nextRecord() {
            if (pushBack != null) {
                CsvFields f = pushBack;
                pushBack = null;
                return f;
            }
            CsvFields r = next;
            next = null;
            headerPending = false;
            return r;
        }

        /** The next row as values, or null when it was bad and skipped. */
        Object[] nextRow() {
            CsvFields record = nextRecord();
            long line = record.line();
            List<String> fields = record.fields();
            if (fields.size() != schema.size()) {
                return badRow("Bad row in " + where() + ", line " + line + ": expected " + schema.size() + " fields, found "
                        + fields.size());
            }
            if (options.columns().isEmpty()) {
                return fields.toArray();
            }
            Object[] row = new Object[fields.size()];
            for (int i = 0; i < row.length; i++) {
                Column c = schema.column(i);
                try {
                    row[i] = fields.get(i) == null ? null : ValueParser.parse(c.type(), fields.get(i));
                } catch (IllegalArgumentException e) {
                    return badRow("Bad value in " + where() + ", line " + line + ", column " + c.name() + ": " + e.getMessage());
                }
            }
            return row;
        }

        /** A row that cannot be read: the read fails, or with the skip policy the row is counted and skipped (null). */
        private Object[] badRow(String problem) {
            if (!options.skipBadRows()) {
                throw new StagewayException(ErrorKind.DATA, problem + " (" + options.badRowHint() + ")");
            }
            rejected++;
            LOG.warn("Skipped: {}", problem);
            return null;
        }

        private boolean malformed(RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ChangedSinceListed changed) {
                    throw changed;   // not the CSV's fault, and never a row to skip: the parser only passed it on
                }
            }
            Throwable root = root(e);
            String problem = root instanceof InvalidCharactersException invalid
                    ? "Invalid characters in " + where() + ", line " + invalid.line() + ": " + root.getMessage()
                    : "Malformed CSV in " + where() + " after line " + lastLine + ": " + root.getMessage();
            if (!options.skipBadRows()) {
                throw new StagewayException(ErrorKind.DATA, false, problem, e);
            }
            // The parser cannot resynchronise after broken quoting or undecodable bytes: the rest of this object is one rejected row.
            rejected++;
            LOG.warn("Skipped the rest of {}: {}", where(), problem);
            return false;
        }
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
