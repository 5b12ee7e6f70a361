package dev.stageway.s3.transfer;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.S3Connection;
import dev.stageway.csv.CsvOptions;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import dev.stageway.spi.StoredObjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What a direct path that reads a source's objects itself checks of them, reading none of their
 * rows: that each object's header names the columns (a reader that skips header lines, as COPY's
 * IGNOREHEADER does, cannot tell), and that none changed since it was listed.
 */
public final class StoredObjectChecks {
    private StoredObjectChecks() {
    }

    /**
     * Fails as the streamed read would, at the first object in order whose header does not name
     * {@code objects}' columns; reads only the start of each object after the first (whose header
     * gave the columns), {@code concurrency} at once. Without a header there is nothing to check.
     */
    public static void headers(S3Connection s3, StoredObjects objects, int concurrency) {
        if (!Boolean.parseBoolean(objects.format().get(CsvOptions.HEADER.name())) || objects.objects().size() < 2) {
            return;
        }
        boolean gzip = "gzip".equals(objects.format().get("compression"));
        CsvObjectReader.Options options = new CsvObjectReader.Options(objects.bucket(), gzip ? Compression.GZIP : Compression.NONE,
                HeadFirstGet.HEAD, 1, HeadFirstGet.HEAD, false, "", CsvOptions.ofStoredFormat(objects.format()), List.of());
        Schema expected = new Schema(objects.columns().stream().map(n -> Column.of(n, ColumnType.string())).toList());
        ExecutorService pool = Transfers.pool("stageway-s3-headers", concurrency);
        try {
            List<Future<?>> checks = new ArrayList<>();
            for (Map<String, String> item : objects.objects().subList(1, objects.objects().size())) {
                ObjectRef object = ObjectRef.fromItem(item);
                checks.add(pool.submit(() -> CsvObjectReader.checkHeader(s3, options, object, expected)));
            }
            for (Future<?> check : checks) {
                check.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the objects' headers", e);
        } finally {
            pool.shutdownNow();
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
            throw AwsFailures.s3(e, "list s3://" + objects.bucket() + "/" + prefix + " again to see whether the objects changed", s3);
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
