package dev.stageway.s3.transfer;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.S3Connection;
import dev.stageway.csv.CsvOptions;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.spi.StoredObjects;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What a direct path whose reader skips each object's header line unread (COPY's IGNOREHEADER)
 * checks of a source's objects, reading none of their rows: that every header names the columns,
 * and that lines end as that reader ends them; and, just before publishing, that none changed
 * since it was listed.
 */
public final class StoredObjectChecks {
    private StoredObjectChecks() {
    }

    /** Header lines longer than this are not looked for: such objects are not offered. */
    private static final int LONGEST_LINE = 64 * 1024;

    /**
     * Why a reader that skips header lines and ends lines at LF alone would not read {@code objects}
     * as the S3 source does, or empty when it would. Reads the first line of each object only
     * (about twice the header's length, more only when it is longer), {@code concurrency} at once.
     */
    public static Optional<String> firstLines(S3Connection s3, StoredObjects objects, int concurrency) {
        CsvOptions csv = CsvOptions.ofStoredFormat(objects.format());
        boolean gzip = CsvOptions.gzip(objects.format());
        int guess = 2 * (2 + objects.columns().stream().mapToInt(c -> c.getBytes(csv.charset()).length + 3).sum()) + 1024;
        return firstProblem(s3, objects, objects.objects().size(), concurrency, "read the first line of",
                object -> problem(s3.client(), objects.bucket(), object, csv, gzip, guess, objects.columns()));
    }

    /**
     * Why objects put one after another would not hold the lines they hold each: the first object,
     * but the last, that does not end in LF (its last line would run into the next object's first),
     * or empty when each does. Reads the last byte of each, {@code concurrency} at once.
     */
    public static Optional<String> lineEnds(S3Connection s3, StoredObjects objects, int concurrency) {
        return firstProblem(s3, objects, objects.objects().size() - 1, concurrency, "read the last byte of", object -> {
            try (InputStream in = new ResumableGet(s3.client(), objects.bucket(), object.key(), object.eTag(), object.size() - 1,
                    object.size())) {
                return in.read() == '\n' ? Optional.empty() : Optional.of(S3Location.url(objects.bucket(), object.key())
                        + " does not end with a line break, so its last line would run into the next object's first");
            } catch (ChangedSinceListed e) {
                return Optional.of(e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * {@code check} of the first {@code count} objects, {@code concurrency} at once: the first problem
     * in key order (the one a streamed read would meet first), or empty.
     */
    private static Optional<String> firstProblem(S3Connection s3, StoredObjects objects, int count, int concurrency, String action,
                                                 Function<ObjectRef, Optional<String>> check) {
        ExecutorService pool = Transfers.pool("stageway-s3-checks", concurrency);
        try {
            List<Future<Optional<String>>> checks = new ArrayList<>();
            for (Map<String, String> item : objects.objects().subList(0, count)) {
                ObjectRef object = ObjectRef.fromItem(item);
                checks.add(pool.submit(() -> check.apply(object)));
            }
            for (Future<Optional<String>> c : checks) {
                Optional<String> problem = c.get();
                if (problem.isPresent()) {
                    return problem;
                }
            }
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw AwsFailures.s3(sdk, action + " the objects in " + S3Location.url(objects.bucket(), ""), s3);
            }
            if (e.getCause() instanceof UncheckedIOException io) {
                throw new StagewayException(ErrorKind.STORAGE, true, "Cannot " + action + " the objects in " + S3Location.url(objects.bucket(), "")
                        + ": " + io.getCause().getMessage(), io);
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the objects", e);
        } finally {
            Transfers.stop(pool);
        }
    }

    private static Optional<String> problem(S3Client s3, String bucket, ObjectRef object, CsvOptions csv, boolean gzip, int guess,
                                            List<String> columns) {
        String where = S3Location.url(bucket, object.key());
        if (object.size() == 0) {
            return Optional.empty();   // no header, no rows
        }
        Optional<byte[]> line;
        try {
            line = firstLine(s3, bucket, object, gzip, guess);
            if (line.isEmpty() && guess < object.size()) {
                line = firstLine(s3, bucket, object, gzip, LONGEST_LINE);
            }
        } catch (ChangedSinceListed e) {
            return Optional.of(e.getMessage());
        } catch (IOException e) {
            return Optional.of(where + " cannot be read as " + (gzip ? "gzip " : "") + "CSV: " + e.getMessage());
        }
        if (line.isEmpty()) {
            return Optional.of(where + " has no line end within " + LONGEST_LINE + " bytes");
        }
        byte[] bytes = line.get();
        for (byte b : bytes) {
            if (b == '\r') {
                // The S3 source ends lines at CR LF or CR too; COPY would keep the CR, as the last column's data.
                return Optional.of(where + " ends its first line with CR LF or holds a CR in it, which COPY would read otherwise than "
                        + "the S3 source");
            }
        }
        if (!csv.header()) {
            return Optional.empty();
        }
        List<String> header;
        try {
            header = csv.reader(new ByteArrayInputStream(bytes)).iterator().next().fields();
        } catch (RuntimeException e) {
            return Optional.of(where + "'s header cannot be read: " + e.getMessage());
        }
        return header.equals(columns) ? Optional.empty()
                : Optional.of(where + "'s header " + header + " differs from the first object's " + columns);
    }

    /**
     * The object's first line without its LF, read from its first {@code bytes} bytes (pinned to
     * the listed ETag); empty when they hold no LF within {@link #LONGEST_LINE} bytes.
     */
    private static Optional<byte[]> firstLine(S3Client s3, String bucket, ObjectRef object, boolean gzip, int bytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream raw = new ResumableGet(s3, bucket, object.key(), object.eTag(), 0, Math.min(bytes, object.size()));
             InputStream in = new BufferedInputStream(gzip ? new GZIPInputStream(raw) : raw)) {
            for (int b = in.read(); b >= 0 && line.size() <= LONGEST_LINE; b = in.read()) {
                if (b == '\n') {
                    return Optional.of(line.toByteArray());
                }
                line.write(b);
            }
            return Optional.empty();
        } catch (EOFException e) {
            return Optional.empty();   // a gzip stream cut where the bytes asked for end
        }
    }

    /**
     * The keys of the objects that are gone or hold another ETag than when they were listed, found
     * by listing again below their common prefix (one request per 1,000 objects there).
     */
    public static List<String> changed(S3Connection s3, StoredObjects objects) {
        String prefix = commonPrefix(objects.objects().stream().map(o -> o.get("key")).toList());
        Map<String, String> now = new HashMap<>();
        try {
            for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(objects.bucket()).prefix(prefix)).contents()) {
                now.put(o.key(), o.eTag());
            }
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "list " + S3Location.url(objects.bucket(), prefix) + " again to see whether the objects changed", s3);
        }
        return objects.objects().stream().filter(o -> !o.get("etag").equals(now.get(o.get("key")))).map(o -> o.get("key")).toList();
    }

    static String commonPrefix(List<String> keys) {
        String prefix = keys.isEmpty() ? "" : keys.get(0);
        for (String key : keys) {
            int n = 0;
            while (n < prefix.length() && n < key.length() && prefix.charAt(n) == key.charAt(n)) {
                n++;
            }
            if (n > 0 && Character.isHighSurrogate(prefix.charAt(n - 1))) {
                n--;   // never half a character
            }
            prefix = prefix.substring(0, n);
        }
        return prefix;
    }
}
