package io.odoosidecar.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rules' runs ({@link RuleRun}), kept in the event log's database (H2 embedded or PostgreSQL)
 * for the console and {@code sidecar.run}: newest first, one run by id, the last failure of an
 * event (a dead letter's traceback), and each rule's durations.
 *
 * <p>Bounded: {@link #prune} keeps the newest {@link Limits#maxRuns} runs started within {@link
 * Limits#retention}; the daemon calls it on a schedule. The schema is {@code
 * io/odoosidecar/store/run_history/V*.sql}, applied by {@link Migrations}.
 *
 * <p>Implementation notes: a run's actions are one JSON column, in the shape {@code sidecar.run}
 * answers ({@code index, kind, records, duration_ms, result, error, calls}); each action keeps its
 * first {@value #CALLS_KEPT} calls (the rest counted in {@code calls_omitted}), the run's {@code
 * calls} column counts them all. Texts longer than their column are cut. The events of a run that
 * failed or parked records are linked to it in {@code sidecar_run_failure}, so that the last
 * failure of an event is one indexed lookup.
 */
public final class RunHistory implements AutoCloseable {

  /** The most calls of one action its JSON keeps. */
  public static final int CALLS_KEPT = 200;

  private static final int ERROR_LIMIT = 8000;
  private static final int CALL_ERROR_LIMIT = 1000;
  private static final int TRACEBACK_LIMIT = 100_000;
  private static final int TEXT_LIMIT = 1_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String COLUMNS =
      "id, rule_name, trigger_name, database_name, model, event_ids, record_ids, records,"
          + " started_ms, duration_us, result, error, traceback, actions, calls";
  private static final String INSERT =
      "INSERT INTO sidecar_run (rule_name, trigger_name, database_name, model, event_ids,"
          + " record_ids, records, started_ms, duration_us, result, error, traceback, actions,"
          + " calls) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String LINK =
      "INSERT INTO sidecar_run_failure (event_id, run_id) VALUES (?, ?)";
  private static final String RECENT =
      "SELECT " + COLUMNS + " FROM sidecar_run ORDER BY id DESC LIMIT ? OFFSET ?";
  private static final String RECENT_OF_RULE =
      "SELECT "
          + COLUMNS
          + " FROM sidecar_run WHERE rule_name = ? ORDER BY id DESC LIMIT ? OFFSET ?";
  private static final String PAGE_UP =
      "SELECT " + COLUMNS + " FROM sidecar_run WHERE id > ? ORDER BY id LIMIT ?";
  private static final String PAGE_DOWN =
      "SELECT " + COLUMNS + " FROM sidecar_run WHERE id < ? ORDER BY id DESC LIMIT ?";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM sidecar_run WHERE id = ?";
  private static final String LAST_FAILURE =
      "SELECT "
          + COLUMNS
          + " FROM sidecar_run WHERE id ="
          + " (SELECT MAX(run_id) FROM sidecar_run_failure WHERE event_id = ?)";
  private static final String DURATIONS =
      "SELECT rule_name, duration_us FROM sidecar_run ORDER BY rule_name, duration_us";
  private static final String LAST_RUNS =
      "SELECT rule_name, started_ms, result FROM sidecar_run WHERE id IN"
          + " (SELECT MAX(id) FROM sidecar_run GROUP BY rule_name)";
  private static final String LAST_ERRORS =
      "SELECT rule_name, started_ms, error FROM sidecar_run WHERE id IN"
          + " (SELECT MAX(id) FROM sidecar_run WHERE error <> '' GROUP BY rule_name)";

  /**
   * How much is kept.
   *
   * @param maxRuns the newest runs kept ({@code history.max-runs})
   * @param retention how long a run is kept after it started ({@code history.retention})
   */
  public record Limits(int maxRuns, Duration retention) {
    /** 10000 runs, 30 days. */
    public static final Limits DEFAULT = new Limits(10_000, Duration.ofDays(30));

    public Limits {
      if (maxRuns < 1) {
        throw new IllegalArgumentException("history.max-runs must be at least 1, not " + maxRuns);
      }
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("history.retention must be positive, not " + retention);
      }
    }
  }

  /**
   * A kept run.
   *
   * @param id its id in the history
   * @param run the run, its start to the millisecond, each action with the calls kept
   * @param calls how many calls its actions made
   * @param actionsJson its actions as {@code sidecar.run} answers them
   */
  public record Run(long id, RuleRun run, int calls, String actionsJson) {}

  /**
   * A rule's runs, over the kept ones.
   *
   * @param runs how many are kept
   * @param p50Ms the median duration (nearest rank), in milliseconds
   * @param p95Ms the 95th percentile duration (nearest rank), in milliseconds
   * @param lastRun when the last kept run started
   * @param lastResult the last kept run's result
   * @param lastError the error of the last kept run that had one, or empty
   * @param lastErrorAt when that run started, or null
   */
  public record Stats(
      String rule,
      int runs,
      double p50Ms,
      double p95Ms,
      Instant lastRun,
      String lastResult,
      String lastError,
      Instant lastErrorAt) {}

  private final StoreConnection store;
  private final Clock clock;
  private final Limits limits;

  private RunHistory(StoreConnection store, Clock clock, Limits limits) {
    this.store = store;
    this.clock = clock;
    this.limits = limits;
  }

  /**
   * Opens the history on the connections a source gives, creating its tables when missing.
   *
   * @param clock the time {@link #prune} measures the retention on
   */
  public static RunHistory open(ConnectionSource source, Clock clock, Limits limits) {
    return new RunHistory(
        StoreConnection.open(source, "run history", "run_history"), clock, limits);
  }

  /** What is kept. */
  public Limits limits() {
    return limits;
  }

  /** Keeps runs, in one transaction (one batch of inserts); returns their ids, in order. */
  public List<Long> append(List<RuleRun> runs) {
    if (runs.isEmpty()) {
      return List.of();
    }
    return store.inTransaction(
        c -> {
          List<Long> ids = insert(c, runs);
          link(c, runs, ids);
          return ids;
        });
  }

  private static List<Long> insert(Connection c, List<RuleRun> runs) throws SQLException {
    List<Long> ids = new ArrayList<>(runs.size());
    try (PreparedStatement insert = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
      for (RuleRun run : runs) {
        bind(insert, run);
        insert.addBatch();
      }
      insert.executeBatch();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        while (keys.next()) {
          ids.add(keys.getLong(1));
        }
      }
    }
    if (ids.size() != runs.size()) {
      throw new SQLException("the store gave " + ids.size() + " ids for " + runs.size() + " runs");
    }
    return ids;
  }

  private static void bind(PreparedStatement insert, RuleRun run) throws SQLException {
    insert.setString(1, run.rule());
    insert.setString(2, run.trigger());
    insert.setString(3, run.database());
    insert.setString(4, run.model());
    insert.setString(5, idsText(run.events()));
    insert.setString(6, idsText(run.records()));
    insert.setInt(7, run.records().size());
    insert.setLong(8, run.started().toEpochMilli());
    insert.setLong(9, run.durationMicros());
    insert.setString(10, run.result());
    insert.setString(11, clip(run.error(), ERROR_LIMIT));
    insert.setString(12, clip(run.traceback(), TRACEBACK_LIMIT));
    insert.setString(13, actionsJson(run.actions()));
    insert.setInt(14, calls(run));
  }

  /** Links the events of the runs that failed or parked records to them. */
  private static void link(Connection c, List<RuleRun> runs, List<Long> ids) throws SQLException {
    try (PreparedStatement link = c.prepareStatement(LINK)) {
      int links = 0;
      for (int i = 0; i < runs.size(); i++) {
        RuleRun run = runs.get(i);
        if (!failed(run.result())) {
          continue;
        }
        for (long event : new LinkedHashSet<>(run.events())) {
          link.setLong(1, event);
          link.setLong(2, ids.get(i));
          link.addBatch();
          links++;
        }
      }
      if (links > 0) {
        link.executeBatch();
      }
    }
  }

  private static boolean failed(String result) {
    return "failed".equals(result) || "parked".equals(result);
  }

  /** The calls a run's actions made. */
  public static int calls(RuleRun run) {
    return run.actions().stream().mapToInt(a -> a.calls().size()).sum();
  }

  /** The newest runs, of one rule or of all ({@code rule} null), newest first. */
  public List<Run> recent(String rule, int offset, int limit) {
    return store.work(
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(rule == null ? RECENT : RECENT_OF_RULE)) {
            int i = 1;
            if (rule != null) {
              select.setString(i++, rule);
            }
            select.setInt(i++, limit);
            select.setInt(i, offset);
            return runs(select);
          }
        });
  }

  /**
   * One page of the runs in id order: those after {@code from} (ascending) or before it
   * (descending), at most {@code limit}.
   */
  public List<Run> page(long from, boolean descending, int limit) {
    return store.work(
        c -> {
          try (PreparedStatement select = c.prepareStatement(descending ? PAGE_DOWN : PAGE_UP)) {
            select.setLong(1, from);
            select.setInt(2, limit);
            return runs(select);
          }
        });
  }

  /** One run, if it is kept. */
  public Optional<Run> run(long id) {
    return runs(List.of(id)).stream().findFirst();
  }

  /** The kept runs among {@code ids}, in id order. */
  public List<Run> runs(Collection<Long> ids) {
    return store.work(
        c -> {
          TreeMap<Long, Run> out = new TreeMap<>();
          try (PreparedStatement select = c.prepareStatement(BY_ID)) {
            for (long id : new LinkedHashSet<>(ids)) {
              select.setLong(1, id);
              runs(select).forEach(r -> out.put(r.id(), r));
            }
          }
          return new ArrayList<>(out.values());
        });
  }

  /** The last kept run that failed or parked records of an event, if any. */
  public Optional<Run> lastFailure(long eventId) {
    return Optional.ofNullable(lastFailures(List.of(eventId)).get(eventId));
  }

  /** The last kept failing run of each of these events that has one, by event id. */
  public Map<Long, Run> lastFailures(Collection<Long> eventIds) {
    return store.work(
        c -> {
          Map<Long, Run> out = new LinkedHashMap<>();
          try (PreparedStatement select = c.prepareStatement(LAST_FAILURE)) {
            for (long event : new LinkedHashSet<>(eventIds)) {
              select.setLong(1, event);
              runs(select).forEach(r -> out.put(event, r));
            }
          }
          return out;
        });
  }

  /** How many runs are kept. */
  public long count() {
    return store.work(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM sidecar_run")) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  /** Each rule's stats over its kept runs, by rule name. */
  public Map<String, Stats> stats() {
    return store.work(
        c -> {
          Map<String, List<Long>> durations = new LinkedHashMap<>();
          Map<String, Object[]> last = new LinkedHashMap<>();
          Map<String, Object[]> errors = new LinkedHashMap<>();
          try (Statement s = c.createStatement()) {
            try (ResultSet rows = s.executeQuery(DURATIONS)) {
              while (rows.next()) {
                durations
                    .computeIfAbsent(rows.getString(1), k -> new ArrayList<>())
                    .add(rows.getLong(2));
              }
            }
            readLast(s, LAST_RUNS, last);
            readLast(s, LAST_ERRORS, errors);
          }
          Map<String, Stats> out = new TreeMap<>();
          durations.forEach((rule, sorted) -> out.put(rule, stats(rule, sorted, last, errors)));
          return out;
        });
  }

  /** One rule's stats over its kept runs, if it has some. */
  public Optional<Stats> stats(String rule) {
    return Optional.ofNullable(stats().get(rule));
  }

  private static void readLast(Statement s, String sql, Map<String, Object[]> out)
      throws SQLException {
    try (ResultSet rows = s.executeQuery(sql)) {
      while (rows.next()) {
        out.put(
            rows.getString(1),
            new Object[] {Instant.ofEpochMilli(rows.getLong(2)), rows.getString(3)});
      }
    }
  }

  private static Stats stats(
      String rule, List<Long> sorted, Map<String, Object[]> last, Map<String, Object[]> errors) {
    Object[] lastRun = last.get(rule);
    Object[] lastError = errors.get(rule);
    return new Stats(
        rule,
        sorted.size(),
        percentile(sorted, 0.50) / 1000.0,
        percentile(sorted, 0.95) / 1000.0,
        lastRun == null ? null : (Instant) lastRun[0],
        lastRun == null ? "" : (String) lastRun[1],
        lastError == null ? "" : (String) lastError[1],
        lastError == null ? null : (Instant) lastError[0]);
  }

  /** The nearest-rank percentile of sorted values: the smallest with {@code p} of them at most. */
  static long percentile(List<Long> sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /**
   * Removes the runs started before the retention, then the oldest beyond the newest {@link
   * Limits#maxRuns}, in one transaction; returns how many were removed.
   */
  public int prune() {
    long cutoff = clock.instant().minus(limits.retention()).toEpochMilli();
    return store.inTransaction(c -> pruneOld(c, cutoff) + pruneBeyond(c, limits.maxRuns()));
  }

  private static int pruneOld(Connection c, long cutoff) throws SQLException {
    try (PreparedStatement links =
            c.prepareStatement(
                "DELETE FROM sidecar_run_failure WHERE run_id IN"
                    + " (SELECT id FROM sidecar_run WHERE started_ms < ?)");
        PreparedStatement runs =
            c.prepareStatement("DELETE FROM sidecar_run WHERE started_ms < ?")) {
      links.setLong(1, cutoff);
      links.executeUpdate();
      runs.setLong(1, cutoff);
      return runs.executeUpdate();
    }
  }

  private static int pruneBeyond(Connection c, int maxRuns) throws SQLException {
    long newestOut;
    try (PreparedStatement select =
        c.prepareStatement("SELECT id FROM sidecar_run ORDER BY id DESC LIMIT 1 OFFSET ?")) {
      select.setInt(1, maxRuns);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return 0;
        }
        newestOut = rows.getLong(1);
      }
    }
    try (PreparedStatement links =
            c.prepareStatement("DELETE FROM sidecar_run_failure WHERE run_id <= ?");
        PreparedStatement runs = c.prepareStatement("DELETE FROM sidecar_run WHERE id <= ?")) {
      links.setLong(1, newestOut);
      links.executeUpdate();
      runs.setLong(1, newestOut);
      return runs.executeUpdate();
    }
  }

  // ------------------------------------------------------------------ rows

  private static List<Run> runs(PreparedStatement select) throws SQLException {
    List<Run> out = new ArrayList<>();
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        out.add(run(rows));
      }
    }
    return out;
  }

  private static Run run(ResultSet rows) throws SQLException {
    String actions = rows.getString("actions");
    RuleRun run =
        new RuleRun(
            rows.getString("rule_name"),
            rows.getString("trigger_name"),
            rows.getString("database_name"),
            rows.getString("model"),
            ids(rows.getString("event_ids")),
            ids(rows.getString("record_ids")),
            Instant.ofEpochMilli(rows.getLong("started_ms")),
            rows.getLong("duration_us"),
            rows.getString("result"),
            rows.getString("error"),
            rows.getString("traceback"),
            actions(actions));
    return new Run(rows.getLong("id"), run, rows.getInt("calls"), actions);
  }

  private static String idsText(List<Long> ids) {
    StringBuilder out = new StringBuilder();
    for (long id : ids) {
      String next = (out.length() > 0 ? "," : "") + id;
      if (out.length() + next.length() > TEXT_LIMIT) {
        break; // the column's limit: the count of records stays exact
      }
      out.append(next);
    }
    return out.toString();
  }

  private static List<Long> ids(String text) {
    List<Long> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isEmpty()) {
        out.add(Long.parseLong(part));
      }
    }
    return out;
  }

  private static String clip(String text, int limit) {
    String value = text == null ? "" : text;
    return value.length() <= limit ? value : value.substring(0, limit);
  }

  /** A run's actions as {@code sidecar.run} answers them: a JSON list. */
  public static String actionsJson(List<RuleRun.Action> actions) {
    String json = write(actions, CALLS_KEPT);
    return json.length() <= TEXT_LIMIT ? json : write(actions, 0);
  }

  private static String write(List<RuleRun.Action> actions, int callsKept) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RuleRun.Action a : actions) {
      Map<String, Object> action = new LinkedHashMap<>();
      action.put("index", a.index());
      action.put("kind", a.kind());
      action.put("records", a.records());
      action.put("duration_ms", a.durationMicros() / 1000.0);
      action.put("result", a.result());
      action.put("error", clip(a.error(), ERROR_LIMIT));
      List<Map<String, Object>> calls = new ArrayList<>();
      for (RuleRun.Call call : a.calls().subList(0, Math.min(callsKept, a.calls().size()))) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", call.model());
        row.put("method", call.method());
        row.put("duration_ms", call.durationMicros() / 1000.0);
        row.put("error", clip(call.error(), CALL_ERROR_LIMIT));
        calls.add(row);
      }
      action.put("calls", calls);
      if (a.calls().size() > calls.size()) {
        action.put("calls_omitted", a.calls().size() - calls.size());
      }
      out.add(action);
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new SidecarException("cannot write a run's actions as JSON: " + e.getMessage(), e);
    }
  }

  private static List<RuleRun.Action> actions(String json) {
    List<Map<String, Object>> rows;
    try {
      rows = JSON.readValue(json, new TypeReference<List<Map<String, Object>>>() {});
    } catch (JsonProcessingException e) {
      throw new SidecarException("run history: a run's actions are not JSON: " + e.getMessage(), e);
    }
    List<RuleRun.Action> out = new ArrayList<>();
    for (Map<String, Object> a : rows) {
      List<RuleRun.Call> calls = new ArrayList<>();
      if (a.get("calls") instanceof List<?> list) {
        for (Object item : list) {
          Map<?, ?> call = (Map<?, ?>) item;
          calls.add(
              new RuleRun.Call(
                  String.valueOf(call.get("model")),
                  String.valueOf(call.get("method")),
                  micros(call.get("duration_ms")),
                  String.valueOf(call.get("error"))));
        }
      }
      out.add(
          new RuleRun.Action(
              ((Number) a.get("index")).intValue(),
              String.valueOf(a.get("kind")),
              ((Number) a.get("records")).intValue(),
              micros(a.get("duration_ms")),
              String.valueOf(a.get("result")),
              String.valueOf(a.get("error")),
              calls));
    }
    return out;
  }

  private static long micros(Object millis) {
    return Math.round(((Number) millis).doubleValue() * 1000.0);
  }

  @Override
  public void close() {
    store.close();
  }
}
