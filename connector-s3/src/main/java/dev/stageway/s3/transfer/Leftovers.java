package dev.stageway.s3.transfer;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.CallerIdentity;
import dev.stageway.aws.S3Connection;
import dev.stageway.spi.Leftover;
import dev.stageway.spi.Leftover.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds and removes what a connector's runs left in S3 when their process died: multipart
 * uploads still open, and folders of staged files. Something is a run's only when both its key
 * has the shape the connector gives its own, and, for an upload, S3 names Stageway acting as the
 * connection's identity as its initiator ({@link CallerIdentity#isStageway}): an upload to the
 * same key through another identity or another session of the role is never touched. (With static
 * keys and no role, the identity is the IAM user itself, and its own uploads to those keys cannot be
 * told apart.)
 */
public final class Leftovers {
    private Leftovers() {
    }

    /**
     * Open uploads under {@code folder} whose key {@code ours} accepts (relative to the folder),
     * initiated by Stageway as this connection before {@code before}; aborted unless {@code dryRun}.
     */
    public static List<Leftover> uploads(S3Connection s3, S3Location folder, Predicate<String> ours, Instant before, boolean dryRun) {
        return uploads(s3, folder, openUploads(s3, folder), ours, before, dryRun);
    }

    /**
     * A staging folder's leftovers: open uploads of the names {@code folderOf} knows, as
     * {@link #uploads}, then run folders, as {@link #folders}.
     */
    public static List<Leftover> staging(S3Connection s3, S3Location folder, Function<String, Optional<String>> folderOf, Instant before,
                                         boolean dryRun) {
        List<MultipartUpload> open = openUploads(s3, folder);
        List<Leftover> found = new ArrayList<>(uploads(s3, folder, open, key -> folderOf.apply(key).isPresent(), before, dryRun));
        found.addAll(folders(s3, folder, open, folderOf, before, dryRun));
        return found;
    }

    private static List<MultipartUpload> openUploads(S3Connection s3, S3Location folder) {
        List<MultipartUpload> open = new ArrayList<>();
        try {
            s3.client().listMultipartUploadsPaginator(b -> b.bucket(folder.bucket()).prefix(folder.prefix())).forEach(page ->
                    open.addAll(page.uploads()));
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "list the multipart uploads open under " + folder
                    + " (s3:ListBucketMultipartUploads on the bucket)", s3);
        }
        return open;
    }

    private static List<Leftover> uploads(S3Connection s3, S3Location folder, List<MultipartUpload> open, Predicate<String> ours,
                                          Instant before, boolean dryRun) {
        String caller = CallerIdentity.of(s3.settings(), s3.credentials()).arn();
        List<Leftover> found = new ArrayList<>();
        for (MultipartUpload u : open) {
            String initiator = u.initiator() == null ? "" : String.valueOf(u.initiator().id());
            if (!ours.test(u.key().substring(folder.prefix().length())) || !CallerIdentity.isStageway(caller, initiator)
                    || !u.initiated().isBefore(before)) {
                continue;
            }
            String where = S3Location.url(folder.bucket(), u.key()) + " (upload " + u.uploadId() + ")";
            found.add(remove(s3, "multipart upload", where, u.initiated(), dryRun, "started by " + initiator, () ->
                    s3.client().abortMultipartUpload(b -> b.bucket(folder.bucket()).key(u.key()).uploadId(u.uploadId()))));
        }
        return found;
    }

    /**
     * Folders of objects under {@code folder}: {@code folderOf} names the folder a key (relative
     * to {@code folder}) belongs to, or nothing for a key that is not the connector's. A folder
     * whose last activity (its newest object, an upload started in it) came before {@code before}
     * is deleted, unless {@code dryRun}; a folder with newer activity may belong to a run still
     * going, and is left whole.
     */
    private static List<Leftover> folders(S3Connection s3, S3Location folder, List<MultipartUpload> open,
                                          Function<String, Optional<String>> folderOf, Instant before, boolean dryRun) {
        Map<String, List<S3Object>> folders = new TreeMap<>();
        Map<String, Instant> lastActivity = new TreeMap<>();
        try {
            for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(folder.bucket()).prefix(folder.prefix())).contents()) {
                folderOf.apply(o.key().substring(folder.prefix().length())).ifPresent(f -> {
                    folders.computeIfAbsent(f, x -> new ArrayList<>()).add(o);
                    lastActivity.merge(f, o.lastModified(), (a, b) -> a.isAfter(b) ? a : b);
                });
            }
            for (MultipartUpload u : open) {   // an upload under way counts as activity, whoever started it
                folderOf.apply(u.key().substring(folder.prefix().length()))
                        .ifPresent(f -> lastActivity.merge(f, u.initiated(), (a, b) -> a.isAfter(b) ? a : b));
            }
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "list " + folder, s3);
        }
        List<Leftover> found = new ArrayList<>();
        folders.forEach((name, objects) -> {
            Instant newest = lastActivity.get(name);
            if (!newest.isBefore(before)) {
                return;
            }
            long bytes = objects.stream().mapToLong(S3Object::size).sum();
            found.add(remove(s3, "staging folder", folder + name, newest, dryRun, objects.size() + " objects, " + bytes + " bytes", () -> {
                for (S3Object o : objects) {
                    s3.client().deleteObject(b -> b.bucket(folder.bucket()).key(o.key()));
                }
            }));
        });
        return found;
    }

    private static Leftover remove(S3Connection s3, String kind, String where, Instant created, boolean dryRun, String detail,
                                   Runnable removal) {
        if (dryRun) {
            return new Leftover(kind, where, created, Outcome.FOUND, detail);
        }
        try {
            removal.run();
            return new Leftover(kind, where, created, Outcome.REMOVED, detail);
        } catch (SdkException e) {
            return new Leftover(kind, where, created, Outcome.FAILED, AwsFailures.s3(e, "remove " + where, s3).getMessage());
        }
    }
}
