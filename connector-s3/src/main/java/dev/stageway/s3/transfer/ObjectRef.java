package dev.stageway.s3.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An object as listed: its key, and the ETag and size every read of it is pinned to, so a split
 * reads the very version its plan saw, wherever it runs.
 */
public record ObjectRef(String key, String eTag, long size) {

    public static ObjectRef of(S3Object o) {
        return new ObjectRef(o.key(), o.eTag(), o.size());
    }

    /** As a split's item. */
    public Map<String, String> toItem() {
        return Map.of("key", key, "etag", eTag, "size", Long.toString(size));
    }

    public static ObjectRef fromItem(Map<String, String> item) {
        return new ObjectRef(item.get("key"), item.get("etag"), Long.parseLong(item.get("size")));
    }

    /**
     * Groups objects, in order, into runs of at most {@code splitBytes} each; an object is never cut,
     * so one larger than that is a run of its own.
     */
    public static List<List<ObjectRef>> group(List<ObjectRef> objects, long splitBytes) {
        List<List<ObjectRef>> groups = new ArrayList<>();
        List<ObjectRef> current = new ArrayList<>();
        long bytes = 0;
        for (ObjectRef o : objects) {
            if (!current.isEmpty() && bytes + o.size() > splitBytes) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(o);
            bytes += o.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
