package io.odoosidecar.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source that hands out one open connection, whose {@code close} leaves it open: the
 * migrations run on the store's own connection (an embedded database lost and made anew is migrated
 * on the connection that found it), and the store keeps it afterwards.
 */
final class SingleConnectionDataSource implements DataSource {
  private final Connection connection;

  SingleConnectionDataSource(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Connection getConnection() {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close")) {
                return null;
              }
              if (method.getName().equals("isClosed")) {
                return connection.isClosed();
              }
              try {
                return method.invoke(connection, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public Connection getConnection(String user, String password) {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    // no log writer: the migrations log through SLF4J
  }

  @Override
  public void setLoginTimeout(int seconds) {
    // the connection is open already
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging parent");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new java.sql.SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
