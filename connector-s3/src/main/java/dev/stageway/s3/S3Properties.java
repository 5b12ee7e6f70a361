package dev.stageway.s3;

import dev.stageway.config.ParsedProperties;
import dev.stageway.csv.ColumnSpec;
import dev.stageway.csv.CsvOptions;
import dev.stageway.s3.transfer.Compression;
import dev.stageway.s3.transfer.CsvObjectReader;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.Glob;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.ObjectOptions.Encryption;
import dev.stageway.s3.transfer.S3Limits;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.aws.AwsProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import dev.stageway.config.PropertyTable;
import dev.stageway.config.PropertyType;
import dev.stageway.config.Rule;
import java.util.List;
import java.util.Optional;

/** Properties of S3 sources and targets; the connection's are {@link AwsProperties#CONNECTION}. */
final class S3Properties {
    private S3Properties() {
    }

    static final String LOCATION = "S3 location";
    static final String TRANSFER = "S3 transfer";
    static final String OUTPUT = "S3 output";

    enum WriteMode { OVERWRITE, FAIL_IF_EXISTS }

    enum OnBadRow { FAIL, SKIP }

    enum DirectCopy { AUTO, OFF }

    public static final PropertyDescriptor<String> FOLDER_PATH = PropertyDescriptor.builder("s3.folder-path", PropertyType.STRING)
            .group(LOCATION).required()
            .doc("Bucket and folder: `bucket/prefix`, `s3://bucket/prefix/`, `https://bucket.s3.<region>.amazonaws.com/prefix/` "
                    + "or `https://s3.<region>.amazonaws.com/bucket/prefix/`. A region in the URL must match `aws.region`.")
            .validator(S3Location::problem)
            .build();

    public static final PropertyDescriptor<String> FILE_PATTERN = PropertyDescriptor.builder("s3.file-pattern", PropertyType.STRING)
            .group(LOCATION).defaultValue("*")
            .doc("Which objects under the folder to read, as a glob on the name below the folder: `*` any run of characters "
                    + "but `/`, `**` any run including `/`, `?` one character. Default: every object directly in the folder.")
            .build();

    public static final PropertyDescriptor<String> COLUMNS = PropertyDescriptor.builder("s3.columns", PropertyType.STRING)
            .group(LOCATION)
            .doc("The objects' columns with their types, such as `id bigint, amount decimal(12,2), created timestamp, note varchar`; "
                    + "types: " + ColumnSpec.TYPES_DOC + ". Values are parsed as Redshift's COPY reads them: ISO dates and "
                    + "timestamps (a space or `T` before the time; a `timestamptz` without an offset is UTC; digits finer than "
                    + "microseconds are refused), booleans as true/false, t/f, yes/no or 1/0, binary as hex, an empty field of a "
                    + "type other than a string as null, and `(n)` lengths in UTF-8 bytes. A value that is not of its type is a "
                    + "bad row (an error naming object, line and column, or skipped with `s3.on-bad-row=skip`). The header must "
                    + "name these columns (case aside), and a table a Redshift load creates gets these types. Default: every "
                    + "column a string, named by the header.")
            .parsedBy(ColumnSpec::parse)
            .build();

    public static final PropertyDescriptor<String> FILE_NAME = PropertyDescriptor.builder("s3.file-name", PropertyType.STRING)
            .group(LOCATION).defaultValue("data.csv")
            .doc("Name of the object written in the folder. With rollover, a sequence number goes before the extension "
                    + "(`data-00001.csv`); with gzip, `.gz` is added unless present.")
            .validator(v -> v.contains("/") || v.isBlank() ? Optional.of("must be a plain object name without '/'") : Optional.empty())
            .build();

    public static final PropertyDescriptor<Compression> SOURCE_COMPRESSION = PropertyDescriptor.builder("s3.compression",
                    PropertyType.oneOf(Compression.class))
            .group(TRANSFER).defaultValue(Compression.AUTO)
            .doc("Compression of the objects read: `auto` decompresses objects whose name ends in `.gz`.")
            .build();

    public static final PropertyDescriptor<Compression> TARGET_COMPRESSION = PropertyDescriptor.builder("s3.compression",
                    PropertyType.oneOf(Compression.class))
            .group(TRANSFER).defaultValue(Compression.NONE)
            .doc("Compression of the objects written: `none` or `gzip` (`auto` means `gzip` when the file name ends in `.gz`).")
            .build();

