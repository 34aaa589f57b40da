package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each rule's state by name, in the event log's database (H2 embedded or PostgreSQL), kept across
 * restarts: a stable id (the id {@code sidecar.rule} and {@code sidecar.run} answer), whether it is
 * paused (when and by whom, and its last resume), how many times it fired, its last run and the
 * last error it ran into.
 *
 * <p>Every state is held in memory too, loaded at open and changed with the store: {@link
 * #isPaused} costs no query, as the processor asks it for each batch. Sidecars sharing a PostgreSQL
 * store see each other's changes after {@link #refresh}. The schema is {@code
 * io/odoosidecar/store/rule_states/V*.sql}, applied by {@link Migrations}.
 */
public final class RuleStates implements AutoCloseable {
  private static final int ERROR_LIMIT = 8000;
  private static final int BY_LIMIT = 255;
  private static final String COLUMNS =
      "id, name, paused, paused_ms, paused_by, resumed_ms, resumed_by, fired, last_run_ms,"
          + " last_error, last_error_ms";
  private static final String BY_NAME =
      "SELECT " + COLUMNS + " FROM sidecar_rule_state WHERE name = ?";
  private static final String ALL = "SELECT " + COLUMNS + " FROM sidecar_rule_state";
  private static final String RECORD =
      "UPDATE sidecar_rule_state SET fired = fired + ?,"
          + " last_run_ms = CASE WHEN last_run_ms IS NULL OR last_run_ms < ? THEN ?"
          + " ELSE last_run_ms END WHERE name = ?";
  private static final String RECORD_ERROR =
      "UPDATE sidecar_rule_state SET last_error = ?, last_error_ms = ?"
          + " WHERE name = ? AND (last_error_ms IS NULL OR last_error_ms <= ?)";

  /**
   * A rule's state.
   *
   * @param id its stable id
   * @param paused whether its events are held
   * @param pausedAt when it was last paused, or null
   * @param pausedBy who paused it last, or empty
   * @param resumedAt when it was last resumed, or null
   * @param resumedBy who resumed it last, or empty
   * @param fired how many times it fired (runs, over every restart)
   * @param lastRun when it last ran, or null
   * @param lastError the last error it ran into (kept when later runs succeed), or empty
   * @param lastErrorAt when that error happened, or null
   */
  public record State(
      long id,
      String name,
      boolean paused,
      Instant pausedAt,
      String pausedBy,
      Instant resumedAt,
      String resumedBy,
      long fired,
      Instant lastRun,
      String lastError,
      Instant lastErrorAt) {}

  /**
   * One run to count ({@link #recordRuns}).
   *
   * @param error its error, or empty when it succeeded
   */
  public record Mark(String rule, Instant when, String error) {}

  private final StoreConnection store;
  private volatile Map<String, State> states = Map.of();
  private volatile Set<String> paused = Set.of();

  private RuleStates(StoreConnection store) {
    this.store = store;
  }

  /** Opens the states on the connections a source gives, creating the table when missing. */
  public static RuleStates open(ConnectionSource source, Clock clock) {
    RuleStates out = new RuleStates(StoreConnection.open(source, "rule states", "rule_states"));
    out.refresh();
    return out;
  }

  /** Reads every state from the store again (changes made by another sidecar of a cluster). */
  public synchronized void refresh() {
    Map<String, State> all =
        store.work(
            c -> {
              Map<String, State> out = new HashMap<>();
              try (Statement s = c.createStatement();
                  ResultSet rows = s.executeQuery(ALL)) {
                while (rows.next()) {
                  State state = state(rows);
                  out.put(state.name(), state);
                }
              }
              return out;
            });
    publish(all);
  }

  /** The rule's stable id, given it now when it has none. */
  public long id(String name) {
    State known = states.get(name);
    return known != null ? known.id() : ensure(name).id();
  }

  /** The rule's state, if it has one. */
  public Optional<State> state(String name) {
    return Optional.ofNullable(states.get(name));
  }

  /** Every rule's state, by name. */
  public Map<String, State> all() {
    return new TreeMap<>(states);
  }

  /** The rules paused now. */
  public Set<String> paused() {
    return paused;
  }

  /** Whether the rule is paused now; from memory. */
  public boolean isPaused(String name) {
    return paused.contains(name);
  }

  /** Pauses a rule; false when it was paused already (nothing changed). */
  public boolean pause(String name, String by, Instant when) {
    return change(name, true, by, when);
  }

  /** Resumes a rule; false when it was not paused (nothing changed). */
  public boolean resume(String name, String by, Instant when) {
    return change(name, false, by, when);
  }

