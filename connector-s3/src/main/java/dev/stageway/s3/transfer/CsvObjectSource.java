package dev.stageway.s3.transfer;

import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.S3Connection;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Direct;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.SourcePlan;
import dev.stageway.spi.Split;
import dev.stageway.spi.StoredObjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * CSV objects in a folder as a source: where to list, how to read, and how big a split is. Plans
 * (list, then the schema from the first object's header) and opens the readers of splits; the S3
 * source is one, and the Redshift source reads what it unloads as one.
 *
 * @param splitBytes about how many bytes of whole objects a split holds
 * @param offered    why a plan does not offer its objects for a direct path, or empty when it may
 */
public record CsvObjectSource(S3Location location, Pattern files, long splitBytes, CsvObjectReader.Options read, String offered) {

    /** Lists the objects and reads the schema from the first one; closing the plan runs {@code cleanup}. */
    public SourcePlan plan(RunContext context, AwsSettings settings, Runnable cleanup) {
        try (S3Connection s3 = S3Connection.open(context, settings, 1)) {
            List<ObjectRef> objects = CsvObjectReader.list(s3, location, files);
            // The first object's start only: a large object is read by its split, not twice.
            Schema schema = objects.isEmpty() ? new Schema(read.columns())
                    : CsvObjectReader.schemaOf(S3Connection.open(context, settings, 1), read, objects.get(0));
            List<Split> splits = new ArrayList<>();
            for (List<ObjectRef> group : ObjectRef.group(objects, splitBytes)) {
                long bytes = group.stream().mapToLong(ObjectRef::size).sum();
                String what = group.size() == 1 ? S3Location.url(location.bucket(), group.get(0).key())
                        : group.size() + " objects from " + S3Location.url(location.bucket(), group.get(0).key());
                splits.add(new Split(splits.size(), what, bytes, header(schema), group.stream().map(ObjectRef::toItem).toList()));
            }
            // Objects are counted by the readers that read them.
            RunSummary listed = new RunSummary(0, 0, 0, Map.of("splits", (long) splits.size(), "sts calls", s3.credentials().stsCalls()));
            List<Split> planned = List.copyOf(splits);
            return new Plan(schema, planned, listed, () -> stored(objects, planned, schema), cleanup);
        }
    }

    /** A reader of one split of a plan of this source. */
    public CsvObjectReader open(RunContext context, AwsSettings settings, Split split) {
        List<ObjectRef> objects = split.items().stream().map(ObjectRef::fromItem).toList();
        return new CsvObjectReader(S3Connection.open(context, settings, read.concurrency()), read, objects, schema(split.attributes()));
    }

    /** The AWS settings of a side: the connection's, with the side's advanced AWS properties. */
    public static AwsSettings settings(RunContext context, Map<String, String> connection, Map<String, String> side) {
        return AwsSettings.parse(AwsProperties.CONNECTION.select(connection), AwsProperties.ADVANCED.select(side), context.runId());
    }

    /** The plan's schema, as a split's attributes: every object of the split must have this header. */
    private static Map<String, String> header(Schema schema) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("columns", Integer.toString(schema.size()));
        for (int i = 0; i < schema.size(); i++) {
            attributes.put("column." + i, schema.column(i).name());
        }
        return attributes;
    }

    private static Schema schema(Map<String, String> attributes) {
        int columns = Integer.parseInt(attributes.getOrDefault("columns", "0"));
        List<Column> list = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            list.add(Column.of(attributes.get("column." + i), ColumnType.string()));
        }
        return new Schema(list);
    }

    /**
     * The listed objects as they are, unless reading them does more than parse them: parsing typed
     * values, skipping bad rows, replacing invalid characters.
     */
    private Direct<StoredObjects> stored(List<ObjectRef> objects, List<Split> splits, Schema schema) {
        if (!offered.isEmpty()) {
            return Direct.refused(offered);
        }
        if (!read.columns().isEmpty()) {
            return Direct.refused("s3.columns declares typed columns, whose values the source parses and checks");
        }
        if (read.skipBadRows()) {
            return Direct.refused("s3.on-bad-row=skip leaves out rows the objects hold");
        }
        if (read.csv().replaceInvalid()) {
            return Direct.refused("csv.invalid-characters=replace changes what the objects hold");
        }
        // A blank header name is read as colN, which the streamed path writes (a header naming colN itself streams too).
        for (int i = 0; read.csv().header() && i < schema.size(); i++) {
            if (schema.column(i).name().equals("col" + (i + 1))) {
                return Direct.refused("the header names column " + (i + 1) + " col" + (i + 1) + " or leaves it blank");
            }
        }
        long gzip = objects.stream().filter(o -> read.compression().gzip(o.key())).count();
        if (gzip != 0 && gzip != objects.size()) {
            return Direct.refused("some of the objects are gzip and some are not");
        }
        // The splits' items are the objects as listed, in order.
        return Direct.of(new StoredObjects(location.bucket(), splits.stream().flatMap(s -> s.items().stream()).toList(),
                read.csv().storedFormat(gzip != 0), schema.columns().stream().map(Column::name).toList()));
    }

    /** A plan; what it offers for a direct path is worked out only when a host asks. */
    private record Plan(Schema schema, List<Split> splits, RunSummary summary, Supplier<Direct<StoredObjects>> offer,
                        Runnable cleanup) implements SourcePlan {
        @Override
        public Direct<StoredObjects> storedObjects() {
            return offer.get();
        }

        @Override
        public void close() {
            cleanup.run();
        }
    }
}
