package dev.stageway.redshift;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** The driver's connections, each logged in with temporary credentials of its own ({@link IamLogin}). */
final class IamLoginDataSource implements DataSource {
    private final DataSource driver;
    private final IamLogin login;

    IamLoginDataSource(DataSource driver, IamLogin login) {
        this.driver = driver;
        this.login = login;
    }

    @Override
    public Connection getConnection() throws SQLException {
        IamLogin.Credentials credentials = login.obtain();
        return driver.getConnection(credentials.user(), credentials.password().reveal());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("an IAM login obtains its own user and password");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return driver.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return driver.isWrapperFor(type);
    }
}
