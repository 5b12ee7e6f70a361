package dev.stageway.s3;

/**
 * Names of the objects a target writes: the file name, with the task when several tasks write
 * ({@code data-t00003.csv}), numbered when rolling over ({@code data-00001.csv},
 * {@code data-t00003-00001.csv}), with .gz when compressed.
 */
final class ObjectNames {
    private final String stem;
    private final String extension;
    private final boolean numbered;

    ObjectNames(String fileName, boolean gzip, boolean numbered) {
        this(stemOf(gzipName(fileName, gzip)), gzipName(fileName, gzip).substring(stemOf(gzipName(fileName, gzip)).length()),
                numbered);
    }

    private ObjectNames(String stem, String extension, boolean numbered) {
        this.stem = stem;
        this.extension = extension;
        this.numbered = numbered;
    }

    private static String gzipName(String fileName, boolean gzip) {
        return gzip && !fileName.endsWith(".gz") ? fileName + ".gz" : fileName;
    }

    private static String stemOf(String name) {
        int dot = name.indexOf('.', 1);
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** The names of task {@code task}'s objects, when several tasks write. */
    ObjectNames forTask(int task) {
        return new ObjectNames(String.format("%s-t%05d", stem, task), extension, numbered);
    }

    /**
     * Whether {@code name} is one a write with these names could give any of its objects: of any
     * task, numbered or not (a later run may have rolled over where this one would not).
     */
    boolean couldBe(String name) {
        return java.util.regex.Pattern.matches(java.util.regex.Pattern.quote(stem) + "(-t\\d{5})?(-\\d{5})?"
                + java.util.regex.Pattern.quote(extension), name);
    }

    /** The name of object {@code sequence} (from 1). */
    String name(int sequence) {
        return numbered ? String.format("%s-%05d%s", stem, sequence, extension) : stem + extension;
    }
}
