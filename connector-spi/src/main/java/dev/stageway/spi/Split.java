package dev.stageway.spi;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One part of a planned source, read by its own {@link SourceReader}, possibly in another class
 * loader or JVM: so it holds JDK types only, and is serialisable.
 *
 * @param index       its position in the plan, from 0; records of lower splits come first in source order
 * @param description what it covers, for logs and reports ("3 objects from s3://bucket/a.csv")
 * @param bytes       about how many bytes it reads, for a host that balances tasks
 * @param attributes  what the connector needs of the split as a whole (for S3, the header every object must have)
 * @param items       what the connector needs to read it (for S3, one map per object: key, ETag, size)
 */
public record Split(int index, String description, long bytes, Map<String, String> attributes, List<Map<String, String>> items)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public Split {
        if (index < 0 || bytes < 0) {
            throw new IllegalArgumentException("Cannot make a split with index " + index + " and " + bytes + " bytes");
        }
        attributes = Map.copyOf(attributes);
        items = items.stream().map(Map::copyOf).toList();
    }
}
