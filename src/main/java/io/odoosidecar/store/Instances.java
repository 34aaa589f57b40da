package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The registry of the sidecar instances sharing the event log's database: each instance beats (its
 * public URL, when it started, its last heartbeat), and an instance is alive while its last beat is
 * within the lease. The leader gives the addon the URLs of those alive. The schema is {@code
 * io/odoosidecar/store/instances/V*.sql}, applied by {@link Migrations}.
 */
public final class Instances implements AutoCloseable {
  /** How long the row of an instance that stopped beating is kept (shown as not alive). */
  static final Duration KEPT = Duration.ofDays(1);

  /**
   * One instance as it last beat.
   *
   * @param url its public URL, as Odoo reaches it
   */
  public record Instance(String id, String url, Instant startedAt, Instant heartbeatAt) {}

  private final StoreConnection store;

  private Instances(StoreConnection store) {
    this.store = store;
  }

  /** Opens the registry on the connections a source gives, creating its table when missing. */
  public static Instances open(ConnectionSource source) {
    return new Instances(StoreConnection.open(source, "instance registry", "instances"));
  }

  /**
   * Records a heartbeat of instance {@code id} at {@code now} (its row made at its first), and
   * forgets instances silent for a day.
   */
  public void beat(String id, String url, Instant startedAt, Instant now) {
    store.inTransaction(
        c -> {
          if (update(c, id, url, startedAt, now) == 0) {
            try (PreparedStatement insert =
                c.prepareStatement(
                    "INSERT INTO sidecar_instance (id, url, started_ms, heartbeat_ms)"
                        + " VALUES (?, ?, ?, ?)")) {
              insert.setString(1, id);
              insert.setString(2, url);
              insert.setLong(3, startedAt.toEpochMilli());
              insert.setLong(4, now.toEpochMilli());
              insert.executeUpdate();
            }
          }
          try (PreparedStatement purge =
              c.prepareStatement("DELETE FROM sidecar_instance WHERE heartbeat_ms < ?")) {
            purge.setLong(1, now.minus(KEPT).toEpochMilli());
            purge.executeUpdate();
          }
          return null;
        });
  }

  private static int update(Connection c, String id, String url, Instant startedAt, Instant now)
      throws SQLException {
    try (PreparedStatement update =
        c.prepareStatement(
            "UPDATE sidecar_instance SET url = ?, started_ms = ?, heartbeat_ms = ? WHERE id = ?")) {
      update.setString(1, url);
      update.setLong(2, startedAt.toEpochMilli());
      update.setLong(3, now.toEpochMilli());
      update.setString(4, id);
      return update.executeUpdate();
    }
  }

  /** The instances whose last heartbeat is within {@code lease} of {@code now}, oldest first. */
  public List<Instance> live(Instant now, Duration lease) {
    return store.work(
        c -> {
          List<Instance> out = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT id, url, started_ms, heartbeat_ms FROM sidecar_instance"
                      + " WHERE heartbeat_ms > ? ORDER BY started_ms, id")) {
            select.setLong(1, now.minus(lease).toEpochMilli());
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                out.add(
                    new Instance(
                        rows.getString(1),
                        rows.getString(2),
                        Instant.ofEpochMilli(rows.getLong(3)),
                        Instant.ofEpochMilli(rows.getLong(4))));
              }
            }
          }
          return out;
        });
  }

  /** Removes an instance that stops: it is no longer given to the addon. */
  public void leave(String id) {
    store.work(
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM sidecar_instance WHERE id = ?")) {
            delete.setString(1, id);
            return delete.executeUpdate();
          }
        });
  }

  @Override
  public void close() {
    store.close();
  }
}
