package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one connection of a store that shares the event log's database (the sync log, the due-time
 * index, the schedules' runs): opened with the store's migrations applied, opened again once when
 * it broke, and closed on demand, so that a lost embedded database is not held open by it. Failures
 * are thrown as {@link SidecarException}s naming the store, credentials masked.
 */
public final class StoreConnection implements AutoCloseable {
  /** Work on the connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final ConnectionSource source;
  private final String what;
  private final boolean postgres;
  private Connection connection;

  private final Migration migration;

  /** How a new connection gets the store's schema (a lost embedded file comes back empty). */
  @FunctionalInterface
  private interface Migration {
    void apply(Connection connection) throws SQLException;
  }

  private StoreConnection(
      ConnectionSource source, String what, Connection first, Migration migration)
      throws SQLException {
    this.source = source;
    this.what = what;
    this.connection = first;
    this.migration = migration;
    this.postgres = StoreSql.postgres(first);
  }

  /**
   * Opens a store's connection and migrates its schema ({@link Migrations#apply}).
   *
   * @param what the store as its errors name it ({@code sync log})
   * @param store the store's folder of schema files
   */
  public static StoreConnection open(ConnectionSource source, String what, String store) {
    try {
      Connection first = source.open();
      Migration migration = c -> Migrations.apply(c, store);
      migration.apply(first);
      return new StoreConnection(source, what, first, migration);
    } catch (SQLException e) {
      throw new SidecarException(
          "cannot open the " + what + ": " + Redaction.text(e.getMessage()), e);
    }
  }

  /** Whether the database is PostgreSQL (else H2). */
  public boolean postgres() {
    return postgres;
  }

  /**
   * Runs work on the connection; a broken connection is opened again once. A failure with the
   * database out of reach (no connection opens, or the one used no longer answers) is thrown as a
   * {@link StoreUnavailableException}: the same work may succeed later.
   */
  public synchronized <T> T work(Work<T> work) {
    try {
      if (connection == null) {
        connection = reopened();
      }
      return work.run(connection);
    } catch (SQLException first) {
      try {
        if (connection != null && connection.isValid(2)) {
          throw first;
        }
        if (connection != null) {
          connection.close();
        }
        connection = null;
        connection = reopened();
        return work.run(connection);
      } catch (SQLException e) {
        throw failure(e);
      }
    }
  }

  private SidecarException failure(SQLException e) {
    String message = what + ": " + Redaction.text(e.getMessage());
    if (connection == null || !answers(connection)) {
      return new StoreUnavailableException(message, e);
    }
    return new SidecarException(message, e);
  }

  private static boolean answers(Connection c) {
    try {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** A new connection, the store's schema applied (already there: nothing is done). */
  private Connection reopened() throws SQLException {
    Connection fresh = source.open();
    try {
      migration.apply(fresh);
    } catch (SQLException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    return fresh;
  }

  /** Runs work in one transaction: all of it is kept or none. */
  public synchronized <T> T inTransaction(Work<T> work) {
    return work(
        c -> {
          c.setAutoCommit(false);
          try {
            T out = work.run(c);
            c.commit();
            return out;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  /** Closes the connection now; the next work opens another. */
  @Override
  public synchronized void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException e) {
      // closing a broken connection: nothing more to do
    }
    connection = null;
  }
}
