package dev.stageway.testkit.redshift;

import dev.stageway.testkit.SandboxConfig;
import dev.stageway.testkit.faults.Faults;
import dev.stageway.testkit.iam.Iam;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Redshift cluster for tests and the demo: embedded PostgreSQL (from Maven Central jars)
 * behind a loopback proxy that the real Redshift JDBC driver reaches with a
 * {@code jdbc:redshift://} URL. The proxy checks passwords, and carries out COPY from S3 and
 * UNLOAD itself (see {@link RedshiftSession}); {@code stl_load_errors},
 * {@code sys_load_error_detail} and {@code stv_slices} exist as in Redshift (at the workgroup's
 * endpoint, only the SYS view).
 * <p>The same database is also a Redshift Serverless workgroup, at its own endpoint
 * ({@link #serverlessJdbcUrl()}). Both take the master user's password or temporary
 * passwords from the Redshift API ({@link #apiEndpoint()}: GetClusterCredentials,
 * GetClusterCredentialsWithIAM) and the Serverless API ({@link #serverlessApiEndpoint()}:
 * GetCredentials), each accepted only where it was issued for and until it expires.
 * <p>Connect with {@link #jdbcUrl()}: it asks the driver for the simple query protocol, which
 * is what the proxy intercepts COPY and UNLOAD in.
 */
public final class RedshiftStandIn implements AutoCloseable {
    public static final String DATABASE = "dev";

    private final Iam iam;
    private final Faults faults;
    private final String region;
    private final URI s3Endpoint;
    private final URI stsEndpoint;
    private final SandboxConfig.RedshiftCluster spec;
    private final EmbeddedPostgres postgres;
    private final Connection catalog;
    private final ServerSocket listener;
    private final ServerSocket serverlessListener;
    private final ExecutorService sessions;
    private final TemporaryLogins logins;
    private final ClusterCredentialsApi api;
    private final ServerlessCredentialsApi serverlessApi;

    public RedshiftStandIn(Iam iam, String region, URI s3Endpoint, URI stsEndpoint, SandboxConfig.RedshiftCluster spec, Faults faults)
            throws IOException {
        this.iam = iam;
        this.faults = faults;
        this.region = region;
        this.s3Endpoint = s3Endpoint;
        this.stsEndpoint = stsEndpoint;
        this.spec = spec;
        this.postgres = EmbeddedPostgres.builder().start();
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
                s.execute("CREATE ROLE " + spec.masterUsername() + " SUPERUSER LOGIN");
            }
            this.catalog = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE,
                    "postgres", "");
            createCatalog();
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.serverlessListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.logins = new TemporaryLogins(iam);
            this.api = new ClusterCredentialsApi(this, logins);
            this.serverlessApi = new ServerlessCredentialsApi(this, logins);
        } catch (SQLException | IOException e) {
            postgres.close();
            throw new IOException("Cannot start the Redshift stand-in: " + e.getMessage(), e);
        }
        this.sessions = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sandbox-redshift");
            t.setDaemon(true);
            return t;
        });
        sessions.execute(() -> accept(listener, false));
        sessions.execute(() -> accept(serverlessListener, true));
    }

    /** Redshift's system relations the connector reads: load errors and the cluster's slices. */
    private void createCatalog() throws SQLException {
        try (Statement s = catalog.createStatement()) {
            s.execute("CREATE TABLE public.stl_load_errors (userid int, slice int, tbl int, starttime timestamp, "
                    + "session int, query int, filename varchar(256), line_number bigint, colname varchar(127), type varchar(10), "
                    + "col_length varchar(10), position int, raw_line varchar(1024), raw_field_value varchar(1024), "
                    + "err_code int, err_reason varchar(100))");
            // The columns AWS documents for it (no raw line, unlike stl_load_errors).
            s.execute("CREATE VIEW public.sys_load_error_detail AS SELECT userid AS user_id, query::bigint AS query_id, "
                    + "0::bigint AS transaction_id, session AS session_id, '" + DATABASE + "'::char(64) AS database_name, "
                    + "tbl AS table_id, starttime AS start_time, filename::char(256) AS file_name, line_number, "
                    + "colname::char(127) AS column_name, type::char(10) AS column_type, col_length::char(10) AS column_length, "
                    + "position, err_code AS error_code, err_reason::char(512) AS error_message FROM public.stl_load_errors");
            s.execute("CREATE TABLE public.stv_slices (node int, slice int, localslice int, type varchar(8))");
            for (int i = 0; i < spec.slices(); i++) {
                s.execute("INSERT INTO public.stv_slices VALUES (" + (i / 2) + ", " + i + ", " + (i % 2) + ", 'D')");
            }
            s.execute("GRANT SELECT ON public.stl_load_errors, public.sys_load_error_detail, public.stv_slices TO PUBLIC");
            // Redshift lets every user create in public; PostgreSQL 15 and later do not.
            s.execute("GRANT CREATE ON SCHEMA public TO PUBLIC");
        }
    }

    private void accept(ServerSocket from, boolean serverless) {
        while (!from.isClosed()) {
            try {
                Socket client = from.accept();
                sessions.execute(new RedshiftSession(client, this, serverless));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Runs {@code sql} as the database's administrator, as a console would: preparing tables around measured runs. */
    public synchronized void execute(String sql) throws SQLException {
        try (Statement s = catalog.createStatement()) {
            s.execute(sql);
        }
    }

    /** The URL the Redshift JDBC driver connects with. */
    public String jdbcUrl() {
        return "jdbc:redshift://127.0.0.1:" + listener.getLocalPort() + "/" + DATABASE + "?ssl=false&preferQueryMode=simple";
    }

    /** The URL the Redshift JDBC driver connects to the Serverless workgroup with. */
    public String serverlessJdbcUrl() {
        return "jdbc:redshift://127.0.0.1:" + serverlessListener.getLocalPort() + "/" + DATABASE + "?ssl=false&preferQueryMode=simple";
    }

    /** The Redshift API: GetClusterCredentials and GetClusterCredentialsWithIAM. */
    public URI apiEndpoint() {
        return api.endpoint();
    }

    /** The Redshift Serverless API: GetCredentials. */
    public URI serverlessApiEndpoint() {
        return serverlessApi.endpoint();
    }

    public String user() {
        return spec.masterUsername();
    }

    public String password() {
        return spec.masterUserPassword();
    }

    public String workgroup() {
        return spec.workgroupName();
    }

    /** The workgroup's ARN, which names it by its id, as IAM policies must. */
    public String workgroupArn() {
        return spec.workgroupArn(region);
    }

    /** The ARN of one of the cluster's resources, such as {@code dbuser} and a user's name. */
    String resourceArn(String type, String name) {
        return spec.resourceArn(region, type, name);
    }

    /** Who a session runs as: the database user, and the groups it joined for the session only. */
    record Admitted(String user, List<String> groups) {
    }

    /** Sessions in each group through a login's DbGroups, by "user/group": the membership ends with the last of them. */
    private final Map<String, Integer> joined = new HashMap<>();

    /**
     * Who {@code login} with {@code password} may run as in {@code database}: the master user, or
     * the user a temporary login issued for this endpoint (and that database, when it named one)
     * stands for, created when the login says so and joined to its groups for the session; empty
     * when the password is wrong, for another database, or has expired.
     *
     * @throws SQLException when the user cannot be created or join a group (the login fails with it)
     */
    synchronized Optional<Admitted> login(String login, String database, String password, boolean serverless) throws SQLException {
        if (spec.masterUsername().equals(login) && spec.masterUserPassword().equals(password)) {
            return Optional.of(new Admitted(login, List.of()));
        }
        Optional<TemporaryLogins.Login> issued = logins.check(serverless ? TemporaryLogins.WORKGROUP : TemporaryLogins.CLUSTER,
                login, database, password);
        if (issued.isEmpty()) {
            return Optional.empty();
        }
        String user = issued.get().databaseUser();
        try (Statement s = catalog.createStatement()) {
            if (issued.get().create()) {
                s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + RedshiftSession.quote(user) + ") THEN CREATE ROLE "
                        + quoted(user) + " LOGIN; END IF; END $$");
            }
            for (String group : issued.get().groups()) {
                if (joined.merge(user + "/" + group, 1, Integer::sum) == 1) {
                    s.execute("GRANT " + quoted(group) + " TO " + quoted(user));
                }
            }
        }
        return Optional.of(new Admitted(user, issued.get().groups()));
    }

    /** A session of {@code admitted} ended: it leaves the groups no other session of its user joined. */
    synchronized void leave(Admitted admitted) {
        for (String group : admitted.groups()) {
            if (joined.merge(admitted.user() + "/" + group, -1, Integer::sum) == 0) {
                joined.remove(admitted.user() + "/" + group);
                try (Statement s = catalog.createStatement()) {
                    s.execute("REVOKE " + quoted(group) + " FROM " + quoted(admitted.user()));
                } catch (SQLException e) {
                    org.slf4j.LoggerFactory.getLogger(RedshiftStandIn.class).warn("Cannot end a session's group membership: {}",
                            e.getMessage());
                }
            }
        }
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    int postgresPort() {
        return postgres.getPort();
    }

    int slices() {
        return spec.slices();
    }

    List<String> attachedRoles() {
        return spec.iamRoles();
    }

    /** The attached role {@code IAM_ROLE default} means. */
    Optional<String> defaultRole() {
        return spec.defaultIamRole();
    }

    String account() {
        return spec.accountId();
    }

    String identifier() {
        return spec.clusterIdentifier();
    }

    Faults faults() {
        return faults;
    }

    Iam iam() {
        return iam;
    }

    String region() {
        return region;
    }

    URI s3Endpoint() {
        return s3Endpoint;
    }

    URI stsEndpoint() {
        return stsEndpoint;
    }

    private int queries;

    /** A new query id, as Redshift gives each statement (the one {@code pg_last_copy_id()} returns for a COPY). */
    synchronized int nextQueryId() {
        return ++queries;
    }

    /** A row a COPY rejected, as {@code stl_load_errors} keeps it. */
    record LoadError(int session, int query, long tableId, String file, long line, String column, String columnType,
                     int columnLength, String value, String rawLine, int code, String reason) {
    }

    /** Records one rejected row; outside the client's transaction, so it survives the rollback as in Redshift. */
    synchronized void recordLoadError(LoadError e) {
        try (PreparedStatement p = catalog.prepareStatement("INSERT INTO public.stl_load_errors (userid, slice, tbl, starttime, "
                + "session, query, filename, line_number, colname, type, col_length, position, raw_line, raw_field_value, err_code, "
                + "err_reason) VALUES (100, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)")) {
            p.setLong(1, e.tableId());
            p.setTimestamp(2, Timestamp.from(Instant.now()));
            p.setInt(3, e.session());
            p.setInt(4, e.query());
            p.setString(5, e.file());
            p.setLong(6, e.line());
            p.setString(7, truncate(e.column(), 127));
            p.setString(8, truncate(e.columnType(), 10));
            p.setString(9, e.columnLength() > 0 ? String.valueOf(e.columnLength()) : "");
            p.setString(10, truncate(e.rawLine(), 1024));
            p.setString(11, truncate(e.value(), 1024));
            p.setInt(12, e.code());
            p.setString(13, truncate(e.reason(), 100));
            p.executeUpdate();
        } catch (SQLException x) {
            // The failed COPY is still reported to the client; only the detail row is lost.
            org.slf4j.LoggerFactory.getLogger(RedshiftStandIn.class).warn("Cannot record a load error: {}", x.getMessage());
        }
    }

    /** At most {@code max} characters, without NULs (text columns cannot hold them; raw lines of binary files do). */
    private static String truncate(String s, int max) {
        if (s == null) {
            return null;
        }
        String clean = s.replace('\0', ' ');
        return clean.length() <= max ? clean : clean.substring(0, max);
    }

    @Override
    public void close() throws IOException {
        api.close();
        serverlessApi.close();
        listener.close();
        serverlessListener.close();
        sessions.shutdownNow();
        try {
            catalog.close();
        } catch (SQLException ignored) {
            // The database is going away with the server.
        }
        postgres.close();
    }
}