    public static final PropertyDescriptor<Long> PART_SIZE = PropertyDescriptor.builder("s3.multipart.part-size-bytes",
                    PropertyType.integer(S3Limits.MIN_PART_SIZE, S3Limits.MAX_BUFFERED_PART_SIZE))
            .group(TRANSFER).defaultValue(8L * 1024 * 1024)
            .doc("Size of each uploaded part and of each ranged download, in bytes (S3 minimum 5 MiB). Uploads grow the part "
                    + "size as parts accumulate, so an object never needs more than S3's 10,000 parts.")
            .build();

    public static final PropertyDescriptor<Long> CONCURRENCY = PropertyDescriptor.builder("s3.multipart.concurrency",
                    PropertyType.integer(1, 64))
            .group(TRANSFER).defaultValue(4L)
            .doc("Parts transferred in parallel. Memory used is about part size x (concurrency + 1), whatever the object size.")
            .build();

    public static final PropertyDescriptor<Long> DOWNLOAD_THRESHOLD = PropertyDescriptor.builder(
                    "s3.multipart.download-threshold-bytes", PropertyType.integer(0, Long.MAX_VALUE))
            .group(TRANSFER).defaultValue(10_485_760L)
            .doc("Objects larger than this are read with parallel ranged GETs pinned to the object's ETag; smaller ones "
                    + "with one GET.")
            .build();

    public static final PropertyDescriptor<Long> SPLIT_SIZE = PropertyDescriptor.builder("s3.split-size-bytes",
                    PropertyType.integer(1, Long.MAX_VALUE))
            .group(TRANSFER).defaultValue(128L * 1024 * 1024)
            .doc("About how many bytes of whole objects one split reads; a host reads splits in parallel (`stageway run "
                    + "--parallelism N`, Spark partitions). An object is never cut: a larger one is a split of its own, read "
                    + "with ranged GETs.")
            .build();

    public static final PropertyDescriptor<OnBadRow> ON_BAD_ROW = PropertyDescriptor.builder("s3.on-bad-row",
                    PropertyType.oneOf(OnBadRow.class))
            .group(TRANSFER).defaultValue(OnBadRow.FAIL)
            .doc("What a malformed row does: `fail` stops the run naming the object, line and problem; `skip` counts it as "
                    + "rejected and goes on.")
            .build();

    public static final PropertyDescriptor<Long> ROLLOVER_BYTES = PropertyDescriptor.builder("s3.rollover.max-bytes",
                    PropertyType.integer(0, Long.MAX_VALUE))
            .group(OUTPUT).defaultValue(0L)
            .doc("Start a new object once this many bytes (after compression) are written; 0 means never.")
            .build();

    public static final PropertyDescriptor<Long> ROLLOVER_ROWS = PropertyDescriptor.builder("s3.rollover.max-rows",
                    PropertyType.integer(0, Long.MAX_VALUE))
            .group(OUTPUT).defaultValue(0L)
            .doc("Start a new object once this many rows are written; 0 means never.")
            .build();

    public static final PropertyDescriptor<WriteMode> WRITE_MODE = PropertyDescriptor.builder("s3.write-mode",
                    PropertyType.oneOf(WriteMode.class))
            .group(OUTPUT).defaultValue(WriteMode.OVERWRITE)
            .doc("`overwrite` replaces existing objects of the same name; `fail-if-exists` refuses when one exists: before writing "
                    + "where the identity may look (s3:ListBucket), and in any case S3 publishes the object only if absent.")
            .build();

    public static final PropertyDescriptor<Encryption> ENCRYPTION = PropertyDescriptor.builder("s3.sse",
                    PropertyType.oneOf(Encryption.class))
            .group(OUTPUT).defaultValue(Encryption.NONE)
            .doc("Server-side encryption of written objects: `none` (the bucket's default), `sse-s3` (AES256) or `sse-kms`.")
            .build();

    public static final PropertyDescriptor<String> KMS_KEY = PropertyDescriptor.builder("s3.sse.kms-key-id", PropertyType.STRING)
            .group(OUTPUT)
            .doc("KMS key ID, ARN or alias for `sse-kms`; default: the account's `aws/s3` key.")
            .dependsOn("s3.sse")
            .build();

