package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.Redaction;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Brings a store's schema to the version this build knows, with Flyway, on H2 or PostgreSQL.
 *
 * <p>Each store has its folder of versioned SQL files, {@code io/odoosidecar/store/STORE/V<n>__
 * what.sql}, and its own history table ({@code sidecar_schema_STORE}), so that stores sharing a
 * database migrate independently. A store migrated by a newer build (a version this build does not
 * have) is refused with a message: a downgrade would run old code on a schema it does not know.
 *
 * <p>A database from before Flyway recorded its versions in {@code sidecar_schema (store,
 * version)}, or (the event log's tables) made them with {@code CREATE TABLE IF NOT EXISTS}: the
 * first migration baselines at the recorded version, and the event log's first files are written to
 * find their tables already there.
 */
public final class Migrations {
  private static final String BASE = "io/odoosidecar/store/";

  private Migrations() {}

  /**
   * Migrates {@code store} on the connection; returns how many files were applied.
   *
   * @param store the store's folder under {@code io/odoosidecar/store/} ({@code events}, {@code
   *     quartz/h2})
   * @throws SidecarException naming the store when its schema is newer than this build's
   */
  public static int apply(Connection connection, String store) throws SQLException {
    Flyway flyway = flyway(connection, store);
    refuseDowngrade(flyway, store);
    try {
      return flyway.migrate().migrationsExecuted;
    } catch (FlywayException e) {
      throw new SidecarException(
          "cannot migrate the " + store + " store: " + Redaction.text(e.getMessage()), e);
    }
  }

  private static Flyway flyway(Connection connection, String store) throws SQLException {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(new SingleConnectionDataSource(connection))
        .locations(locations(connection, store))
        .table(table(store))
        .baselineOnMigrate(true)
        .baselineVersion(MigrationVersion.fromVersion(Integer.toString(legacy(connection, store))))
        .baselineDescription("recorded before Flyway")
        .placeholderReplacement(false)
        .ignoreMigrationPatterns(new String[0])
        .validateMigrationNaming(true)
        .cleanDisabled(true)
        .load();
  }

  /**
   * The stores that have files for PostgreSQL alone as well as their common ones, under {@code
   * postgresql/STORE}, in the same history: the event log's index of the pending events (a partial
   * index, which H2 cannot make; H2's claims are kept in memory).
   */
  private static final Set<String> POSTGRESQL_FILES = Set.of("events");

  /** Where the store's files are: its folder, and its PostgreSQL folder on PostgreSQL. */
  private static String[] locations(Connection connection, String store) throws SQLException {
    String common = "classpath:" + BASE + store;
    return POSTGRESQL_FILES.contains(store) && StoreSql.postgres(connection)
        ? new String[] {common, "classpath:" + BASE + "postgresql/" + store}
        : new String[] {common};
  }

  /**
   * The store's history table: {@code sidecar_schema_} and the folder, in SQL's letters. Flyway
   * quotes its names: on H2 they are lower case, {@code "sidecar_schema_events"."version"}.
   */
  static String table(String store) {
    return "sidecar_schema_" + store.replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT);
  }

  private static void refuseDowngrade(Flyway flyway, String store) {
    MigrationInfo[] future =
        Arrays.stream(flyway.info().all())
            .filter(
                i ->
                    i.getState() == MigrationState.FUTURE_SUCCESS
                        || i.getState() == MigrationState.FUTURE_FAILED)
            .toArray(MigrationInfo[]::new);
    if (future.length == 0) {
      return;
    }
    MigrationInfo newest = future[future.length - 1];
    throw new SidecarException(
        "the "
            + store
            + " store's schema is at version "
            + newest.getVersion()
            + " ("
            + newest.getDescription()
            + "), made by a newer sidecar; this sidecar knows versions up to "
            + known(flyway)
            + ". A downgrade is refused: run the newer sidecar again, or restore the store's"
            + " backup taken before the upgrade.");
  }

  /** The newest version among this build's files. */
  private static String known(Flyway flyway) {
    return Arrays.stream(flyway.info().all())
        .filter(i -> i.getType() != null && !i.getType().isBaseline())
        .filter(i -> i.getState() != MigrationState.FUTURE_SUCCESS)
        .filter(i -> i.getState() != MigrationState.FUTURE_FAILED)
        .map(MigrationInfo::getVersion)
        .filter(java.util.Objects::nonNull)
        .max(MigrationVersion::compareTo)
        .map(MigrationVersion::toString)
        .orElse("0");
  }

  /** The version recorded for the store before Flyway (0 when none). */
  private static int legacy(Connection connection, String store) throws SQLException {
    if (!hasTable(connection, "sidecar_schema")) {
      return 0;
    }
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT COALESCE(MAX(version), 0) FROM sidecar_schema WHERE store = ?")) {
      ps.setString(1, store);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : 0;
      }
    }
  }

  private static boolean hasTable(Connection connection, String name) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    for (String candidate : new String[] {name, name.toUpperCase(Locale.ROOT)}) {
      try (ResultSet rs = meta.getTables(null, null, candidate, new String[] {"TABLE"})) {
        if (rs.next()) {
          return true;
        }
      }
    }
    return false;
  }
}
