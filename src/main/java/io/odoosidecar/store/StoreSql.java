package io.odoosidecar.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What the stores share of SQL: the database a connection is to, times in {@code TIMESTAMP}
 * columns, a unique key's violation.
 */
final class StoreSql {
  private StoreSql() {}

  /**
   * An instant kept to the microsecond, the precision both databases store: truncated here, so that
   * the database never rounds a time up past the moment it is compared with.
   */
  static Timestamp timestamp(Instant instant) {
    return Timestamp.from(instant.truncatedTo(ChronoUnit.MICROS));
  }

  /** Whether {@code connection} is to PostgreSQL (else the embedded H2). */
  static boolean postgres(Connection connection) throws SQLException {
    return connection
        .getMetaData()
        .getDatabaseProductName()
        .toLowerCase(Locale.ROOT)
        .contains("postgres");
  }

  /** Whether a failure is a unique key's violation (SQL state 23505, H2 and PostgreSQL). */
  static boolean duplicate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      for (SQLException sql = t instanceof SQLException s ? s : null;
          sql != null;
          sql = sql.getNextException()) {
        if ("23505".equals(sql.getSQLState())) {
          return true; // a JDBC batch's failure names it first or in one of the next exceptions
        }
      }
    }
    return false;
  }
}
