package dev.stageway.redshift;

import dev.stageway.redshift.RedshiftProperties.LoadMode;
import java.util.List;
import java.util.Optional;

/**
 * Everything a Redshift target needs from its properties ({@link RedshiftProperties#target}).
 *
 * @param stagingFiles files each task stages; empty for the cluster's slice count shared among the tasks
 * @param loadLog      the table that records loaded run ids, schema-qualified as the target is
 */
record RedshiftTarget(String table, LoadMode mode, List<String> keys, Optional<String> preSql, Optional<String> postSql,
                      Optional<Integer> stagingFiles, String loadLog) {
}
