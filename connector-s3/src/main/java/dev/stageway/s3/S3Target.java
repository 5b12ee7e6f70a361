package dev.stageway.s3;

import dev.stageway.csv.CsvOptions;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.S3Location;

/**
 * Everything an S3 target needs from its properties ({@link S3Properties#target}).
 *
 * @param failIfExists refuse to replace an object (s3.write-mode=fail-if-exists)
 * @param directCopy   a copy inside S3 may be offered (s3.direct-copy=auto)
 */
record S3Target(S3Location location, ObjectNames names, boolean gzip, long partSize, int concurrency, long rolloverBytes,
                long rolloverRows, boolean failIfExists, ObjectOptions objects, CsvOptions csv, boolean directCopy) {
}
