package io.odoosidecar.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fresh PostgreSQL database for a harness cluster's event log, on the machine's PostgreSQL
 * (127.0.0.1:5432, user postgres), dropped when closed; and what the harness reads of it.
 */
public final class EventLogDatabase implements AutoCloseable {
  /** The machine's PostgreSQL. */
  public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

  private final String name;

  private EventLogDatabase(String name) {
    this.name = name;
  }

  /**
   * Creates {@code sidecar_harness_<suffix>} (dropped first when an earlier run left it).
   *
   * @throws SQLException no PostgreSQL answers
   */
  public static EventLogDatabase fresh(String suffix) throws SQLException {
    String name = "sidecar_harness_" + suffix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    try (Connection admin = admin();
        Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    }
    return new EventLogDatabase(name);
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection(SERVER + "postgres", "postgres", "");
  }

  public String name() {
    return name;
  }

  public String url() {
    return SERVER + name;
  }

  /** The events stored, by status, for one database and model. */
  public Map<String, Long> events(String database, String model) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(url(), "postgres", "");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT status, COUNT(*) FROM sidecar_event WHERE db = ? AND model = ?"
                    + " GROUP BY status")) {
      s.setString(1, database);
      s.setString(2, model);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          out.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return out;
  }

  /** Drops the database, saying so on standard error when it cannot. */
  public void dropQuietly() {
    try {
      close();
    } catch (SQLException e) {
      System.err.println("# cannot drop " + name + ": " + e.getMessage());
    }
  }

  /** Drops the database (connections of instances still running are ended). */
  @Override
  public void close() throws SQLException {
    try (Connection admin = admin();
        Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
