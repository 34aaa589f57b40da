package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Named leases among the instances sharing the event log's database, such as the leader's: one
 * owner at a time, until the lease's end; an owner renews it before then, and once it ends another
 * may take it. Times are the instances' clocks, in epoch milliseconds (their skew shortens or
 * lengthens a lease by as much). The schema is {@code io/odoosidecar/store/leases/V*.sql}, applied
 * by {@link Migrations}.
 */
public final class Leases implements AutoCloseable {
  /** Takes the lease when free, ended or already the owner's, in one statement (PostgreSQL). */
  private static final String UPSERT =
      "INSERT INTO sidecar_lease (name, owner, expires_ms) VALUES (?, ?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner,"
          + " expires_ms = EXCLUDED.expires_ms"
          + " WHERE sidecar_lease.owner = EXCLUDED.owner OR sidecar_lease.expires_ms <= ?";

  private final StoreConnection store;

  private Leases(StoreConnection store) {
    this.store = store;
  }

  /** Opens the leases on the connections a source gives, creating their table when missing. */
  public static Leases open(ConnectionSource source) {
    return new Leases(StoreConnection.open(source, "leases", "leases"));
  }

  /**
   * Takes or renews lease {@code name} for {@code owner} until {@code now + ttl}, when nobody else
   * holds it now; returns whether {@code owner} holds it.
   */
  public boolean acquire(String name, String owner, Instant now, Duration ttl) {
    long until = now.plus(ttl).toEpochMilli();
    return store.inTransaction(
        c ->
            store.postgres()
                ? upsert(c, name, owner, now, until)
                : take(c, name, owner, now, until));
  }

  private static boolean upsert(Connection c, String name, String owner, Instant now, long until)
      throws SQLException {
    try (PreparedStatement upsert = c.prepareStatement(UPSERT)) {
      upsert.setString(1, name);
      upsert.setString(2, owner);
      upsert.setLong(3, until);
      upsert.setLong(4, now.toEpochMilli());
      return upsert.executeUpdate() == 1;
    }
  }

  /** The same on H2, whose one instance takes its leases alone. */
  private static boolean take(Connection c, String name, String owner, Instant now, long until)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE sidecar_lease SET owner = ?, expires_ms = ?"
                + " WHERE name = ? AND (owner = ? OR expires_ms <= ?)")) {
      update.setString(1, owner);
      update.setLong(2, until);
      update.setString(3, name);
      update.setString(4, owner);
      update.setLong(5, now.toEpochMilli());
      if (update.executeUpdate() == 1) {
        return true;
      }
    }
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO sidecar_lease (name, owner, expires_ms) SELECT ?, ?, ? FROM (VALUES (1))"
                + " AS one WHERE NOT EXISTS (SELECT 1 FROM sidecar_lease WHERE name = ?)")) {
      insert.setString(1, name);
      insert.setString(2, owner);
      insert.setLong(3, until);
      insert.setString(4, name);
      return insert.executeUpdate() == 1;
    }
  }

  /** Gives lease {@code name} up when {@code owner} holds it: another may take it at once. */
  public void release(String name, String owner) {
    store.work(
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM sidecar_lease WHERE name = ? AND owner = ?")) {
            delete.setString(1, name);
            delete.setString(2, owner);
            return delete.executeUpdate();
          }
        });
  }

  /** Who holds lease {@code name} at {@code now}, if anyone. */
  public Optional<String> holder(String name, Instant now) {
    return store.work(
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT owner FROM sidecar_lease WHERE name = ? AND expires_ms > ?")) {
            select.setString(1, name);
            select.setLong(2, now.toEpochMilli());
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void close() {
    store.close();
  }
}
