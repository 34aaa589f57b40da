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
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The due times of the timed rules: for each (database, rule, record) the instant the rule fires on
 * the record next, and for each (database, rule) what the times were computed from and up to when
 * they have fired. One table row per scheduled record: the scheduler keeps only the earliest time
 * in memory (as one Quartz trigger), so a hundred thousand scheduled records cost the index alone.
 *
 * <p>Its tables live in the event log's database (H2 or PostgreSQL), created by its migration
 * files. Several sidecars on one PostgreSQL share it: writes are upserts.
 */
public final class DueIndex implements AutoCloseable {

  /** A record's due time under a rule. */
  public record Due(String database, String rule, long recordId, Instant at) {}

  /**
   * What a rule's due times were computed from and how far they have fired.
   *
   * @param fingerprint the rule's timing and filter, as {@link TimedRule#fingerprint()}
   * @param filled when its records were last read in full
   * @param swept due times before this have fired (Odoo's {@code last_run})
   */
  public record RuleState(String fingerprint, Instant filled, Instant swept) {}

  private final StoreConnection store;
  private final boolean postgres;

  private DueIndex(StoreConnection store) {
    this.store = store;
    this.postgres = store.postgres();
  }

  /** Opens the index on the event log's database, creating its tables when missing. */
  public static DueIndex open(ConnectionSource source, Clock clock) {
    return new DueIndex(StoreConnection.open(source, "due-time index", "due_index"));
  }

  /** Sets the due times of records (replacing earlier ones), in one transaction. */
  public synchronized void put(Collection<Due> dues) {
    update(dues, List.of());
  }

  /**
   * Sets the due times of some records and forgets those of others ({@code forgotten}: their
   * database, rule and record; the time is not compared), in one transaction: each commit of the
   * embedded database writes its changed pages anew, so a change learned under several rules
   * commits once.
   */
  public synchronized void update(Collection<Due> dues, Collection<Due> forgotten) {
    if (dues.isEmpty() && forgotten.isEmpty()) {
      return;
    }
    inTransaction(
        c -> {
          batch(c, DELETE, forgotten, false);
          batch(c, postgres ? UPSERT_POSTGRES : MERGE_H2, dues, true);
          return null;
        });
  }

  private static final String DELETE =
      "DELETE FROM sidecar_due WHERE db = ? AND rule_name = ? AND record_id = ?";
  private static final String UPSERT_POSTGRES =
      "INSERT INTO sidecar_due (db, rule_name, record_id, due_ms) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (db, rule_name, record_id) DO UPDATE SET due_ms = EXCLUDED.due_ms";
  private static final String MERGE_H2 =
      "MERGE INTO sidecar_due (db, rule_name, record_id, due_ms)"
          + " KEY (db, rule_name, record_id) VALUES (?, ?, ?, ?)";

