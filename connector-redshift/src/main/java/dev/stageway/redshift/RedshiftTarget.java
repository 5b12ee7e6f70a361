package dev.stageway.redshift;

import dev.stageway.redshift.RedshiftProperties.LoadMode;
import dev.stageway.s3.transfer.S3Location;
import java.util.List;
import java.util.Optional;

/**
 * Everything a Redshift target needs from its properties ({@link RedshiftProperties#target}).
 *
 * @param stagingFiles files each task stages; empty for the cluster's slice count shared among the tasks
 * @param loadLog      the table that records loaded run ids, schema-qualified as the target is
 * @param maxRejected  rows COPY may reject (MAXERROR)
 * @param rejectedPath where all rejected rows are written, if anywhere
 * @param truncate     whether strings too long for their column are cut to it (TRUNCATECOLUMNS)
 * @param directLoad   when CSV objects of a source are loaded by COPY straight from them (redshift.direct-load)
 */
record RedshiftTarget(String table, LoadMode mode, List<String> keys, Optional<String> preSql, Optional<String> postSql,
                      Optional<Integer> stagingFiles, String loadLog, int maxRejected, Optional<S3Location> rejectedPath,
                      boolean truncate, RedshiftProperties.DirectLoad directLoad) {
}
