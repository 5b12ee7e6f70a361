package dev.stageway.redshift;

import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.AwsRegions;
import dev.stageway.aws.S3Connection;
import dev.stageway.csv.CsvOptions;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.StoredObjectChecks;
import dev.stageway.spi.Direct;
import dev.stageway.spi.StoredObjects;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/**
 * The Redshift target's direct path: one COPY straight from the source's CSV objects, named in a
 * manifest of exactly the listed ones, inside the load transaction the staged path runs. Taken only
 * where COPY reads the objects as the S3 source would read them; each object's first line (when the
 * path is chosen) and every ETag (before COMMIT) are checked by the write ({@link RedshiftWrite}), as
 * COPY checks neither.
 */
final class DirectLoad {
    static final String PATH = "direct-load";

    private DirectLoad() {
    }

    /**
     * Whether COPY can load {@code objects} as the streamed path would, or why not.
     *
     * @param tableExists whether the table is there: the streamed path creates a missing one with
     *                    widths it measures on the rows, which a direct load never sees
     */
    static Direct<String> offer(RedshiftTarget target, boolean tableExists, boolean iamRole, Map<String, String> targetConnection,
                                StoredObjects objects, Map<String, String> sourceConnection) {
        if (target.directLoad() == RedshiftProperties.DirectLoad.OFF) {
            return Direct.refused("redshift.direct-load=off");
        }
        Map<String, String> format = objects.format();
        if (!StandardCharsets.UTF_8.name().equals(format.get(CsvOptions.ENCODING.name()))) {
            return Direct.refused("COPY reads UTF-8; the source's csv.encoding is " + format.get(CsvOptions.ENCODING.name()));
        }
        for (var option : List.of(CsvOptions.DELIMITER, CsvOptions.QUOTE)) {
            char c = format.get(option.name()).charAt(0);
            if (c > 0x7e || c == '\\') {
                return Direct.refused("COPY takes an ASCII " + option.name() + " other than a backslash only");
            }
        }
        if (objects.columns().size() < 2) {
            // A blank line is a null in a one-column object, and no row in a wider one; COPY has no such rule.
            return Direct.refused("the objects have one column, whose blank lines the S3 source reads as nulls");
        }
        if (format.get(CsvOptions.NULL_VALUE.name()).isEmpty()) {
            // Staged files quote every string and mark nulls \N, so they rely on a quoted value never being NULL AS;
            // with NULL AS '' a quoted "" would rely on it for every empty string, which no Redshift documentation states.
            return Direct.refused("csv.null-value is empty: whether COPY's NULL AS '' also reads a quoted \"\" as null is not "
                    + "documented, and the S3 source reads it as an empty string; a csv.null-value that marks nulls (such as NULL) "
                    + "lets COPY tell them apart");
        }
        boolean header = Boolean.parseBoolean(format.get(CsvOptions.HEADER.name()));
        if (header && objects.columns().stream().anyMatch(c -> c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0)) {
            return Direct.refused("the header spans lines, and COPY's IGNOREHEADER skips one line");
        }
        if (!tableExists) {
            return Direct.refused("the table does not exist yet; the streamed path creates it, sized from the rows");
        }
        if (iamRole && target.directLoad() == RedshiftProperties.DirectLoad.AUTO) {
            return Direct.refused("with redshift.copy-auth=iam-role COPY would read the objects as the cluster's role, which may not "
                    + "read the source folder; redshift.direct-load=on loads them directly once it does");
        }
        if (!iamRole && !AwsProperties.sameConnection(sourceConnection, targetConnection)) {
            return Direct.refused("the source and the target have different connections; COPY reads the manifest and the objects "
                    + "with one identity's temporary credentials");
        }
        if (!region(sourceConnection).equals(region(targetConnection))) {
            return Direct.refused("the source is in another region than the cluster's staging path; one COPY reads one region");
        }
        return Direct.of(PATH);
    }

    private static Region region(Map<String, String> connection) {
        return AwsRegions.parse(AwsProperties.CONNECTION.parse(AwsProperties.CONNECTION.select(connection)).get(AwsProperties.REGION));
    }

    /** COPY's format options for objects in {@code format} (a {@link StoredObjects#format()}). */
    static String format(Map<String, String> format) {
        boolean header = Boolean.parseBoolean(format.get(CsvOptions.HEADER.name()));
        return "FORMAT AS CSV DELIMITER " + RedshiftStatements.literal(format.get(CsvOptions.DELIMITER.name()))
                + " QUOTE AS " + RedshiftStatements.literal(format.get(CsvOptions.QUOTE.name()))
                + " NULL AS " + RedshiftStatements.literal(format.get(CsvOptions.NULL_VALUE.name()))
                + (header ? " IGNOREHEADER 1" : "") + (CsvOptions.gzip(format) ? " GZIP" : "")
                + " IGNOREBLANKLINES";
    }

    /** Fails the load when a source object changed since it was listed: COPY may have read rows that were never listed. */
    static void checkUnchanged(S3Connection source, StoredObjects objects, String table) {
        List<String> changed = StoredObjectChecks.changed(source, objects);
        if (!changed.isEmpty()) {
            throw new StagewayException(ErrorKind.DATA, false, "Cannot load into " + table + ": " + changed.size() + " of the "
                    + "source's objects changed or went since they were listed (" + S3Location.url(objects.bucket(), changed.get(0))
                    + (changed.size() > 1 ? ", ..." : "") + "), so COPY may have read other rows than those listed. Nothing was "
                    + "loaded; the table is unchanged.", null);
        }
    }

    /** The manifest's files: each listed object, with its size. */
    static List<RedshiftWrite.ManifestEntry> entries(StoredObjects objects) {
        return objects.objects().stream().map(o -> new RedshiftWrite.ManifestEntry(S3Location.url(objects.bucket(), o.get("key")),
                Long.parseLong(o.get("size")))).toList();
    }
}
