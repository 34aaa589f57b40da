package io.odoosidecar.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a shared event log's beside its main one, for work that must not wait for the
 * log's lock nor hold it up (the appends, the counts). Opened at its first use and again after the
 * log reopened, since the one before went with the database the log lost; opened anew after a
 * failure if it no longer answers. Its users hold its monitor while they use it.
 */
final class SideConnection {
  private static final Logger LOG = LoggerFactory.getLogger(SideConnection.class);

  private final EventLog.ConnectionSource source;
  private final IntSupplier generation;
  private Connection connection;
  private int openedIn;

  /**
   * @param source where its connections come from
   * @param generation how many times the log reopened: a connection opened before is of a lost
   *     database
   */
  SideConnection(EventLog.ConnectionSource source, IntSupplier generation) {
    this.source = source;
    this.generation = generation;
  }

  /** The connection, opened if there is none of the log's current database. */
  synchronized Connection get() throws SQLException {
    int now = generation.getAsInt();
    if (connection == null || openedIn != now) {
      close();
      Connection fresh = source.open();
      fresh.setAutoCommit(true);
      connection = fresh;
      openedIn = now;
    }
    return connection;
  }

  /** After a failure on {@code c}: it is dropped (and opened anew at the next use) if lost. */
  synchronized void dropIfLost(Connection c) {
    boolean valid;
    try {
      valid = c.isValid(2);
    } catch (SQLException e) {
      valid = false;
    }
    if (!valid) {
      quietly(c);
      if (connection == c) {
        connection = null;
      }
    }
  }

  /** Closes the connection, if one is open. */
  synchronized void close() {
    if (connection != null) {
      quietly(connection);
      connection = null;
    }
  }

  private static void quietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("event log: closing a connection: {}", e.getMessage());
    }
  }
}
