package dev.stageway.redshift;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.stageway.aws.AwsSettings;
import dev.stageway.config.ParsedProperties;
import dev.stageway.error.ErrorKind;
import dev.stageway.error.StagewayException;
import dev.stageway.redshift.RedshiftProperties.Auth;
import dev.stageway.redshift.RedshiftProperties.CopyAuth;
import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.CsvObjectSource;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.S3Location;
import software.amazon.awssdk.core.sync.RequestBody;
import dev.stageway.spi.RunContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One connection's Redshift side: a small HikariCP pool of the Redshift JDBC driver's
 * connections, the S3 staging folder reached with the strategy's credentials, and how COPY and
 * UNLOAD are authorised.
 */
final class RedshiftConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedshiftConnection.class);
    private static final long CONNECT_TIMEOUT_MILLIS = 15_000;


    private final ParsedProperties properties;
    private final AwsSettings aws;
    private final S3Connection s3;
    private final HikariDataSource pool;
    private final S3Location staging;
    /** The IAM login each new connection obtains its credentials from; null with a password. */
    private final IamLogin login;

    private RedshiftConnection(ParsedProperties properties, AwsSettings aws, S3Connection s3, IamLogin login, HikariDataSource pool) {
        this.properties = properties;
        this.aws = aws;
        this.s3 = s3;
        this.login = login;
        this.pool = pool;
        this.staging = S3Location.parse(properties.get(RedshiftProperties.STAGING_PATH));
    }

    static RedshiftConnection open(RunContext context, Map<String, String> connection, Map<String, String> side, int concurrency) {
        ParsedProperties p = RedshiftProperties.CONNECTION.parse(connection);
        AwsSettings aws = CsvObjectSource.settings(context, connection, side);
        S3Connection s3 = S3Connection.open(context, aws, concurrency);
        IamLogin login = null;
        try {
            // The driver's own DataSource: DriverManager does not see drivers inside a plugin's class loader.
            com.amazon.redshift.jdbc.DataSource driver = new com.amazon.redshift.jdbc.DataSource();
            try {
                driver.setURL(p.get(RedshiftProperties.JDBC_URL));
            } catch (SQLException | RuntimeException e) {
                throw new dev.stageway.config.ConfigurationException(dev.stageway.config.Problem.of(RedshiftProperties.JDBC_URL.name(),
                        "is not a URL the Redshift JDBC driver accepts: " + SqlRedactor.redact(e.getMessage())));
            }
            HikariConfig config = new HikariConfig();
            if (p.get(RedshiftProperties.AUTH) == Auth.IAM) {
                login = IamLogin.open(p, aws, s3.credentials());
                config.setDataSource(new IamLoginDataSource(driver, login));
                config.setMaxLifetime(IamLogin.VALIDITY.minus(IamLogin.RETIRE_BEFORE).toMillis());
            } else {
                driver.setUser(p.get(RedshiftProperties.USER));
                driver.setPassword(p.get(RedshiftProperties.PASSWORD).reveal());
                config.setDataSource(driver);
            }
            config.setMaximumPoolSize(2);
            config.setMinimumIdle(0);
            config.setPoolName("stageway-redshift-" + context.runId());
            // One attempt when the pool starts: a wrong password or host fails now, with the driver's reason.
            config.setInitializationFailTimeout(1);
            config.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(config);
            } catch (HikariPool.PoolInitializationException e) {
                throw cannotConnect(p, login, e);
            }
            return new RedshiftConnection(p, aws, s3, login, pool);
        } catch (RuntimeException e) {
            if (login != null) {
                login.close();
            }
            s3.close();
            throw e;
        }
    }


    Connection jdbc() {
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            throw cannotConnect(properties, login, e);
        }
    }

    /**
     * Why no connection could be made: an IAM login's own failure as it is; else 28xxx, the SQL
     * state of authentication failures, or the database's (host, network).
     */
    private static StagewayException cannotConnect(ParsedProperties p, IamLogin login, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StagewayException failure) {
                return failure;
            }
        }
        SQLException sql = e instanceof SQLException s ? s : e.getCause() instanceof SQLException s ? s : null;
        boolean auth = sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("28");
        String as = login == null ? p.get(RedshiftProperties.USER) : login.describe();
        String hint = login == null ? " (check redshift.user and redshift.password)"
                : " (the database refused the temporary login" + (p.isSet(RedshiftProperties.USER)
                ? ": redshift.user must exist, unless redshift.auto-create-user=true)" : ")");
        return new StagewayException(auth ? ErrorKind.AUTHENTICATION : ErrorKind.DATABASE, !auth, "Cannot connect to Redshift at "
                + SqlRedactor.redact(p.get(RedshiftProperties.JDBC_URL)) + " as " + as + ": "
                + SqlRedactor.redact(sql != null ? sql.getMessage() : e.getMessage()) + (auth ? hint : ""), null);
    }

    /**
     * What the database shows of itself: a provisioned cluster its slices (stv_slices) and STL/STV
     * views; a Serverless workgroup neither, so its slices are taken to be {@link #UNKNOWN_SLICES}.
     * A workgroup is known by its name or host (see {@link DatabaseEndpoint}), else by having no
     * stv_slices, or none in it.
     *
     * @param provisioned whether STL/STV views serve (else load errors are read from sys_load_error_detail)
     */
    record Catalog(int slices, boolean provisioned) {
    }

    /** Slices assumed where the database does not show them (Serverless): files staged in parallel per load. */
    static final int UNKNOWN_SLICES = 8;

    private Catalog catalog;

    /** The database's {@link Catalog}, read once, outside any transaction of {@code c}'s (a failed read would abort it). */
    synchronized Catalog catalog(Connection c) throws SQLException {
        if (catalog == null && DatabaseEndpoint.of(properties).map(e -> e.kind() == DatabaseEndpoint.Kind.WORKGROUP).orElse(false)) {
            catalog = new Catalog(UNKNOWN_SLICES, false);
        }
        if (catalog == null) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM stv_slices")) {
                r.next();
                int slices = r.getInt(1);
                catalog = slices > 0 ? new Catalog(slices, true) : new Catalog(UNKNOWN_SLICES, false);
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) {   // anything but "relation does not exist"
                    throw e;
                }
                catalog = new Catalog(UNKNOWN_SLICES, false);
            }
        }
        return catalog;
    }

    /** The authorisation clause of the next COPY or UNLOAD: fresh enough temporary credentials, or the IAM role. */
    String authorization() {
        if (copiesWithIamRole()) {
            return RedshiftStatements.iamRole(properties.get(RedshiftProperties.IAM_ROLE));
        }
        return RedshiftStatements.credentials(s3.credentials().snapshot(
                Duration.ofSeconds(properties.get(RedshiftProperties.CREDENTIAL_VALIDITY))));
    }

    /** Whether COPY and UNLOAD authorise with the cluster's IAM role (rather than the session's temporary credentials). */
    boolean copiesWithIamRole() {
        return properties.get(RedshiftProperties.COPY_AUTH) == CopyAuth.IAM_ROLE;
    }

    /** How everything written under the staging path is encrypted (redshift.staging.sse). */
    ObjectOptions stagingObjects() {
        return stagingObjects(properties);
    }

    /** How everything written under the staging path of a connection with {@code properties} is encrypted. */
    static ObjectOptions stagingObjects(ParsedProperties properties) {
        return new ObjectOptions(properties.get(RedshiftProperties.STAGING_SSE), properties.find(RedshiftProperties.STAGING_KMS_KEY), false);
    }

    /** A small object written whole (a manifest, the rejected rows), encrypted as staging is. */
    void putObject(S3Location folder, String key, RequestBody body) {
        s3.client().putObject(b -> stagingObjects().encrypt(b.bucket(folder.bucket()).key(key)), body);
    }

    /** The staging path, under which every run has its folder. */
    S3Location staging() {
        return staging;
    }

    /** A folder of the staging path for one run's files ({@link StagingLayout}: {@code purpose} ends in '/'). */
    S3Location stagingFolder(String runId, String purpose) {
        return stagingFolder(staging, runId, purpose);
    }

    /** A folder of {@code staging} for one run's files. */
    static S3Location stagingFolder(S3Location staging, String runId, String purpose) {
        return staging.child(StagingLayout.runFolder(runId) + purpose);
    }

    /**
     * Removes a staging folder: {@code known} keys by name (no listing needed), then whatever else
     * listing finds there (files of attempts that died). Best effort: a failure is logged, not thrown.
     */
    void removeFolder(S3Location folder, List<String> known) {
        List<String> keys = new ArrayList<>(known);
        try {
            for (S3Object o : s3.client().listObjectsV2Paginator(b -> b.bucket(folder.bucket()).prefix(folder.prefix())).contents()) {
                if (!keys.contains(o.key())) {
                    keys.add(o.key());
                }
            }
        } catch (SdkException e) {
            LOG.warn("Could not list {} for staged files: {}", folder, e.getMessage());
        }
        for (String key : keys) {
            try {
                s3.client().deleteObject(b -> b.bucket(folder.bucket()).key(key));
            } catch (SdkException e) {
                LOG.warn("Could not remove the staged file s3://{}/{}: {}", folder.bucket(), key, e.getMessage());
            }
        }
    }

    /** The IAM login new connections obtain credentials from; empty when the connection logs in with a password. */
    Optional<IamLogin> login() {
        return Optional.ofNullable(login);
    }

    boolean keepStagingOnFailure() {
        return properties.get(RedshiftProperties.KEEP_STAGING_ON_FAILURE);
    }

    S3Connection s3() {
        return s3;
    }

    AwsSettings aws() {
        return aws;
    }

    String region() {
        return aws.region().id();
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            if (login != null) {
                login.close();
            }
            s3.close();
        }
    }
}
