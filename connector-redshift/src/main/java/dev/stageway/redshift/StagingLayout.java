package dev.stageway.redshift;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where runs put their files under the staging path, in one place: each run has a folder; a
 * load's files go in {@code load/<write id>/} (its manifest, and a folder of part files per task
 * attempt), UNLOAD's in {@code unload/}, the connection check's probe in {@code check/}. What
 * {@code stageway cleanup} recognises as a run's is these same shapes.
 */
final class StagingLayout {
    private StagingLayout() {
    }

    static final String LOAD = "load/";
    static final String UNLOAD = "unload/";
    static final String CHECK = "check/";
    static final String MANIFEST = "manifest.json";
    /** The connection check's dry-run COPY: an empty staged file and its manifest, in the check folder. */
    static final String DRY_RUN_FILE = "dry-run.csv.gz";
    static final String DRY_RUN_MANIFEST = "dry-run.manifest";

    private static final String RUN = "[A-Za-z0-9._-]+/";
    private static final String WRITE_ID = "[0-9a-f]{8}";

    /** A run's folder name: its id with what S3 keys should not hold replaced. */
    static String runFolder(String runId) {
        return runId.replaceAll("[^A-Za-z0-9._-]", "-") + "/";
    }

    static String loadFolder(String writeId) {
        return LOAD + writeId + "/";
    }

    static String taskFolder(int task, int attempt) {
        return String.format("t%05d-a%d/", task, attempt);
    }

    /** Part file {@code n} (from 1) of a task attempt. Task and part numbers have five digits, or more (a Spark job's many partitions). */
    static String partFile(int n) {
        return String.format("part-%05d.csv.gz", n);
    }

    /** A staged part file's task and part number, in a file URL or key. */
    static final Pattern PART = Pattern.compile("/t(\\d{5,})-a(\\d+)/part-(\\d{5,})\\.csv\\.gz$");

    /**
     * Everything above, relative to the staging path; group 1, 3 or 4 is the folder one run's use
     * made. UNLOAD names its files {@code <nnnn>_part_<nn>} (with the format's extension) and
     * {@code manifest}.
     */
    private static final Pattern STAGED = Pattern.compile("(" + RUN + LOAD + WRITE_ID + "/)(" + Pattern.quote(MANIFEST)
            + "|t\\d{5,}-a\\d+/part-\\d{5,}\\.csv\\.gz)|(" + RUN + UNLOAD + ")(\\d{4}_part_\\d{2}(\\.[a-z0-9]+)*|manifest)|(" + RUN + CHECK
            + ")(\\.stageway-check-[A-Za-z0-9._-]+|" + Pattern.quote(DRY_RUN_FILE) + "|" + Pattern.quote(DRY_RUN_MANIFEST) + ")");

    /** The run's folder a key under the staging path (relative to it) belongs to; empty for a key no run made. */
    static Optional<String> folderOf(String relativeKey) {
        Matcher m = STAGED.matcher(relativeKey);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(6));
    }
}