  private static void batch(Connection c, String sql, Collection<Due> dues, boolean withTime)
      throws SQLException {
    if (dues.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (Due due : dues) {
        ps.setString(1, due.database());
        ps.setString(2, due.rule());
        ps.setLong(3, due.recordId());
        if (withTime) {
          ps.setLong(4, due.at().toEpochMilli());
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Adds a page of due times of a rule being read in full (after {@link #clearRule}). */
  public synchronized void add(Collection<Due> dues) {
    if (dues.isEmpty()) {
      return;
    }
    // a merge on H2 too: a change learned meanwhile may have put one of these records already
    String sql = postgres ? UPSERT_POSTGRES : MERGE_H2;
    inTransaction(
        c -> {
          batch(c, sql, dues, true);
          return null;
        });
  }

  /** Forgets the due times of records under a rule. */
  public synchronized void remove(String database, String rule, Collection<Long> recordIds) {
    if (recordIds.isEmpty()) {
      return;
    }
    inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM sidecar_due WHERE db = ? AND rule_name = ? AND record_id = ?")) {
            for (long id : recordIds) {
              ps.setString(1, database);
              ps.setString(2, rule);
              ps.setLong(3, id);
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /** Forgets a fired due time, unless the record was given another since. */
  public synchronized void removeFired(Collection<Due> fired) {
    if (fired.isEmpty()) {
      return;
    }
    inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM sidecar_due WHERE db = ? AND rule_name = ? AND record_id = ?"
                      + " AND due_ms = ?")) {
            for (Due due : fired) {
              ps.setString(1, due.database());
              ps.setString(2, due.rule());
              ps.setLong(3, due.recordId());
              ps.setLong(4, due.at().toEpochMilli());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  /** Forgets every due time of a rule and its state. */
  public synchronized void forgetRule(String database, String rule) {
    inTransaction(
        c -> {
          for (String table : List.of("sidecar_due", "sidecar_due_rule")) {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM " + table + " WHERE db = ? AND rule_name = ?")) {
              ps.setString(1, database);
              ps.setString(2, rule);
              ps.executeUpdate();
            }
          }
          return null;
        });
  }

  /** Forgets the due times of a rule, keeping its state (before it is filled again). */
  public synchronized void clearRule(String database, String rule) {
    work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM sidecar_due WHERE db = ? AND rule_name = ?")) {
            ps.setString(1, database);
            ps.setString(2, rule);
            return ps.executeUpdate();
          }
        });
  }

  /** The due times at or before {@code until}, earliest first, at most {@code limit}. */
  public synchronized List<Due> dueBy(Instant until, int limit) {
    return work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT db, rule_name, record_id, due_ms FROM sidecar_due WHERE due_ms <= ?"
                      + " ORDER BY due_ms, db, rule_name, record_id LIMIT ?")) {
            ps.setLong(1, until.toEpochMilli());
            ps.setInt(2, limit);
            return dues(ps);
          }
        });
  }

  /** The records a rule holds due times of, earliest first (for tests and the status). */
  public synchronized List<Due> ofRule(String database, String rule) {
    return work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT db, rule_name, record_id, due_ms FROM sidecar_due WHERE db = ? AND"
                      + " rule_name = ? ORDER BY due_ms, record_id")) {
            ps.setString(1, database);
            ps.setString(2, rule);
            return dues(ps);
          }
        });
  }

  private static List<Due> dues(PreparedStatement ps) throws SQLException {
    List<Due> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Due(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                Instant.ofEpochMilli(rs.getLong(4))));
      }
    }
    return out;
  }

  /** The earliest due time of all, if any. */
  public synchronized Optional<Instant> next() {
    OptionalLong ms =
        work(
            c -> {
              try (PreparedStatement ps =
                      c.prepareStatement("SELECT MIN(due_ms) FROM sidecar_due");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
              }
            });
    return ms.isPresent() ? Optional.of(Instant.ofEpochMilli(ms.getAsLong())) : Optional.empty();
  }

  /** A rule's count of scheduled records and its earliest due time. */
  public record Summary(long count, Instant next) {}

  /** How many records a rule holds due times of, and the earliest. */
  public synchronized Summary summary(String database, String rule) {
    return work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT COUNT(*), MIN(due_ms) FROM sidecar_due WHERE db = ? AND rule_name = ?")) {
            ps.setString(1, database);
            ps.setString(2, rule);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              long count = rs.getLong(1);
              long min = rs.getLong(2);
              return new Summary(count, rs.wasNull() ? null : Instant.ofEpochMilli(min));
            }
          }
        });
  }

  /** A rule's state, if it was ever filled. */
  public synchronized Optional<RuleState> state(String database, String rule) {
    return work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT fingerprint, filled_ms, swept_ms FROM sidecar_due_rule"
                      + " WHERE db = ? AND rule_name = ?")) {
            ps.setString(1, database);
            ps.setString(2, rule);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new RuleState(
                          rs.getString(1),
                          Instant.ofEpochMilli(rs.getLong(2)),
                          Instant.ofEpochMilli(rs.getLong(3))))
                  : Optional.<RuleState>empty();
            }
          }
        });
  }

  /** The rules with a state on a database. */
  public synchronized List<String> rules(String database) {
    return work(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT rule_name FROM sidecar_due_rule WHERE db = ?")) {
            ps.setString(1, database);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1));
              }
            }
            return out;
          }
        });
  }

  /** Records a rule's state. */
  public synchronized void saveState(String database, String rule, RuleState state) {
    String sql =
        postgres
            ? "INSERT INTO sidecar_due_rule (db, rule_name, fingerprint, filled_ms, swept_ms)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (db, rule_name) DO UPDATE SET"
                + " fingerprint = EXCLUDED.fingerprint, filled_ms = EXCLUDED.filled_ms,"
                + " swept_ms = EXCLUDED.swept_ms"
            : "MERGE INTO sidecar_due_rule (db, rule_name, fingerprint, filled_ms, swept_ms)"
                + " KEY (db, rule_name) VALUES (?, ?, ?, ?, ?)";
    work(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, database);
            ps.setString(2, rule);
            ps.setString(3, state.fingerprint());
            ps.setLong(4, state.filled().toEpochMilli());
            ps.setLong(5, state.swept().toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  /** Closes the index's connection. */
  @Override
  public void close() {
    store.close();
  }

  private <T> T inTransaction(StoreConnection.Work<T> work) {
    return store.inTransaction(work);
  }

  private <T> T work(StoreConnection.Work<T> work) {
    return store.work(work);
  }
}
