package dev.stageway.spi;

import java.util.List;

/**
 * A source, planned: the schema of its records and the splits that together hold them. Planning
 * may create things the splits read (Redshift UNLOADs the query at planning); closing the plan
 * removes them, so a host closes it once every split has been read, or given up.
 */
public interface SourcePlan extends AutoCloseable {

    /** The schema of every split's records; no columns when the source holds nothing. */
    Schema schema();

    /** The splits, in source order; empty when the source holds nothing. */
    List<Split> splits();

    /** What planning did, for the host's report (objects listed, rows unloaded, STS calls). */
    RunSummary summary();

    /**
     * The source as the stored objects its splits read, for a target that can take them as they
     * are; or why it cannot be taken so (records it would validate, convert or skip on the way).
     */
    default Direct<StoredObjects> storedObjects() {
        return Direct.refused("the source is not read from stored objects");
    }

    /** Removes what planning created; after it the splits cannot be read. */
    @Override
    void close();
}
