package dev.stageway.spi;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A source as the stored objects it would read, for a target that can take them as they are (a
 * direct path, which moves no bytes through the host): the bucket, each object as listed (key,
 * ETag, size), and their format. JDK types only, so it crosses class loaders and JVMs.
 *
 * @param bucket  where the objects are
 * @param objects one map per object, in source order: {@code key}, {@code etag}, {@code size}
 * @param format  the objects' format under the source's property names: {@code csv.delimiter},
 *                {@code csv.quote}, {@code csv.null-value}, {@code csv.header}, {@code csv.encoding}, and
 *                {@code compression} ({@code none} or {@code gzip})
 * @param columns the column names the records have, in order (the header's, or {@code col1}, ...)
 */
public record StoredObjects(String bucket, List<Map<String, String>> objects, Map<String, String> format, List<String> columns)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public StoredObjects {
        objects = objects.stream().map(Map::copyOf).toList();
        format = Map.copyOf(format);
        columns = List.copyOf(columns);
    }

    /** The bytes of all the objects. */
    public long bytes() {
        return objects.stream().mapToLong(o -> Long.parseLong(o.get("size"))).sum();
    }
}