    public static final PropertyDescriptor<DirectCopy> DIRECT_COPY = PropertyDescriptor.builder("s3.direct-copy",
                    PropertyType.oneOf(DirectCopy.class))
            .group(OUTPUT).defaultValue(DirectCopy.AUTO)
            .doc("`auto` copies inside S3 (UploadPartCopy, no byte through the agent) when the source is one object, or "
                    + "headerless uncompressed objects each but the last at least 5 MiB and ending with a line break (put one "
                    + "after another), whose format (CSV options, compression) is the target's, no rollover would split it, and "
                    + "source and target share a connection, whose identity must read the source and write the target; the run "
                    + "report says "
                    + "`path` and, when the copy was not taken, `pathReason`. Such a copy does not check the rows: `off` streams "
                    + "every row through the agent, as other runs do.")
            .build();

    static final Rule KMS_KEY_NEEDS_KMS = p -> p.isSet(KMS_KEY) && p.get(ENCRYPTION) != Encryption.SSE_KMS
            ? List.of(new Problem(List.of(KMS_KEY.name(), ENCRYPTION.name()), "is only used with s3.sse=sse-kms"))
            : List.of();

    public static final PropertyTable SOURCE = PropertyTable.combine("S3 source",
            PropertyTable.of("S3 source", List.of(FOLDER_PATH, FILE_PATTERN, COLUMNS, SOURCE_COMPRESSION, PART_SIZE, CONCURRENCY,
                    DOWNLOAD_THRESHOLD, SPLIT_SIZE, ON_BAD_ROW), List.of()),
            CsvOptions.TABLE, AwsProperties.ADVANCED);

    public static final PropertyTable TARGET = PropertyTable.combine("S3 target",
            PropertyTable.of("S3 target", List.of(FOLDER_PATH, FILE_NAME, TARGET_COMPRESSION, PART_SIZE, CONCURRENCY,
                    ROLLOVER_BYTES, ROLLOVER_ROWS, WRITE_MODE, ENCRYPTION, KMS_KEY, DIRECT_COPY), List.of(KMS_KEY_NEEDS_KMS)),
            CsvOptions.TABLE, AwsProperties.ADVANCED);

    /** The source its parsed properties describe. */
    static CsvObjectSource source(ParsedProperties p) {
        S3Location location = S3Location.parse(p.get(FOLDER_PATH));
        return new CsvObjectSource(location, Glob.compile(p.get(FILE_PATTERN)), p.get(SPLIT_SIZE),
                new CsvObjectReader.Options(location.bucket(), p.get(SOURCE_COMPRESSION), p.get(PART_SIZE),
                        p.get(CONCURRENCY).intValue(), p.get(DOWNLOAD_THRESHOLD), p.get(ON_BAD_ROW) == OnBadRow.SKIP,
                        "set s3.on-bad-row=skip to skip and count such rows", CsvOptions.from(p),
                        p.find(COLUMNS).map(ColumnSpec::parse).orElse(List.of())), "");
    }

    /** The target its parsed properties describe. */
    static S3Target target(ParsedProperties p) {
        String fileName = p.get(FILE_NAME);
        Compression compression = p.get(TARGET_COMPRESSION);
        boolean gzip = compression == Compression.GZIP || compression == Compression.AUTO && fileName.endsWith(".gz");
        boolean numbered = p.get(ROLLOVER_BYTES) > 0 || p.get(ROLLOVER_ROWS) > 0;
        WriteMode mode = p.get(WRITE_MODE);
        return new S3Target(S3Location.parse(p.get(FOLDER_PATH)), new ObjectNames(fileName, gzip, numbered), gzip,
                p.get(PART_SIZE), p.get(CONCURRENCY).intValue(), p.get(ROLLOVER_BYTES), p.get(ROLLOVER_ROWS),
                mode == WriteMode.FAIL_IF_EXISTS, new ObjectOptions(p.get(ENCRYPTION), p.find(KMS_KEY), mode == WriteMode.FAIL_IF_EXISTS),
                CsvOptions.from(p), p.get(DIRECT_COPY) == DirectCopy.AUTO);
    }
}
