package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a store's SQL schema files in order, once each, on H2 or PostgreSQL, recording each
 * version applied in {@code sidecar_schema (store, version)}.
 *
 * <p>The files are resources under {@code io/odoosidecar/store/STORE/}, named {@code
 * V<n>__what.sql}, given in order by the store; their statements are separated by a semicolon at
 * the end of a line. A file and its record are one transaction.
 */
public final class Migrations {
  private static final String BASE = "/io/odoosidecar/store/";

  private Migrations() {}

  /**
   * Applies the files of {@code store} not yet applied; returns how many were.
   *
   * @param clock the time each is recorded applied at
   */
  public static int apply(
      Connection connection, String store, List<String> files, java.time.Clock clock)
      throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS sidecar_schema (store VARCHAR(100) NOT NULL,"
              + " version INTEGER NOT NULL, applied_ms BIGINT NOT NULL,"
              + " PRIMARY KEY (store, version))");
    }
    Set<Integer> applied = applied(connection, store);
    int count = 0;
    for (String file : files) {
      int version = version(file);
      if (!applied.contains(version)) {
        run(connection, store, version, read(store + "/" + file), clock.millis());
        count++;
      }
    }
    return count;
  }

  private static Set<Integer> applied(Connection connection, String store) throws SQLException {
    Set<Integer> out = new HashSet<>();
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT version FROM sidecar_schema WHERE store = ?")) {
      ps.setString(1, store);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
    }
    return out;
  }

  private static void run(Connection connection, String store, int version, String sql, long now)
      throws SQLException {
    boolean auto = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement();
        PreparedStatement record =
            connection.prepareStatement(
                "INSERT INTO sidecar_schema (store, version, applied_ms) VALUES (?, ?, ?)")) {
      for (String statement : sql.split(";\\s*(\\r?\\n|$)")) {
        String text = strip(statement);
        if (!text.isEmpty()) {
          st.execute(text);
        }
      }
      record.setString(1, store);
      record.setInt(2, version);
      record.setLong(3, now);
      record.executeUpdate();
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(auto);
    }
  }

  /** A statement without its comment lines. */
  private static String strip(String statement) {
    StringBuilder out = new StringBuilder();
    for (String line : statement.split("\\r?\\n")) {
      if (!line.trim().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString().trim();
  }

  private static int version(String file) {
    if (!file.matches("V\\d+__.+\\.sql")) {
      throw new IllegalArgumentException("not a migration file name: " + file);
    }
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }

  private static String read(String path) {
    try (InputStream in = Migrations.class.getResourceAsStream(BASE + path)) {
      if (in == null) {
        throw new SidecarException("the schema file " + path + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SidecarException("cannot read the schema file " + path + ": " + e.getMessage(), e);
    }
  }
}
