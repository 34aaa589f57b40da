package io.odoosidecar.schedule;

import io.odoosidecar.store.EventLog.ConnectionSource;
import io.odoosidecar.store.StoreConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last run of each schedule, per database and name, in the event log's database (H2 embedded or
 * PostgreSQL): when it started and ended, its result, and whether it is running now. It is what
 * {@code sidecar schedules list} shows of the past; shared by the sidecars of a cluster, so that it
 * shows the last run whichever of them made it.
 *
 * <p>The schema is {@code io/odoosidecar/store/schedule_runs/V*.sql}, applied by {@link
 * io.odoosidecar.store.Migrations}. A run whose sidecar stopped mid-way stays marked running until
 * its next run.
 */
public final class ScheduleRuns implements AutoCloseable {
  private static final int RESULT_LIMIT = 8000;

  /**
   * The last run of one schedule.
   *
   * @param database the database ({@code null}: the main connection's)
   * @param name the schedule's name
   * @param started when it started
   * @param ended when it ended; null while running or when it never ended
   * @param result {@code ok} or {@code failed: <reason>}; null before the first run ended
   * @param running whether it is running now
   */
  public record Run(
      String database,
      String name,
      Instant started,
      Instant ended,
      String result,
      boolean running) {}

  private final StoreConnection store;

  private ScheduleRuns(StoreConnection store) {
    this.store = store;
  }

  /** Opens the store on the connections a source gives, creating its table when missing. */
  public static ScheduleRuns open(ConnectionSource source, Clock clock) {
    return new ScheduleRuns(StoreConnection.open(source, "schedules' runs", "schedule_runs"));
  }

  /** A run of the schedule started. */
  public synchronized void started(String database, String name, Instant at) {
    work(
        c -> {
          if (restart(c, database, name, at) == 0) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO schedule_runs (database_name, name, started_ms, running)"
                        + " VALUES (?, ?, ?, TRUE)")) {
              ps.setString(1, key(database));
              ps.setString(2, name);
              ps.setLong(3, at.toEpochMilli());
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  /** The run started last ended, with this result. */
  public synchronized void finished(String database, String name, Instant at, String result) {
    String cut = result.length() <= RESULT_LIMIT ? result : result.substring(0, RESULT_LIMIT);
    work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE schedule_runs SET ended_ms = ?, result = ?, running = FALSE"
                      + " WHERE database_name = ? AND name = ?")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, cut);
            ps.setString(3, key(database));
            ps.setString(4, name);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The last run of a schedule, if it ever ran. */
  public synchronized Optional<Run> last(String database, String name) {
    return work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT database_name, name, started_ms, ended_ms, result, running"
                      + " FROM schedule_runs WHERE database_name = ? AND name = ?")) {
            ps.setString(1, key(database));
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(run(rs)) : Optional.<Run>empty();
            }
          }
        });
  }

  /** The last run of every schedule that ran, by database and name. */
  public synchronized List<Run> all() {
    return work(
        c -> {
          List<Run> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT database_name, name, started_ms, ended_ms, result, running"
                          + " FROM schedule_runs ORDER BY database_name, name");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(run(rs));
            }
          }
          return out;
        });
  }

  private static Run run(ResultSet rs) throws SQLException {
    String database = rs.getString("database_name");
    long ended = rs.getLong("ended_ms");
    boolean noEnd = rs.wasNull();
    return new Run(
        database.isEmpty() ? null : database,
        rs.getString("name"),
        Instant.ofEpochMilli(rs.getLong("started_ms")),
        noEnd ? null : Instant.ofEpochMilli(ended),
        rs.getString("result"),
        rs.getBoolean("running"));
  }

  /** Marks the row of an earlier run as running again from {@code at}; how many rows it was. */
  private static int restart(Connection c, String database, String name, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE schedule_runs SET started_ms = ?, running = TRUE"
                + " WHERE database_name = ? AND name = ?")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, key(database));
      ps.setString(3, name);
      return ps.executeUpdate();
    }
  }

  private static String key(String database) {
    return database == null ? "" : database;
  }

  private <T> T work(StoreConnection.Work<T> work) {
    return store.work(work);
  }

  @Override
  public void close() {
    store.close();
  }
}
