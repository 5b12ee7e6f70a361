package dev.stageway.redshift;

import dev.stageway.aws.AwsFailures;
import dev.stageway.aws.AwsProperties;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.Backoff;
import dev.stageway.aws.S3Connection;
import dev.stageway.config.ParsedProperties;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.redshift.RedshiftProperties.LoadMode;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.S3Location;
import dev.stageway.s3.transfer.StoredObjectChecks;
import dev.stageway.spi.Column;
import dev.stageway.spi.CommitMessage;
import dev.stageway.spi.Direct;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.RunSummary;
import dev.stageway.spi.Schema;
import dev.stageway.spi.StoredObjects;
import dev.stageway.spi.TargetWrite;
import dev.stageway.spi.TaskWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Loads records into a Redshift table. Task writers stage gzip CSV files in S3, each attempt in a
 * folder of its own; the commit writes one manifest of exactly the files the messages name, then
 * one transaction runs pre-SQL, creates the table when missing, COPYs (into a temporary staging
 * table for upsert and delete), applies the load mode, runs post-SQL and records the run id in the
 * load log, which it checked first: a run already loaded loads nothing. COPY may skip up to
 * redshift.max-rejected-rows rejected rows, which are reported (and written to
 * redshift.rejected-rows-path); any failure rolls all of it back, so the table is exactly as it
 * was, and names the rejected record's task, file, line, column and reason ({@link LoadErrors}).
 * Afterwards everything staged for the run is removed.
 */
