package dev.stageway.redshift;

import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.csv.CsvOptions;
import dev.stageway.csv.CsvRowWriter;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.ObjectUpload;
import dev.stageway.s3.transfer.PendingObject;
import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.s3.transfer.UploadMemory;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.RecordBatch;
import dev.stageway.spi.Schema;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The gzip CSV files one task stages for COPY: as many as the target says (by default one per
 * slice), filled round-robin in blocks of {@link #BLOCK} rows so their sizes are even (AWS's COPY
 * guidance), uploaded while records arrive. Which file and line a row goes to is a function of its
 * number alone ({@link #record} inverts it), so a COPY error's file and line name the record.
 */
final class StagingFiles {
    private static final Logger LOG = LoggerFactory.getLogger(StagingFiles.class);
    /** Batches queued or encoding at once, beyond the one being handed over. */
    private static final int BATCHES_IN_FLIGHT = 2;
    private static final CsvOptions CSV = new CsvOptions(',', '"', RedshiftStatements.NULL_MARKER, false,
            StandardCharsets.UTF_8);
    private static final int TEXT_BUFFER = 64 * 1024;
    /**
     * The gzip level of staged files; one place, so the bench's baseline uses it too. Measured with
     * {@code stageway bench --only staging} once encoding moved to FastCSV: level 6 staged 35-49 MB/s,
     * level 1 58-90 MB/s (2 cores); files grow from ~20% to ~24% of the CSV, which costs far less
     * upload time than level 6 costs CPU. (With commons-csv, encoding bound staging and level 1 gained
     * nothing: 38.3 vs 39.7 MB/s.)
     */
    static final int GZIP_LEVEL = 1;
    /**
     * Consecutive rows that go to one file. Blocks, not single rows, so an encoder walks the
     * batch's rows in memory order: striding one row in every {@code files} defeats the CPU's
     * prefetching, and {@code stageway bench --only staging} measured 0.69 row by row against 0.80
     * with each file's rows contiguous.
     */
    static final int BLOCK = 128;

    private final S3Connection s3;
    private final S3Location folder;
    private final Schema schema;
    private final List<ObjectUpload> uploads = new ArrayList<>();
    private final List<GZIPOutputStream> gzips = new ArrayList<>();
    private final List<CsvRowWriter> printers = new ArrayList<>();
    /** Keys in S3 so far; added to from upload threads while files are published in parallel. */
    private final List<String> published = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService uploadPool;
    /** Per file, so encoders never share it; merged on read. */
    private final int[][] maxStringBytes;
    private final Widths widths;
    /** Per file, the values longer than their column, which COPY will cut. */
    private final long[] truncated;
    private final boolean[] stringColumn;
    private final ExecutorService encoders;
    /** Per file, the last share queued: the next share of that file runs after it, so lines keep row order. */
    private final CompletableFuture<?>[] tails;
    private final ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();
    private long rows;
    private long bytes;
    private final LongAdder csvBytes = new LongAdder();

    /**
     * How long each column's strings may be, in UTF-8 bytes (its VARCHAR width; -1 for a column
     * that is not a string), and whether longer ones are cut to it by COPY's TRUNCATECOLUMNS rather
     * than refused: refused before any COPY beyond Redshift's widest VARCHAR, else rejected by COPY.
     */
    record Widths(int[] bytes, boolean truncate) {
        /**
         * Each string column's width: the existing table's VARCHAR or CHAR (from {@code existing},
         * its columns, none when it is missing), else what a table the load creates gets (a declared
         * length, or Redshift's widest).
         */
        static Widths of(Schema schema, List<Column> existing, boolean truncate) {
            Map<String, Integer> declared = new HashMap<>();
            existing.forEach(c -> declared.put(c.name().toLowerCase(Locale.ROOT), c.type().precision()));
            int[] bytes = new int[schema.size()];
            for (int i = 0; i < bytes.length; i++) {
                Column column = schema.column(i);
                int width = declared.getOrDefault(column.name().toLowerCase(Locale.ROOT), column.type().precision());
                bytes[i] = column.type().kind() != ColumnType.Kind.STRING ? -1
                        : width > 0 ? Math.min(width, RedshiftStatements.MAX_VARCHAR) : RedshiftStatements.MAX_VARCHAR;
            }
            return new Widths(bytes, truncate);
        }
    }

    /** Stages {@code files} files in {@code folder}, each written with {@code objects}' encryption. */
    StagingFiles(S3Connection s3, S3Location folder, Schema schema, Widths widths, ObjectOptions objects, int files, long partSize,
                 int concurrency, ExecutorService pool) throws IOException {
        this.s3 = s3;
        this.widths = widths;
        this.truncated = new long[files];
        this.folder = folder;
        this.schema = schema;
        this.uploadPool = pool;
        // One memory for every file: a filling part per file, plus `concurrency` parts in flight and their spare chunks.
        UploadMemory memory = new UploadMemory(concurrency, partSize);
        this.maxStringBytes = new int[files][schema.size()];
        this.stringColumn = new boolean[schema.size()];
        for (int c = 0; c < stringColumn.length; c++) {
            stringColumn[c] = schema.column(c).type().kind() == ColumnType.Kind.STRING;
        }
        this.tails = new CompletableFuture<?>[files];
        Arrays.fill(tails, CompletableFuture.completedFuture(null));
        // Not the upload pool: an encoder blocks on upload permits, which upload threads release. No more
        // threads than cores: a file's shares run one after another anyway, and more threads only take turns.
        this.encoders = Transfers.pool("stageway-staging-encode", Math.min(files, Runtime.getRuntime().availableProcessors()));
        for (int i = 0; i < files; i++) {
            ObjectUpload upload = new ObjectUpload(s3.client(), folder.bucket(), folder.key(StagingLayout.partFile(i + 1)),
                    objects, partSize, memory, pool);
            GZIPOutputStream gzip = new GZIPOutputStream(upload, TEXT_BUFFER) {
                {
                    def.setLevel(GZIP_LEVEL);
                }
            };
            uploads.add(upload);
            gzips.add(gzip);
            printers.add(CSV.writer(new Counting(gzip)));
        }
    }

    /**
     * Queues a batch for staging and returns: each file's share (its blocks of rows) is
     * encoded and compressed on that file's turn in the encoder pool, in batch order, so staging
     * uses every core and overlaps with the caller producing the next batch. At most
     * {@link #BATCHES_IN_FLIGHT} batches wait or run (the rows stay referenced until then); a failed
     * share surfaces here on a later batch or in {@link #publish()}.
     */
    void write(RecordBatch batch) throws IOException {
        List<Object[]> rowsOfBatch = batch.rows();
        long before = rows;
        CompletableFuture<?>[] shares = new CompletableFuture<?>[tails.length];
        for (int f = 0; f < tails.length; f++) {
            int file = f;
            tails[f] = tails[f].thenRunAsync(() -> encodeShare(file, rowsOfBatch, before), encoders);
            shares[f] = tails[f];
        }
        inFlight.add(CompletableFuture.allOf(shares));
        rows += rowsOfBatch.size();
        while (inFlight.size() > BATCHES_IN_FLIGHT || !inFlight.isEmpty() && inFlight.peek().isDone()) {
            await(inFlight.poll());
        }
    }

    /** Waits for a batch's shares; a share's failure is thrown as what it was. */
    private static void await(CompletableFuture<?> done) throws IOException {
        try {
            done.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /**
     * Encodes the rows of a batch that belong to {@code file}; only one thread touches a file at a
     * time. {@code before}: rows staged before this batch, so rows are numbered across the load.
     */
    private void encodeShare(int file, List<Object[]> batchRows, long before) {
        int files = printers.size();
        int[] utf8Bytes = new int[schema.size()];
        long end = before + batchRows.size();
        try {
            // Rows are numbered from 0 across the task; block b of them goes to file b % files.
            long first = before / BLOCK;
            for (long block = first + Math.floorMod(file - first, (long) files); block * BLOCK < end; block += files) {
                for (long r = Math.max(before, block * BLOCK); r < Math.min(end, (block + 1) * BLOCK); r++) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;   // the load is being aborted
                    }
                    encodeRow(file, batchRows.get((int) (r - before)), r + 1, utf8Bytes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes record {@code number} to {@code file}, noting its strings' lengths; {@code utf8Bytes} is scratch. */
    private void encodeRow(int file, Object[] row, long number, int[] utf8Bytes) throws IOException {
        printers.get(file).write(row, schema, number, utf8Bytes);
        int[] longest = maxStringBytes[file];
        for (int c = 0; c < utf8Bytes.length; c++) {
            if (stringColumn[c]) {
                longest[c] = Math.max(longest[c], utf8Bytes[c]);
                if (utf8Bytes[c] > widths.bytes()[c]) {
                    tooLong(number, c, utf8Bytes[c], file);
                }
            }
        }
    }

    /** A string longer than its column: counted when COPY will cut it, refused when no VARCHAR could hold it. */
    private void tooLong(long record, int column, int bytes, int file) {
        if (widths.truncate()) {
            truncated[file]++;
        } else if (bytes > RedshiftStatements.MAX_VARCHAR) {
            throw new StagewayException(ErrorKind.DATA, false, "Record " + record + ", column " + schema.column(column).name()
                    + ": the value is " + bytes + " bytes of UTF-8, more than Redshift's widest VARCHAR (" + RedshiftStatements.MAX_VARCHAR
                    + " bytes). Set redshift.truncate-long-values=true to have COPY cut it to its column's width (TRUNCATECOLUMNS), "
                    + "or shorten it at the source. Nothing was loaded.", null);
        }
    }

    /** Values longer than their column, which COPY's TRUNCATECOLUMNS will cut. */
    long truncated() {
        long sum = 0;
        for (long t : truncated) {
            sum += t;
        }
        return sum;
    }

    long rows() {
        return rows;
    }

    int files() {
        return uploads.size();
    }

    /** The longest staged value of each string column, in UTF-8 bytes (VARCHAR lengths count bytes). */
    int[] maxStringBytes() {
        int[] longest = new int[schema.size()];
        for (int[] perFile : maxStringBytes) {
            for (int c = 0; c < longest.length; c++) {
                longest[c] = Math.max(longest[c], perFile[c]);
            }
        }
        return longest;
    }

    /** A staged file: its URL and compressed size. */
    record StagedFile(String url, long bytes) {
    }

    /** Uploads the rest of every file; returns them in file order. */
    List<StagedFile> publish() throws IOException {
        while (!inFlight.isEmpty()) {
            await(inFlight.poll());
        }
        encoders.shutdown();
        // Every file's last part goes up at once, each committed as soon as it is in S3: one after
        // another, they would be the slowest part of staging.
        List<CompletableFuture<PendingObject>> commits = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            CompletableFuture<PendingObject> finishing;
            try {
                printers.get(i).flush();
                gzips.get(i).finish();
                finishing = uploads.get(i).finishing(true);
            } catch (IOException | RuntimeException e) {
                finishing = CompletableFuture.failedFuture(e);   // reported below, once the files before it are done
            }
            commits.add(finishing.thenApplyAsync(p -> {
                p.commit();
                published.add(p.key());
                return p;
            }, uploadPool));
        }
        // Every commit ends before a failure is reported, so a cleanup never races a file still going up.
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
        List<PendingObject> pending = new ArrayList<>();
        for (CompletableFuture<PendingObject> commit : commits) {
            await(commit);
            pending.add(commit.join());
        }
        List<StagedFile> files = new ArrayList<>();
        for (PendingObject p : pending) {
            files.add(new StagedFile(S3Location.url(folder.bucket(), p.key()), p.bytes()));
            bytes += p.bytes();
        }
        return files;
    }

    /** CSV bytes staged, before compression. */
    long csvBytes() {
        return csvBytes.sum();
    }

    /** Counts the CSV bytes on their way to compression. */
    private final class Counting extends FilterOutputStream {
        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            csvBytes.add(len);
            out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            csvBytes.increment();
            out.write(b);
        }
    }

    /** Compressed bytes staged. */
    long bytes() {
        return bytes;
    }

    /** Gives up before publishing: aborts every upload. */
    void abort() {
        // Encoders stop first: one still writing could otherwise start a multipart upload after it was aborted.
        encoders.shutdownNow();
        try {
            if (!encoders.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("Staging encoders did not stop within a minute; aborting the uploads regardless");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        uploads.forEach(ObjectUpload::abort);
    }

    /** Removes what {@link #publish()} put in S3. */
    void delete() {
        for (String key : published) {
            try {
                s3.client().deleteObject(b -> b.bucket(folder.bucket()).key(key));
            } catch (SdkException ignored) {
                // Best effort: a leftover staging file is reported by the caller's summary, not fatal.
            }
        }
    }

    /** Which record (from 1) of a task that staged {@code files} files is at {@code line} (from 1) of file {@code fileIndex} (from 0). */
    static long record(int files, int fileIndex, long line) {
        long blockOfFile = (line - 1) / BLOCK;
        return (blockOfFile * files + fileIndex) * BLOCK + (line - 1) % BLOCK + 1;
    }
}
