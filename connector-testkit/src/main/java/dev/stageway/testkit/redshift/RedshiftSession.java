package dev.stageway.testkit.redshift;

import dev.stageway.testkit.redshift.PgWire.Message;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import dev.stageway.testkit.faults.Fault;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, to the cluster or to the workgroup: authenticates the client (the
 * master user's password, or a temporary login the Redshift APIs issued for that endpoint),
 * opens its own PostgreSQL backend as the database user it stands for, relays messages in
 * lockstep, and carries out COPY from S3 and UNLOAD itself on that same backend, so temporary
 * tables and transactions behave as in Redshift. A workgroup's session has no STL or STV views.
 */
final class RedshiftSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RedshiftSession.class);
    private static final int SSL_REQUEST = 80877103;
    private static final int CANCEL_REQUEST = 80877102;
    /** Startup parameters the Redshift driver sends that PostgreSQL refuses. */
    private static final Set<String> REDSHIFT_ONLY_PARAMETERS = Set.of("driver_version", "os_version", "client_protocol_version",
            "driver_discovery_version", "plugin_name", "application_type", "compression");
    /** System views a provisioned cluster has and a Serverless workgroup does not. */
    private static final Pattern PROVISIONED_VIEWS = Pattern.compile("\\b((?:stl|stv|svl|svcs)_\\w+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern LAST_COPY_ID = Pattern.compile("pg_last_copy_id\\s*\\(\\s*\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern COPY_CONTEXT = Pattern.compile("COPY [^,]+, line (\\d+)(?:, column ([^:]+))?(?:: \"(.*)\")?",
            Pattern.DOTALL);

    private final Socket client;
    private final RedshiftStandIn cluster;
    /** Whether the client reached the Serverless workgroup's endpoint rather than the cluster's. */
    private final boolean serverless;
    private DataInputStream clientIn;
    private OutputStream clientOut;
    private DataInputStream backendIn;
    private OutputStream backendOut;
    private int backendPid;
    private String user = "";
    /** The backend's last transaction status: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
    private byte transaction = 'I';
    private int lastCopyId = -1;
    /** Who the session runs as once logged in, or null. */
    private RedshiftStandIn.Admitted admitted;

    RedshiftSession(Socket client, RedshiftStandIn cluster, boolean serverless) {
        this.client = client;
        this.cluster = cluster;
        this.serverless = serverless;
    }

    @Override
    public void run() {
        try (client; Socket backend = new Socket("127.0.0.1", cluster.postgresPort())) {
            clientIn = new DataInputStream(new BufferedInputStream(client.getInputStream(), 65536));
            clientOut = new BufferedOutputStream(client.getOutputStream(), 65536);
            backendIn = new DataInputStream(new BufferedInputStream(backend.getInputStream(), 65536));
            backendOut = new BufferedOutputStream(backend.getOutputStream(), 65536);
            if (!startup()) {
                return;
            }
            for (Message m = PgWire.read(clientIn); m != null; m = PgWire.read(clientIn)) {
                switch (m.type()) {
                    case 'Q' -> query(m);
                    case 'S' -> {
                        forward(m);
                        relayUntilReady();
                    }
                    case 'X' -> {
                        forward(m);
                        return;
                    }
                    default -> forward(m);
                }
                clientOut.flush();
            }
        } catch (IOException e) {
            LOG.debug("Redshift stand-in session ended: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.error("Redshift stand-in session failed; closing the connection", e);
        } finally {
            if (admitted != null) {
                cluster.leave(admitted);
            }
        }
    }

    /**
     * SSL declined, the password checked (the cluster's user's, or a temporary one the Redshift
     * APIs issued), the startup passed on as the database user the login stands for, without
     * Redshift-only parameters.
     */
    private boolean startup() throws IOException {
        byte[] body = startupPacket();
        int code = int32(body, 0);
        if (code == SSL_REQUEST) {
            clientOut.write('N');
            clientOut.flush();
            body = startupPacket();
            code = int32(body, 0);
        }
        if (code == CANCEL_REQUEST) {
            new DataOutputStream(backendOut).writeInt(body.length + 4);
            backendOut.write(body);
            backendOut.flush();
            return false;
        }
        List<String> parts = new ArrayList<>();
        int start = 4;
        for (int i = 4; i < body.length; i++) {
            if (body[i] == 0) {
                parts.add(new String(body, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        String database = null;
        for (int i = 0; i + 1 < parts.size() && !parts.get(i).isEmpty(); i += 2) {
            if (parts.get(i).equals("user")) {
                user = parts.get(i + 1);
            } else if (parts.get(i).equals("database")) {
                database = parts.get(i + 1);
            }
        }
        // Redshift asks for a password; the stand-in checks it itself (the backend trusts loopback).
        PgWire.write(clientOut, 'R', new byte[] {0, 0, 0, 3});
        clientOut.flush();
        Message password = PgWire.read(clientIn);
        Optional<RedshiftStandIn.Admitted> admitted;
        try {
            admitted = password == null || password.type() != 'p' ? Optional.empty()
                    : cluster.login(user, database == null ? user : database, password.text(), serverless);
        } catch (java.sql.SQLException e) {
            PgWire.write(clientOut, 'E', PgWire.error("28000", e.getMessage(), ""));
            clientOut.flush();
            return false;
        }
        if (admitted.isEmpty()) {
            PgWire.write(clientOut, 'E', PgWire.error("28000", "password authentication failed for user \"" + user + "\"", ""));
            clientOut.flush();
            return false;
        }
        this.admitted = admitted.get();
        user = admitted.get().user();
        ByteArrayOutputStream filtered = new ByteArrayOutputStream();
        filtered.writeBytes(new byte[] {0, 3, 0, 0});
        for (int i = 0; i + 1 < parts.size() && !parts.get(i).isEmpty(); i += 2) {
            if (!REDSHIFT_ONLY_PARAMETERS.contains(parts.get(i))) {
                filtered.writeBytes(PgWire.cstring(parts.get(i)));
                filtered.writeBytes(PgWire.cstring(parts.get(i).equals("user") ? user : parts.get(i + 1)));
            }
        }
        filtered.write(0);
        byte[] startupMessage = filtered.toByteArray();
        new DataOutputStream(backendOut).writeInt(startupMessage.length + 4);
        backendOut.write(startupMessage);
        backendOut.flush();
        for (Message m = PgWire.read(backendIn); m != null; m = PgWire.read(backendIn)) {
            if (m.type() == 'K') {
                backendPid = int32(m.body(), 0);
            }
            PgWire.write(clientOut, m);
            if (m.type() == 'Z') {
                clientOut.flush();
                return true;
            }
            if (m.type() == 'E') {
                clientOut.flush();
                return false;
            }
        }
        return false;
    }

    private byte[] startupPacket() throws IOException {
        int length = clientIn.readInt();
        byte[] body = new byte[length - 4];
        clientIn.readFully(body);
        return body;
    }

    private void query(Message m) throws IOException {
        String sql = m.text();
        Matcher provisionedOnly = PROVISIONED_VIEWS.matcher(sql);
        if (serverless && provisionedOnly.find()) {
            fail("42P01", "relation \"" + provisionedOnly.group(1).toLowerCase(java.util.Locale.ROOT) + "\" does not exist");
            return;
        }
        Matcher lastCopy = LAST_COPY_ID.matcher(sql);
        if (lastCopy.find()) {
            sql = lastCopy.replaceAll(String.valueOf(lastCopyId));
            m = new Message('Q', PgWire.cstring(sql));
        }
        Optional<Fault> fault = cluster.faults().redshift(RedshiftSql.statementKind(sql));
        if (fault.isPresent()) {
            cluster.iam().count("redshift fault " + fault.get().kind());
            switch (fault.get().kind()) {
                case DROP -> throw new IOException("connection dropped by an injected fault");
                case DROP_AFTER -> {
                    forward(m);
                    for (Message r = PgWire.read(backendIn); r != null && r.type() != 'Z'; r = PgWire.read(backendIn)) {
                        // carried out; the client never hears of it
                    }
                    throw new IOException("connection dropped after the statement by an injected fault");
                }
                case SERIALIZATION_ERROR -> {
                    fail("XX000", "1023", "Serializable isolation violation on table - 100310, transactions forming the cycle are: "
                            + "8472, 8456 (pid:" + backendPid + ")");
                    return;
                }
                default -> { }
            }
        }
        if (transaction == 'E' && (RedshiftSql.isCopyFromS3(sql) || RedshiftSql.isUnload(sql))) {
            // Redshift refuses it before reading anything; the backend, still in the failed transaction, answers so.
            fail("25P02", "current transaction is aborted, commands ignored until end of transaction block");
            return;
        }
        try {
            if (RedshiftSql.isCopyFromS3(sql)) {
                new CopyFromS3(this, RedshiftSql.parseCopy(sql)).run();
                return;
            }
            if (RedshiftSql.isUnload(sql)) {
                new UnloadToS3(this, RedshiftSql.parseUnload(sql)).run();
                return;
            }
        } catch (IllegalArgumentException e) {
            fail("42601", e.getMessage());
            return;
        }
        forward(m);
        relayUntilReady();
    }

    private void forward(Message m) throws IOException {
        PgWire.write(backendOut, m);
        if (m.type() == 'Q' || m.type() == 'S' || m.type() == 'H' || m.type() == 'X') {
            backendOut.flush();
        }
    }

    /** Passes the backend's answers to the client up to ReadyForQuery (and a client COPY FROM STDIN through). */
    void relayUntilReady() throws IOException {
        for (Message m = PgWire.read(backendIn); m != null; m = PgWire.read(backendIn)) {
            noteReady(m);
            if (m.type() == 'Z') {
                sendReady(m);
                return;
            }
            PgWire.write(clientOut, m);
            if (m.type() == 'G') {
                clientOut.flush();
                for (Message c = PgWire.read(clientIn); c != null; c = PgWire.read(clientIn)) {
                    PgWire.write(backendOut, c);
                    if (c.type() == 'c' || c.type() == 'f') {
                        backendOut.flush();
                        break;
                    }
                }
            }
        }
        throw new IOException("the backend closed the connection");
    }

    /**
     * Fails the current statement the way Redshift would: the error is raised inside the backend,
     * so an open transaction is aborted there too, and the client sees {@code message}.
     */
    void fail(String sqlState, String message) throws IOException {
        fail(sqlState, message, "");
    }

    /** As {@link #fail(String, String)}, with Redshift's DETAIL line. */
    void fail(String sqlState, String message, String detail) throws IOException {
        String tag = "$stageway$";
        PgWire.query(backendOut, "DO " + tag + "BEGIN RAISE EXCEPTION USING ERRCODE = '" + sqlState + "', MESSAGE = "
                + quote(message) + (detail.isEmpty() ? "" : ", DETAIL = " + quote(detail)) + "; END" + tag);
        for (Message m = PgWire.read(backendIn); m != null; m = PgWire.read(backendIn)) {
            if (m.type() == 'E') {
                PgWire.write(clientOut, 'E', PgWire.error(sqlState, message, detail));   // without the DO block's CONTEXT
            } else if (m.type() == 'Z') {
                noteReady(m);
                sendReady(m);
                return;
            } else {
                PgWire.write(clientOut, m);
            }
        }
        throw new IOException("the backend closed the connection");
    }

    /** Sends the client an error of ours in place of the backend's, then the backend's ReadyForQuery. */
    void replaceErrorAndFinish(String sqlState, String message) throws IOException {
        PgWire.write(clientOut, 'E', PgWire.error(sqlState, message, ""));
        for (Message m = PgWire.read(backendIn); m != null; m = PgWire.read(backendIn)) {
            if (m.type() == 'Z') {
                noteReady(m);
                sendReady(m);
                return;
            }
        }
        throw new IOException("the backend closed the connection");
    }

    /**
     * Runs {@code sql} in the client's backend session without the client seeing it (its
     * transaction state is noted); true when it succeeded.
     */
    boolean quietly(String sql) throws IOException {
        PgWire.query(backendOut, sql);
        boolean failed = false;
        for (Message m = PgWire.read(backendIn); m != null; m = PgWire.read(backendIn)) {
            failed |= m.type() == 'E';
            if (m.type() == 'Z') {
                noteReady(m);
                return !failed;
            }
        }
        throw new IOException("the backend closed the connection");
    }

    /** The rows of a query the stand-in runs for itself, or the backend's error (fields by their codes) in place of them. */
    record Rows(List<List<String>> rows, Optional<Map<Character, String>> error) {
    }

    /** Runs {@code sql} in the client's backend session without the client seeing it; its rows, or its error. */
    Rows rowsQuietly(String sql) throws IOException {
        PgWire.query(backendOut, sql);
        List<List<String>> rows = new ArrayList<>();
        Map<Character, String> error = null;
        for (Message m = PgWire.read(backendIn); m != null; m = PgWire.read(backendIn)) {
            if (m.type() == 'D') {
                rows.add(PgWire.dataRow(m.body()));
            } else if (m.type() == 'E') {
                error = PgWire.fields(m.body());
            } else if (m.type() == 'Z') {
                noteReady(m);
                return new Rows(rows, Optional.ofNullable(error));
            }
        }
        throw new IOException("the backend closed the connection");
    }

    /** Sends the client an INFO notice, as Redshift reports what a COPY loaded. */
    void info(String message) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String[] f : new String[][] {{"S", "INFO"}, {"V", "INFO"}, {"C", "00000"}, {"M", message}}) {
            b.write(f[0].charAt(0));
            b.writeBytes(PgWire.cstring(f[1]));
        }
        b.write(0);
        PgWire.write(clientOut, 'N', b.toByteArray());
    }

    /** Notes the transaction state a ReadyForQuery the stand-in read itself carries. */
    void noted(Message ready) {
        noteReady(ready);
    }

    /** The query id of the session's last COPY, as {@code pg_last_copy_id()} returns it; -1 before any. */
    void copied(int queryId) {
        lastCopyId = queryId;
    }

    /** Tells the client the session is ready for its next statement, in the backend's transaction state. */
    void ready() throws IOException {
        PgWire.write(clientOut, 'Z', new byte[] {transaction});
        clientOut.flush();
    }

    /** Whether the client is outside any transaction. */
    boolean idle() {
        return transaction == 'I';
    }

    /** Passes the backend's ReadyForQuery on. */
    private void sendReady(Message backendReady) throws IOException {
        PgWire.write(clientOut, backendReady);
        clientOut.flush();
    }

    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The backend's answer to a COPY error: line, column and value from its CONTEXT. */
    record CopyError(long line, String column, String value, String reason) {
    }

    static CopyError copyError(Map<Character, String> fields) {
        Matcher m = COPY_CONTEXT.matcher(fields.getOrDefault('W', ""));
        if (!m.find()) {
            return new CopyError(0, "", "", fields.getOrDefault('M', "unknown error"));
        }
        return new CopyError(Long.parseLong(m.group(1)), m.group(2) == null ? "" : m.group(2),
                m.group(3) == null ? "" : m.group(3), fields.getOrDefault('M', ""));
    }

    private void noteReady(Message m) {
        if (m.type() == 'Z' && m.body().length > 0) {
            transaction = m.body()[0];
        }
    }

    /** The database user the client logged in as. */
    String user() {
        return user;
    }

    DataInputStream backendIn() {
        return backendIn;
    }

    OutputStream backendOut() {
        return backendOut;
    }

    OutputStream clientOut() {
        return clientOut;
    }

    RedshiftStandIn cluster() {
        return cluster;
    }

    int backendPid() {
        return backendPid;
    }

    private static int int32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

}
