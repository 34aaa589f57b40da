package io.odoosidecar.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Throwaway databases for the stores' tests: an embedded H2 file, or one on the local PostgreSQL.
 */
public final class TestDatabases {
  /** The machine's PostgreSQL, as the tests reach it. */
  public static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  private TestDatabases() {}

  /** An embedded H2 database under {@code dir}, as the event log opens it. */
  public static String h2(Path dir) {
    return EventLog.embeddedUrl(dir);
  }

  /**
   * A new, empty database {@code sidecar_test_<name>} on the local PostgreSQL (dropped first if an
   * earlier run left it); the test is skipped, with a reason, when no PostgreSQL answers.
   */
  public static String freshPostgres(String name) {
    String db =
        "sidecar_test_" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    try (Connection admin = DriverManager.getConnection(POSTGRES + "postgres", "postgres", "");
        var s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + db);
    } catch (SQLException e) {
      assumeTrue(
          false,
          "no PostgreSQL on 127.0.0.1:5432 (" + e.getMessage() + "): PostgreSQL case skipped");
    }
    return POSTGRES + db;
  }

  /**
   * The top node of a query's plan as PostgreSQL ran it: {@code explain} is {@code EXPLAIN
   * (ANALYZE, BUFFERS, FORMAT JSON)} and the query, its parameters bound.
   */
  public static com.fasterxml.jackson.databind.JsonNode plan(java.sql.PreparedStatement explain)
      throws SQLException {
    try (var rows = explain.executeQuery()) {
      rows.next();
      return new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(rows.getString(1))
          .get(0)
          .get("Plan");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError("PostgreSQL's plan is not JSON: " + e.getMessage(), e);
    }
  }

  /** The pages (shared buffers found or read) a plan's run took. */
  public static long pagesRead(com.fasterxml.jackson.databind.JsonNode plan) {
    return plan.get("Shared Hit Blocks").asLong() + plan.get("Shared Read Blocks").asLong();
  }
}
