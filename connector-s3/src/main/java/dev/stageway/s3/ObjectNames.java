package dev.stageway.s3;

/** Names of the objects a target writes: the file name, numbered when rolling over, with .gz when compressed. */
final class ObjectNames {
    private final String stem;
    private final String extension;
    private final boolean numbered;

    ObjectNames(String fileName, boolean gzip, boolean numbered) {
        String name = gzip && !fileName.endsWith(".gz") ? fileName + ".gz" : fileName;
        int dot = name.indexOf('.', 1);
        this.stem = dot < 0 ? name : name.substring(0, dot);
        this.extension = dot < 0 ? "" : name.substring(dot);
        this.numbered = numbered;
    }

    /** The name of object {@code sequence} (from 1). */
    String name(int sequence) {
        return numbered ? String.format("%s-%05d%s", stem, sequence, extension) : stem + extension;
    }
}
