package dev.stageway.s3;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.S3Connection;
import dev.stageway.csv.CsvOptions;
import dev.stageway.s3.transfer.ObjectCopy;
import dev.stageway.s3.transfer.ObjectRef;
import dev.stageway.s3.transfer.S3Limits;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.StagedObject;
import dev.stageway.spi.Direct;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.StoredObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The S3 target's direct path: the source's object, or its headerless objects one after another,
 * copied inside S3 into the object the streamed path would have written, published at commit as
 * every target object is. Taken only where its rows are the ones the streamed path would write,
 * in the same format; the bytes keep the source's own quoting and line endings, and no row is
 * checked on the way.
 */
final class ServerSideCopy {
    static final String PATH = "server-side-copy";

    private ServerSideCopy() {
    }

    /** Whether the copy can stand for the streamed path here, or why not. */
    static Direct<String> offer(S3Target target, Map<String, String> targetConnection, StoredObjects objects,
                                Map<String, String> sourceConnection) {
        if (!target.directCopy()) {
            return Direct.refused("s3.direct-copy=off");
        }
        if (objects.objects().size() > 1) {
            Optional<String> why = notComposable(objects, target.partSize());
            if (why.isPresent()) {
                return Direct.refused(why.get());
            }
        }
        Map<String, String> format = target.csv().storedFormat(target.gzip());
        List<String> differ = new ArrayList<>(new TreeSet<>(format.keySet().stream()
                .filter(k -> !format.get(k).equals(objects.format().get(k))).toList()));
        if (!differ.isEmpty()) {
            return Direct.refused("the target writes another format than the source's (" + String.join(", ", differ) + ")");
        }
        if (target.rolloverRows() > 0 || target.rolloverBytes() > 0) {
            // The streamed path counts what it writes, not what the source holds.
            return Direct.refused("s3.rollover may split what the streamed path writes into several objects");
        }
        if (!AwsProperties.sameConnection(sourceConnection, targetConnection)) {
            return Direct.refused("the source and the target have different connections; a server-side copy runs as one "
                    + "identity, which reads the source and writes the target");
        }
        return Direct.of(PATH);
    }

    /**
     * Why several objects cannot be put one after another as the streamed path would write their
     * rows, as far as listing tells (whether each ends its last line is read by the write); empty
     * when they can.
     */
    private static Optional<String> notComposable(StoredObjects objects, long partSize) {
        String many = "the source is " + objects.objects().size() + " objects";
        if (Boolean.parseBoolean(objects.format().get(CsvOptions.HEADER.name()))) {
            return Optional.of(many + " with a header each; a server-side copy puts headerless objects one after another only");
        }
        if (CsvOptions.gzip(objects.format())) {
            return Optional.of(many + " of gzip; a server-side copy puts uncompressed objects one after another only");
        }
        List<ObjectRef> sources = objects.objects().stream().map(ObjectRef::fromItem).toList();
        for (ObjectRef o : sources.subList(0, sources.size() - 1)) {
            if (o.size() < S3Limits.MIN_PART_SIZE) {
                return Optional.of(S3Location.url(objects.bucket(), o.key()) + " is smaller than S3's smallest part (5 MiB) and not "
                        + "the last object, so it cannot be a part of a copy");
            }
        }
        if (ObjectCopy.parts(sources, partSize).size() > S3Limits.MAX_PARTS) {
            return Optional.of(many + ", which would take more than S3's " + S3Limits.MAX_PARTS + " parts");
        }
        return Optional.empty();
    }

    /**
     * Copies and publishes; on failure nothing is published and no upload stays open. An object
     * changed since listing fails the copy, as it fails a streamed read.
     */
    static RunSummary run(S3Connection connection, S3Target target, StoredObjects objects) {
        List<ObjectRef> sources = objects.objects().stream().map(ObjectRef::fromItem).toList();
        String bucket = target.location().bucket();
        String key = target.location().key(target.names().name(1));
        String what = "copy " + S3Location.url(objects.bucket(), sources.get(0).key()) + (sources.size() > 1 ? " and " + (sources.size() - 1)
                + " more objects after it" : "") + " to " + S3Location.url(bucket, key);
        if (target.failIfExists() && S3TaskWriter.exists(connection, bucket, key).orElse(false)) {
            throw S3TaskWriter.exists(bucket, key);   // before copying, as the streamed path looks before writing
        }
        StagedObject staged;
        try {
            staged = ObjectCopy.stage(connection.client(), objects.bucket(), sources, bucket, key, target.objects(), target.partSize(),
                    target.concurrency());
        } catch (SdkException e) {
            throw AwsFailures.s3(e, what, connection);
        }
        S3Write.publish(connection, target, List.of(staged), what);
        return new RunSummary(0, 0, objects.bytes(), Map.of("objects", 1L, "source objects", (long) sources.size(), "sts calls",
                connection.credentials().stsCalls()));
    }
}