  private synchronized boolean change(String name, boolean pause, String by, Instant when) {
    ensure(name);
    String sql =
        pause
            ? "UPDATE sidecar_rule_state SET paused = TRUE, paused_ms = ?, paused_by = ?"
                + " WHERE name = ? AND paused = FALSE"
            : "UPDATE sidecar_rule_state SET paused = FALSE, resumed_ms = ?, resumed_by = ?"
                + " WHERE name = ? AND paused = TRUE";
    int changed =
        store.work(
            c -> {
              try (PreparedStatement update = c.prepareStatement(sql)) {
                update.setLong(1, when.toEpochMilli());
                update.setString(2, clip(by, BY_LIMIT));
                update.setString(3, name);
                return update.executeUpdate();
              }
            });
    reload(List.of(name));
    return changed == 1;
  }

  /** Counts one run of a rule: fired once more, its last run, its error when it has one. */
  public void recordRun(String name, Instant when, String error) {
    recordRuns(List.of(new Mark(name, when, error)));
  }

  /** Counts runs, in one transaction. */
  public synchronized void recordRuns(Collection<Mark> marks) {
    if (marks.isEmpty()) {
      return;
    }
    Map<String, List<Mark>> byRule = new LinkedHashMap<>();
    marks.forEach(m -> byRule.computeIfAbsent(m.rule(), k -> new java.util.ArrayList<>()).add(m));
    byRule.keySet().forEach(this::ensure);
    store.inTransaction(
        c -> {
          for (Map.Entry<String, List<Mark>> e : byRule.entrySet()) {
            record(c, e.getKey(), e.getValue());
          }
          return null;
        });
    reload(byRule.keySet());
  }

  private static void record(Connection c, String name, List<Mark> marks) throws SQLException {
    long last = marks.stream().mapToLong(m -> m.when().toEpochMilli()).max().orElseThrow();
    try (PreparedStatement update = c.prepareStatement(RECORD)) {
      update.setLong(1, marks.size());
      update.setLong(2, last);
      update.setLong(3, last);
      update.setString(4, name);
      update.executeUpdate();
    }
    Optional<Mark> failed =
        marks.stream()
            .filter(m -> m.error() != null && !m.error().isEmpty())
            .max(java.util.Comparator.comparing(Mark::when));
    if (failed.isPresent()) {
      long at = failed.get().when().toEpochMilli();
      try (PreparedStatement update = c.prepareStatement(RECORD_ERROR)) {
        update.setString(1, clip(failed.get().error(), ERROR_LIMIT));
        update.setLong(2, at);
        update.setString(3, name);
        update.setLong(4, at);
        update.executeUpdate();
      }
    }
  }

  /** The rule's state, its row made first when it has none (another sidecar may make it too). */
  private synchronized State ensure(String name) {
    State known = states.get(name);
    if (known != null) {
      return known;
    }
    State made =
        store.work(
            c -> {
              Optional<State> found = select(c, name);
              if (found.isPresent()) {
                return found.get();
              }
              try (PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO sidecar_rule_state (name, paused, fired) VALUES (?, FALSE, 0)")) {
                insert.setString(1, name);
                insert.executeUpdate();
              } catch (SQLException e) {
                if (!"23505".equals(e.getSQLState())) {
                  throw e;
                }
                // made meanwhile by another sidecar on the same database: read it
              }
              return select(c, name).orElseThrow(() -> new SQLException("no state for " + name));
            });
    Map<String, State> next = new HashMap<>(states);
    next.put(name, made);
    publish(next);
    return made;
  }

  /** Reads some rules' states again from the store. */
  private synchronized void reload(Collection<String> names) {
    Map<String, State> next = new HashMap<>(states);
    store.work(
        c -> {
          for (String name : names) {
            select(c, name).ifPresent(s -> next.put(name, s));
          }
          return null;
        });
    publish(next);
  }

  private void publish(Map<String, State> next) {
    states = Map.copyOf(next);
    paused = Set.copyOf(next.values().stream().filter(State::paused).map(State::name).toList());
  }

  private static Optional<State> select(Connection c, String name) throws SQLException {
    try (PreparedStatement select = c.prepareStatement(BY_NAME)) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(state(rows)) : Optional.empty();
      }
    }
  }

  private static State state(ResultSet rows) throws SQLException {
    return new State(
        rows.getLong("id"),
        rows.getString("name"),
        rows.getBoolean("paused"),
        instant(rows, "paused_ms"),
        text(rows.getString("paused_by")),
        instant(rows, "resumed_ms"),
        text(rows.getString("resumed_by")),
        rows.getLong("fired"),
        instant(rows, "last_run_ms"),
        text(rows.getString("last_error")),
        instant(rows, "last_error_ms"));
  }

  private static Instant instant(ResultSet rows, String column) throws SQLException {
    long millis = rows.getLong(column);
    return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private static String clip(String text, int limit) {
    String value = text == null ? "" : text;
    return value.length() <= limit ? value : value.substring(0, limit);
  }

  @Override
  public void close() {
    store.close();
  }
}
