package dev.stageway.spi.bench;

import java.util.List;
import java.util.Map;

/**
 * The plugin's side of the staging benchmark, found with {@link java.util.ServiceLoader} in the
 * plugin's class loader: the rows it measures with, and one timed staging of them as a Redshift
 * load stages them. JDK types only. Not an API for loading data: the connectors are.
 */
public interface StagingBench {

    /** {@code count} rows of ten mixed columns, the same on every call. */
    List<Object[]> rows(int count);

    /** The gzip level staging uses, for a baseline that compresses the same way. */
    int gzipLevel();

    /**
     * Stages {@code rows} into {@code files} files under the folder, then removes them.
     *
     * @return seconds and the CSV bytes staged (before compression)
     */
    double[] staging(Map<String, String> connection, String stagingFolder, List<Object[]> rows, int files) throws Exception;
}