final class RedshiftWrite implements TargetWrite {
    private static final Logger LOG = LoggerFactory.getLogger(RedshiftWrite.class);
    static final long PART_SIZE = 8L * 1024 * 1024;
    static final int CONCURRENCY = 4;
    /** Default staged files at most: one per slice, but each filling file may hold a part (8 MiB) of memory. */
    static final int DEFAULT_FILES_CAP = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Keys of {@link #taskPlan()}. */
    private static final String PLAN_WRITE_ID = "write-id";
    private static final String PLAN_FILES = "files";
    private static final String PLAN_TRUNCATE = "truncate";
    private static final String PLAN_WIDTHS = "widths";

    private final RedshiftConnection cluster;
    private final RedshiftTarget options;
    private final Schema schema;
    private final String runId;
    /** Files each task stages. */
    private final int files;
    /** How long each column's staged strings may be. */
    private final StagingFiles.Widths widths;
    /** Whether the database has STL views (a provisioned cluster) or only SYS ones (Serverless). */
    private final boolean provisioned;
    private final List<TaskWriter> writers = new ArrayList<>();
    private final RunContext context;
    /** The connection's AWS properties, which a direct load compares with the source's. */
    private final Map<String, String> awsConnection;
    /** Whether the table was there when the write opened. */
    private final boolean tableExisted;
    /** This write's folder below the run's: a coordinator retried with the run id while the first lives never shares files. */
    private final String writeId = newWriteId();
    private volatile boolean done;

    RedshiftWrite(RedshiftConnection cluster, Map<String, String> connection, RedshiftTarget options, Schema schema, RunContext context) {
        this.cluster = cluster;
        this.awsConnection = AwsProperties.CONNECTION.select(connection);
        this.options = options;
        this.schema = schema;
        this.context = context;
        this.runId = context.runId();
        try (Connection c = cluster.jdbc()) {
            checkStagingAccess();
            RedshiftConnection.Catalog catalog = cluster.catalog(c);
            int slices = Math.min(catalog.slices(), DEFAULT_FILES_CAP);
            this.files = options.stagingFiles().orElse(Math.max(1, (slices + context.tasks() - 1) / context.tasks()));
            this.provisioned = catalog.provisioned();
            // Each string column's width: the existing table's VARCHAR or CHAR, else what a table the load creates will have.
            List<Column> existing = DryRunCopy.columns(c, options.table());
            this.tableExisted = !existing.isEmpty();
            this.widths = StagingFiles.Widths.of(schema, existing, options.truncate());
        } catch (SQLException e) {
            cluster.close();
            throw database("read the cluster's slices and the table's columns", e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static String newWriteId() {
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /** Where this write's staged files go: the manifest, and a folder per task attempt below it. */
    private S3Location loadFolder() {
        return cluster.stagingFolder(runId, StagingLayout.loadFolder(writeId));
    }

    /** Fails before any record is staged when the connection's identity cannot use the staging folder. */
    private void checkStagingAccess() {
        var folder = loadFolder();
        try {
            cluster.s3().client().listObjectsV2(b -> b.bucket(folder.bucket()).prefix(folder.prefix()).maxKeys(1));
        } catch (SdkException e) {
            throw new StagewayException(ErrorKind.AUTHENTICATION, false, "Cannot use the staging folder " + folder + " (redshift."
                    + "staging-path) as " + cluster.s3().identityArn().orElse(cluster.s3().credentials().strategy().describe())
                    + ": " + e.getMessage(), null);
        }
    }

    @Override
    public synchronized TaskWriter writerFor(int task, int attempt) {
        checkOpen();
        TaskWriter writer = taskWriter(context, cluster.aws(), loadFolder(), cluster.stagingObjects(), schema, widths, files, task, attempt);
        writers.add(writer);
        return writer;
    }

    /** A task attempt's writer, staging into its own folder below the write's {@code loadFolder}. */
    private static TaskWriter taskWriter(RunContext context, AwsSettings aws, S3Location loadFolder, ObjectOptions objects, Schema schema,
                                         StagingFiles.Widths widths, int files, int task, int attempt) {
        return new RedshiftTaskWriter(S3Connection.open(context, aws, CONCURRENCY), loadFolder.child(StagingLayout.taskFolder(task, attempt)),
                schema, widths, objects, files, task, attempt);
    }

    /** This write's folder, how many files each task stages, and how wide each string column may be. */
    @Override
    public Map<String, String> taskPlan() {
        return Map.of(PLAN_WRITE_ID, writeId, PLAN_FILES, Integer.toString(files), PLAN_TRUNCATE, Boolean.toString(widths.truncate()),
                PLAN_WIDTHS, Arrays.stream(widths.bytes()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    }

    /**
     * A task attempt's writer in a process other than its coordinator's, from the coordinator's
     * {@link #taskPlan()}: it stages through an S3 connection of its own into the coordinator's folder.
     */
    static TaskWriter taskWriter(RunContext context, Map<String, String> connection, Map<String, String> target, Schema schema,
                                 Map<String, String> plan, int task, int attempt) {
        for (String key : List.of(PLAN_WRITE_ID, PLAN_FILES, PLAN_TRUNCATE, PLAN_WIDTHS)) {
            if (plan.get(key) == null) {
                throw new IllegalArgumentException("Cannot stage with a task plan without " + key + ": give the coordinator's taskPlan()");
            }
        }
        int[] widths = plan.get(PLAN_WIDTHS).isEmpty() ? new int[0]
                : Arrays.stream(plan.get(PLAN_WIDTHS).split(",")).mapToInt(Integer::parseInt).toArray();
        if (widths.length != schema.size()) {
            throw new IllegalArgumentException("Cannot stage " + schema.size() + " columns with a task plan for " + widths.length);
        }
        ParsedProperties p = RedshiftProperties.CONNECTION.parse(connection);
        S3Location loadFolder = RedshiftConnection.stagingFolder(S3Location.parse(p.get(RedshiftProperties.STAGING_PATH)), context.runId(),
                StagingLayout.loadFolder(plan.get(PLAN_WRITE_ID)));
        return taskWriter(context, CsvObjectSource.settings(context, connection, target), loadFolder, RedshiftConnection.stagingObjects(p),
                schema, new StagingFiles.Widths(widths, Boolean.parseBoolean(plan.get(PLAN_TRUNCATE))), Integer.parseInt(plan.get(PLAN_FILES)),
                task, attempt);
    }

    @Override
    public synchronized RunSummary commit(List<CommitMessage> messages) {
        checkOpen();
        done = true;
        // Writers that never prepared have nothing to load: their files go (the folder is swept after the load anyway).
        writers.forEach(w -> w.abort(null));
        List<CommitMessage> ordered = messages.stream().sorted(Comparator.comparingInt(CommitMessage::task)).toList();
        boolean succeeded = false;
        try {
            CommitMessage.checkOneAttemptPerTask(ordered);
            List<ManifestEntry> entries = ordered.stream().flatMap(m -> m.items().stream())
                    .map(f -> new ManifestEntry(f.get("url"), Long.parseLong(f.get("bytes")))).toList();
            Optional<Loaded> loaded = load(new LoadInput(writeManifest(entries), RedshiftStatements.STAGED_FORMAT, ordered, false,
                    () -> { }));
            succeeded = true;
            RunSummary staged = ordered.stream().map(CommitMessage::summary).reduce(RunSummary.EMPTY, RunSummary::plus);
            if (loaded.isEmpty()) {
                return alreadyLoaded();
            }
            List<LoadErrors.Rejection> rejected = loaded.get().rejected();
            // Staged and not loaded: what COPY rejected, whatever its system views show.
            long rejectedRows = options.maxRejected() > 0 ? Math.max(0, staged.rows() - loaded.get().rows()) : 0;
            long truncated = ordered.stream().mapToLong(m -> Long.parseLong(m.attributes().getOrDefault("truncated", "0"))).sum();
            Map<String, Long> details = new TreeMap<>(Map.of("files staged", staged.details().getOrDefault("files staged", 0L),
                    "tasks", (long) messages.size(), "rows loaded", loaded.get().rows(),
                    "sts calls", staged.details().getOrDefault("sts calls", 0L) + cluster.s3().credentials().stsCalls()));
            if (options.truncate()) {
                details.put("values truncated", truncated);
            }
            return new RunSummary(loaded.get().rows(), rejectedRows, staged.bytes(), details,
                    rejected.stream().map(LoadErrors.Rejection::row).toList());
        } finally {
            if (succeeded || !cluster.keepStagingOnFailure()) {
                removeStaged(ordered);
            } else {
                LOG.warn("Load into {} failed; staged files kept in {}", options.table(), loadFolder());
            }
            cluster.close();
        }
    }

    /**
     * A direct load where {@link DirectLoad#offer} allows one and every object's first line reads
     * as the S3 source reads it: COPY skips each header unread and ends lines at LF alone.
     */
    @Override
    public Direct<String> directPath(StoredObjects objects, Map<String, String> sourceConnection) {
        Direct<String> offer = DirectLoad.offer(options, tableExisted, cluster.copiesWithIamRole(), awsConnection, objects, sourceConnection);
        if (offer.value().isEmpty()) {
            return offer;
        }
        try (S3Connection source = openSource(sourceConnection, FIRST_LINES_AT_ONCE)) {
            return StoredObjectChecks.firstLines(source, objects, FIRST_LINES_AT_ONCE).map(Direct::<String>refused).orElse(offer);
        }
    }

    /** First lines read at once: each is one small GET, so latency, not bandwidth, bounds them. */
    private static final int FIRST_LINES_AT_ONCE = 16;

    private S3Connection openSource(Map<String, String> connection, int concurrency) {
        return S3Connection.open(context, CsvObjectSource.settings(context, connection, Map.of()), concurrency);
    }

    /**
     * Loads the source's objects by one COPY from a manifest of them, in the load transaction
     * {@link #commit} runs; just before COMMIT every ETag is compared with the listed one, as COPY
     * reads whatever the objects hold when it runs. Only the manifest is staged, and it goes
     * afterwards.
     */
    @Override
    public synchronized RunSummary commitDirect(StoredObjects objects, Map<String, String> sourceConnection) {
        checkOpen();
        done = true;
        writers.forEach(w -> w.abort(null));
        try (S3Connection source = openSource(sourceConnection, 1)) {
            Optional<Loaded> loaded = load(new LoadInput(writeManifest(DirectLoad.entries(objects)), DirectLoad.format(objects.format()),
                    List.of(), true, () -> DirectLoad.checkUnchanged(source, objects, options.table())));
            if (loaded.isEmpty()) {
                return alreadyLoaded();
            }
            List<LoadErrors.Rejection> rejected = loaded.get().rejected();
            return new RunSummary(loaded.get().rows(), rejected.size(), objects.bytes(), Map.of("objects", (long) objects.objects().size(),
                    "rows loaded", loaded.get().rows(), "sts calls", source.credentials().stsCalls() + cluster.s3().credentials().stsCalls()),
                    rejected.stream().map(LoadErrors.Rejection::row).toList());
        } finally {
            removeStaged(List.of());
            cluster.close();
        }
    }

    /** A load whose run the load log already holds. */
    private RunSummary alreadyLoaded() {
        LOG.info("Run {} was already loaded into {}; nothing was loaded again", runId, options.table());
        return new RunSummary(0, 0, 0, Map.of(RunSummary.ALREADY_COMMITTED, 1L));
    }

    /** A file a manifest names: its URL and size in bytes. */
    record ManifestEntry(String url, long bytes) {
    }

    /** One manifest of exactly these files, all mandatory; returns its URL. */
    private String writeManifest(List<ManifestEntry> files) {
        StringBuilder manifest = new StringBuilder("{\"entries\":[");
        String separator = "";
        for (ManifestEntry file : files) {
            manifest.append(separator).append("{\"url\":");
            jsonString(manifest, file.url());
            manifest.append(",\"mandatory\":true,\"meta\":{\"content_length\":").append(file.bytes()).append("}}");
            separator = ",";
        }
        manifest.append("]}");
        S3Location folder = loadFolder();
        String url = folder.url(StagingLayout.MANIFEST);
        try {
            cluster.putObject(folder, folder.key(StagingLayout.MANIFEST), RequestBody.fromString(manifest.toString()));
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "write the load manifest " + url, cluster.s3());
        }
        return url;
    }

    /** {@code text} as a JSON string: a source object's key may hold quotes, backslashes and control characters. */
    private static void jsonString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        out.append('"');
    }

    /** The longest staged value of each string column over every task. */
    private int[] maxStringBytes(List<CommitMessage> messages) {
        int[] longest = new int[schema.size()];
        for (CommitMessage m : messages) {
            for (int c = 0; c < longest.length; c++) {
                longest[c] = Math.max(longest[c], Integer.parseInt(m.attributes().getOrDefault("longest." + c, "0")));
            }
        }
        return longest;
    }

    /** Attempts of the load transaction, and the pauses between them. */
    static final Backoff LOAD_ATTEMPTS = new Backoff(4, Duration.ofSeconds(1), Duration.ofSeconds(15));

    /**
     * What a load transaction COPYs: the manifest, its files' format (COPY's options), the messages
     * of the tasks that staged them (none for a direct load, which loads a source's own objects and
     * creates no table), and a check run just before COMMIT, whose failure rolls the load back.
     */
    private record LoadInput(String manifest, String format, List<CommitMessage> messages, boolean direct, Runnable beforeCommit) {
    }

    /** What a load transaction did: the rows COPY loaded, and those it rejected (within redshift.max-rejected-rows). */
    record Loaded(long rows, List<LoadErrors.Rejection> rejected) {
    }

    /**
     * The whole load in one transaction; what it did, or empty when the run was already loaded. A
     * transaction that failed in a way Redshift asks to retry (serializable isolation error 1023),
     * or whose connection was lost before it committed, runs again from the start with the same
     * staged files and manifest, after a pause.
     */
    private Optional<Loaded> load(LoadInput input) {
        createLoadLog();
        Loaded lostCommit = null;   // what an attempt whose connection was lost during its COMMIT did
        for (int attempt = 1; ; attempt++) {
            logRead = false;
            try {
                Optional<Loaded> loaded = loadOnce(input);
                if (loaded.isEmpty() && lostCommit != null) {
                    // Found recorded by this very commit: the lost COMMIT had been carried out.
                    LOG.warn("The connection was lost while the load into {} committed; the load log shows it did", options.table());
                    return Optional.of(lostCommit);
                }
                return loaded;
            } catch (Retry retry) {
                if (retry.step.equals("commit") && connectionLost(retry.cause)) {
                    lostCommit = retry.loaded;
                }
                if (!LOAD_ATTEMPTS.another(attempt) || !LOAD_ATTEMPTS.pause(attempt)) {
                    throw lostCommit != null ? outcomeUnknown(retry.cause.getMessage())
                            : database(retry.step + " of the load into " + options.table() + " (rolled back; the table is unchanged) "
                            + "after " + attempt + " attempts", retry.cause);
                }
                LOG.warn("The load into {} failed at {} ({}); running it again with the same staged files, attempt {} of {}",
                        options.table(), retry.step, SqlRedactor.redact(retry.cause.getMessage()), attempt + 1, LOAD_ATTEMPTS.attempts());
            } catch (StagewayException e) {
                // Failed before reading the load log since a COMMIT was lost: what that COMMIT did stays unknown.
                throw lostCommit != null && !logRead ? outcomeUnknown(e.getMessage()) : e;
            }
        }
    }

    /** Whether the current attempt has read the load log (after a lost COMMIT, it then knows what that COMMIT did). */
    private boolean logRead;

    /**
     * A COMMIT whose connection was lost, and no later attempt could read the load log: the load may
     * or may not have happened, and saying either would be a guess.
     */
    private StagewayException outcomeUnknown(String cause) {
        return new StagewayException(ErrorKind.DATABASE, false, "The connection was lost while the load into " + options.table()
                + " committed, and the load log " + options.loadLog() + " could not be read since, so whether run " + runId
                + " loaded is unknown: a row with that run_id in the load log means it did. Running the mapping again with --run-id "
                + runId + " loads only if it did not. (" + SqlRedactor.redact(cause) + ")", null);
    }

    /** A load transaction that may succeed if run again; {@code loaded}, what it did before it failed (null before COPY). */
    private static final class Retry extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String step;
        final SQLException cause;
        final transient Loaded loaded;

        Retry(String step, SQLException cause, Loaded loaded) {
            super(step, cause, false, false);
            this.step = step;
            this.cause = cause;
            this.loaded = loaded;
        }
    }

    /** In a transaction of its own, and only when missing: CREATE needs a privilege on the schema that later loads need not have. */
    private void createLoadLog() {
        try (Connection c = cluster.jdbc(); Statement s = c.createStatement()) {
            if (!tableExists(c, options.loadLog())) {
                s.execute(RedshiftStatements.createLoadLog(options.loadLog()));
            }
        } catch (SQLException e) {
            throw database("create the load log " + options.loadLog(), e);
        }
    }

    private Optional<Loaded> loadOnce(LoadInput input) {
        List<CommitMessage> messages = input.messages();
        String step = "connect";
        Loaded loaded = null;
        long copyBefore = -1;
        Optional<String> rejectedFile = Optional.empty();
        Connection connection;
        try {
            connection = cluster.jdbc();
        } catch (StagewayException e) {
            if (e.retriable()) {   // the cluster unreachable for now, not a refused login
                throw new Retry(step, new SQLException(e.getMessage(), "08001"), loaded);
            }
            throw e;
        }
        try (Connection c = connection) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                step = "lock the load log " + options.loadLog();
                // First in the transaction, so its snapshot follows the lock: loads sharing the log commit one after
                // another (a retried commit of the same run waits, then finds it recorded) instead of failing with
                // Redshift's serializable-isolation error 1023.
                s.execute("LOCK " + options.loadLog());
                boolean recorded = loadedBefore(c);
                logRead = true;
                if (recorded) {
                    c.rollback();
                    return Optional.empty();
                }
                if (tableExists(c, options.table())) {
                    step = "lock the table";
                    // Before anything reads it: concurrent writers of the table wait here rather than fail with 1023 later.
                    s.execute("LOCK " + options.table());
                }
                if (options.preSql().isPresent()) {
                    step = "run redshift.pre-sql";
                    s.execute(options.preSql().get());
                }
                if (!tableExists(c, options.table())) {   // pre-sql may have made or dropped it
                    if (input.direct()) {
                        throw new StagewayException(ErrorKind.DATABASE, false, "Cannot load into " + options.table() + ": the table "
                                + "is gone (dropped by redshift.pre-sql?), and a direct load creates no table: its VARCHAR widths come "
                                + "from the rows, which it never sees. Set redshift.direct-load=off. Nothing was loaded.", null);
                    }
                    step = "create the table";
                    s.execute(RedshiftStatements.createTable(options.table(), schema, maxStringBytes(messages)));
                }
                String stage = "stageway_stage_" + Integer.toHexString(runId.hashCode());
                String into = options.table();
                if (options.mode() == LoadMode.UPSERT || options.mode() == LoadMode.DELETE) {
                    step = "create the staging table";
                    s.execute(RedshiftStatements.createStage(stage, options.table()));
                    into = stage;
                }
                if (options.mode() == LoadMode.TRUNCATE) {
                    step = "empty the table";
                    s.execute(RedshiftStatements.deleteAll(options.table()));
                }
                copyBefore = lastCopyId(c);
                step = "COPY";
                long copied = s.executeLargeUpdate(RedshiftStatements.copy(into, schema, input.manifest(), cluster.authorization(),
                        cluster.region(), input.format(), options.maxRejected(), options.truncate()));
                loaded = new Loaded(copied, List.of());
                if (options.maxRejected() > 0) {
                    step = "read the rows COPY rejected";
                    loaded = new Loaded(copied, LoadErrors.ofQuery(c, provisioned, lastCopyId(c), (file, line) -> recordOf(file, line,
                            messages)));
                }
                if (options.mode() == LoadMode.UPSERT || options.mode() == LoadMode.DELETE) {
                    step = "delete the matching rows";
                    s.execute(RedshiftStatements.deleteMatching(options.table(), stage, options.keys()));
                }
                if (options.mode() == LoadMode.UPSERT) {
                    step = "insert the staged rows";
                    s.execute(RedshiftStatements.insertFromStage(options.table(), stage, schema));
                }
                if (options.postSql().isPresent()) {
                    step = "run redshift.post-sql";
                    s.execute(options.postSql().get());
                }
                step = "record the run in " + options.loadLog();
                record(c, copied);
                if (!loaded.rejected().isEmpty() && options.rejectedPath().isPresent()) {
                    step = "write the rejected rows";
                    rejectedFile = Optional.of(writeRejected(options.rejectedPath().get(), loaded.rejected()));
                }
                step = "check what was loaded";
                input.beforeCommit().run();
                step = "commit";
                c.commit();
                return Optional.of(loaded);
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                boolean mayHaveCommitted = step.equals("commit") && e instanceof SQLException lost && connectionLost(lost);
                if (!mayHaveCommitted) {
                    rejectedFile.ifPresent(this::removeRejected);
                }
                if (!(e instanceof SQLException)) {
                    throw (RuntimeException) e;
                }
                // Lost during COMMIT, the transaction may have committed: the next attempt asks the load log first.
                SQLException sql = (SQLException) e;
                if (connectionLost(sql) || serializationConflict(sql)) {
                    throw new Retry(step, sql, loaded);
                }
                if (step.equals("COPY")) {
                    throw loadFailure(c, sql, input, copyBefore);
                }
                throw database(step + " of the load into " + options.table() + " (rolled back; the table is unchanged)", sql);
            }
        } catch (SQLException e) {
            if (connectionLost(e)) {
                throw new Retry(step, e, loaded);
            }
            throw database(step + " of the load into " + options.table(), e);
        }
    }

    /** A connection failure (SQLSTATE class 08), as the driver reports a dropped or broken connection. */
    static boolean connectionLost(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    /** Redshift's serializable isolation error 1023 (PostgreSQL's 40001), which Redshift's documentation says to retry. */
    static boolean serializationConflict(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return "40001".equals(e.getSQLState()) || message.contains("Serializable isolation violation")
                || ERROR_1023.matcher(message).find();
    }

    /** The error as the driver words it when the server sends no DETAIL: its message is the code alone. */
    private static final Pattern ERROR_1023 = Pattern.compile("(?m)(ERROR:|Invalid operation:)\\s*1023\\s*$");

    private boolean loadedBefore(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM " + options.loadLog() + " WHERE run_id = ? AND target_table = ?")) {
            p.setString(1, runId);
            p.setString(2, options.table());
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    private void record(Connection c, long rows) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + options.loadLog()
                + " (run_id, target_table, loaded_at, row_count) VALUES (?, ?, ?, ?)")) {
            p.setString(1, runId);
            p.setString(2, options.table());
            p.setTimestamp(3, Timestamp.from(Instant.now()));
            p.setLong(4, rows);
            p.executeUpdate();
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        return !DryRunCopy.columns(c, table).isEmpty();
    }

    /** The query id of the session's last COPY. */
    private static long lastCopyId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_last_copy_id()")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Writes every rejected row to redshift.rejected-rows-path, just before the load commits; returns the key. */
    private String writeRejected(S3Location folder, List<LoadErrors.Rejection> rejected) {
        String key = folder.key("rejected-rows-" + runId + ".csv");
        try {
            cluster.putObject(folder, key, RequestBody.fromString(LoadErrors.csv(rejected)));
        } catch (SdkException e) {
            throw AwsFailures.s3(e, "write the rejected rows to " + S3Location.url(folder.bucket(), key)
                    + " (redshift.rejected-rows-path; nothing was loaded)", cluster.s3());
        }
        return key;
    }

    /** A load that wrote its rejected rows then failed: the file goes with it (best effort). */
    private void removeRejected(String key) {
        try {
            cluster.s3().client().deleteObject(b -> b.bucket(options.rejectedPath().get().bucket()).key(key));
        } catch (SdkException e) {
            LOG.warn("Could not remove the rejected rows file of a load that failed: {}", e.getMessage());
        }
    }

    /**
     * The COPY failed: name the first rejected records from its load errors (they survive the
     * rollback, as in Redshift), found by its query id when it got one beyond {@code copyBefore}.
     */
    private StagewayException loadFailure(Connection c, SQLException e, LoadInput input, long copyBefore) {
        String folder = loadFolder().toString();
        List<CommitMessage> messages = input.messages();
        List<String> details = new ArrayList<>();
        try {
            long copy = lastCopyId(c);
            List<LoadErrors.Rejection> rejected = copy == copyBefore ? List.of()
                    : LoadErrors.ofQuery(c, provisioned, copy, (file, line) -> recordOf(file, line, messages));
            for (LoadErrors.Rejection r : rejected.subList(0, Math.min(5, rejected.size()))) {
                details.add(recordAt(r.row().file(), r.row().line(), messages) + ", column " + r.row().column() + ": " + r.row().reason()
                        + (r.value() == null ? "" : " (value '" + r.value() + "')"));
            }
            c.commit();
        } catch (SQLException lookup) {
            details.add("the load errors could not be read: " + SqlRedactor.redact(lookup.getMessage()));
        }
        String what = details.isEmpty() ? SqlRedactor.redact(e.getMessage()) : String.join("; ", details);
        if (input.direct() && details.isEmpty() && what.contains("S3ServiceException")) {
            what += " (the COPY of a direct load reads the source's objects where they are, as " + (cluster.copiesWithIamRole()
                    ? "the cluster's role redshift.iam-role, which needs s3:GetObject on them" : "the connection's identity")
                    + "; redshift.direct-load=off stages the rows instead)";
        }
        return new StagewayException(ErrorKind.DATA, false, "Cannot load into " + options.table() + ": Redshift rejected " + what
                + (options.maxRejected() > 0 && !details.isEmpty() ? " (more than redshift.max-rejected-rows=" + options.maxRejected()
                + ")" : "")
                + ". Nothing was loaded; the table is unchanged." + (cluster.keepStagingOnFailure() && !input.direct()
                ? " The staged files are kept in " + folder + "." : ""), null);
    }

    /** The record a staged file's line holds: "record 7 (file, line 2)", with the task when several tasks staged. */
    private static String recordAt(String file, long line, List<CommitMessage> messages) {
        long record = recordOf(file, line, messages);
        Matcher m = StagingLayout.PART.matcher(file);
        if (record == 0 || !m.find()) {
            return file + ", line " + line;
        }
        return "record " + record + (messages.size() > 1 ? " of task " + Integer.parseInt(m.group(1)) : "") + " (" + file + ", line " + line + ")";
    }

    /** The number of the record a staged file's line holds, among its task's records; 0 when the file is not one of ours. */
    private static long recordOf(String file, long line, List<CommitMessage> messages) {
        Matcher m = StagingLayout.PART.matcher(file);
        if (!m.find()) {
            return 0;
        }
        int task = Integer.parseInt(m.group(1));
        int files = messages.stream().filter(msg -> msg.task() == task).findFirst()
                .map(msg -> Integer.parseInt(msg.attributes().get("files"))).orElse(0);
        return files == 0 ? 0 : StagingFiles.record(files, Integer.parseInt(m.group(3)) - 1, line);
    }

    private static StagewayException database(String action, SQLException e) {
        return new StagewayException(ErrorKind.DATABASE, false, "Cannot " + action + ": " + SqlRedactor.redact(e.getMessage())
                + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")"), null);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is going back to the pool as broken; the load's own error is what matters.
        }
    }

    @Override
    public void abort(Throwable cause) {
        abort(cause, List.of());
    }

    /** Removes the files {@code prepared} names, then whatever else is in the write's folder. */
    @Override
    public synchronized void abort(Throwable cause, List<CommitMessage> prepared) {
        if (done) {
            return;
        }
        done = true;
        writers.forEach(w -> w.abort(cause));
        removeStaged(prepared);
        cluster.close();
    }

    @Override
    public void close() {
        abort(null);
    }

    /**
     * Removes what this write staged: the messages' files and the manifest by name, then whatever else
     * is in its folder (a dead attempt's files), which takes listing.
     */
    private void removeStaged(List<CommitMessage> messages) {
        S3Location folder = loadFolder();
        List<String> keys = new ArrayList<>();
        String bucketUrl = S3Location.url(folder.bucket(), "");
        messages.forEach(m -> m.items().forEach(file -> keys.add(file.get("url").substring(bucketUrl.length()))));
        keys.add(folder.key(StagingLayout.MANIFEST));
        cluster.removeFolder(folder, keys);
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the Redshift write is already committed or aborted");
        }
    }
}
