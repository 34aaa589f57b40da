package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable log of change events: every event the sidecar learns (pushed by the addon or found by
 * the poller) is stored before it is acted on, and stays until its actions are done or it is parked
 * as a dead letter. Embedded H2 by default (a file, no server), PostgreSQL when configured.
 *
 * <p>Implementation notes: one row per record and change. A unique (database, dedupe key) drops
 * duplicate deliveries (the addon's outbox id, or the poller's model, id and write date). {@link
 * #claim} hands out only the oldest unfinished event of each record, so the events of one record
 * are processed in order while different records go in parallel. Claimed events are held in memory
 * by the process that claimed them, not marked in the database: a crash releases them, and the next
 * start hands them out again; completions of actions are recorded apart ({@link #markActionDone}),
 * so that a replayed event does not apply an action twice. One process consumes the log.
 *
 * <p>The unfinished events (and the actions done for them) are also kept in memory, loaded at open:
 * claims are answered without a query. Completions are made durable as one row per call (the ids of
 * a batch, in {@code sidecar_done_batch} and {@code sidecar_mark_batch}) rather than a row write
 * per event, which costs H2 20 to 50 µs each; {@link #compact} folds them into the events' status
 * later, when the pipeline is idle, at open, and before counting or purging.
 */
public final class EventLog implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventLog.class);

  /** What is known of one stored event. */
  public record Event(
      long id,
      String database,
      String dedupeKey,
      String model,
      long recordId,
      String operation,
      String payload,
      String status,
      int attempts,
      Instant nextAttemptAt,
      String lastError) {}

  /**
   * An event to append.
   *
   * @param version the record's {@code write_date} after the change when known, or null: an event
   *     with a version is dropped when the log already holds one of the same record and version (a
   *     poll seeing what a push delivered)
   */
  public record NewEvent(
      String database,
      String dedupeKey,
      String model,
      long recordId,
      String operation,
      String payload,
      String version) {

    public NewEvent(
        String database,
        String dedupeKey,
        String model,
        long recordId,
        String operation,
        String payload) {
      this(database, dedupeKey, model, recordId, operation, payload, null);
    }
  }

  /**
   * How the last error of an event held by a paused rule starts: such an event, until it is due,
   * holds back no later event of its record (the other rules run on those).
   */
  public static final String HELD = "held: ";

  private static final String PENDING = "pending";
  private static final String RUNNING = "running";
  private static final String DONE = "done";
  private static final String DEAD = "dead";
  private static final String DISCARDED = "discarded";

  /** Where the log's connection comes from: opened at start, and again to recover. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  /** Whether the log can be used now. */
  public enum State {
    /** Usable. */
    UP,
    /** Unusable, perhaps for a while: {@link #reopen} may bring it back. */
    DOWN,
    /** Unusable for good in this process (an {@link Error} such as running out of memory). */
    FAILED
  }

  /**
   * The log's state, with the reason it is not usable and since when.
   *
   * @param since when the state began
   */
  public record Health(State state, String reason, Instant since) {
    public boolean usable() {
      return state == State.UP;
    }
  }

  /** H2's error codes that say the database itself is lost: closed, out of memory, I/O, files. */
  private static final java.util.Set<Integer> LOST_CODES =
      java.util.Set.of(90007, 90028, 90030, 90031, 90062, 90098, 90108, 90121, 90124);

  private final ConnectionSource source;

  /**
   * The embedded database's file, checked before each write (a lost file loses what is written).
   */
  private final java.nio.file.Path file;

  private Connection connection;
  private volatile Health health = new Health(State.UP, "", Instant.now());
  private volatile boolean closed;
  private final List<Runnable> brokenListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The highest event id this process has seen: a database made anew starts above it. */
  private long highestId;

  /** Events claimed and not yet settled, by id, with their record's key. */
  private final java.util.Map<Long, String> claimedEvents = new java.util.HashMap<>();

  /** The unfinished events (pending, claimed or waiting for a retry), by id. */
  private final java.util.TreeMap<Long, Event> pending = new java.util.TreeMap<>();

  /** The actions recorded done for unfinished events. */
  private final java.util.Map<Long, java.util.Set<String>> marks = new java.util.HashMap<>();

  /** Whether batch records wait for {@link #compact}. */
  private boolean dirty;

  private EventLog(ConnectionSource source, java.nio.file.Path file, Connection connection) {
    this.source = source;
    this.file = file;
    this.connection = connection;
  }

  /**
   * Where the log's connections come from: other stores of the same database (the sync log, the run
   * history) open their own connections with it. While the log is down (or closed), it opens none:
   * a store opening one then would hold a lost embedded database open, and the log's recovery would
   * find it again instead of a new file.
   */
  public ConnectionSource connectionSource() {
    return () -> {
      Health now = health;
      if (closed) {
        throw new SQLException("the event log is closed");
      }
      if (!now.usable()) {
        throw new SQLException(
            "the event log's database is "
                + now.state().name().toLowerCase(java.util.Locale.ROOT)
                + ": "
                + now.reason());
      }
      return source.open();
    };
  }

  /**
   * Opens (and creates if needed) the log at a JDBC URL: {@code jdbc:h2:file:...} or PostgreSQL.
   */
  public static EventLog open(String jdbcUrl, String user, String password) {
    try {
      return open(() -> DriverManager.getConnection(jdbcUrl, user, password), null);
    } catch (SQLException e) {
      throw new SidecarException(
          "cannot open the event log at " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the log on the connections a source gives; {@code file}, when not null, is the embedded
   * database's file, whose loss makes the log unusable.
   */
  public static EventLog open(ConnectionSource source, java.nio.file.Path file)
      throws SQLException {
    Connection connection = source.open();
    connection.setAutoCommit(true);
    EventLog log = new EventLog(source, file, connection);
    log.migrate();
    log.load();
    return log;
  }

  /** The JDBC URL of the embedded log under a data directory (its H2 file {@code events}). */
  public static String embeddedUrl(java.nio.file.Path dataDir) {
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("events")
        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
  }

  /**
   * The embedded log under a data directory: an H2 file, guarded by the directory's permissions (an
   * embedded database has no server to log in to, so no credentials).
   */
  public static EventLog embedded(java.nio.file.Path dataDir) {
    String url = embeddedUrl(dataDir);
    try {
      return open(
          () -> DriverManager.getConnection(url), dataDir.toAbsolutePath().resolve("events.mv.db"));
    } catch (SQLException e) {
      throw new SidecarException("cannot open the event log at " + url + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ health and recovery

  /** Whether the log is usable now, and why not. */
  public Health health() {
    return health;
  }

  /** Calls {@code listener} (on the failing thread) each time the log becomes unusable. */
  public void onBroken(Runnable listener) {
    brokenListeners.add(listener);
  }

  /**
   * Checks that the log is still usable (its connection answers, its file is there) and marks it
   * down when not; returns its health.
   */
  public synchronized Health check() {
    if (health.usable()) {
      try {
        ensureUsable();
        if (!connection.isValid(2)) {
          broken("the event log's database does not answer", false);
        }
      } catch (SQLException e) {
        broken("the event log's database does not answer: " + e.getMessage(), false);
      } catch (StoreUnavailableException e) {
        // marked down by ensureUsable
      }
    }
    return health;
  }

  /**
   * Opens the log's connection again and reloads what is unfinished, keeping this process's claims
   * (their batches are still running). A database made anew (its file lost) starts its ids above
   * the ones already handed out, so that a batch still running cannot settle a new event.
   *
   * @throws SQLException when the database still cannot be used; the log stays down
   */
  public synchronized void reopen() throws SQLException {
    if (health.state() == State.FAILED) {
      throw new SQLException("the event log failed for good: " + health.reason());
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("event log: closing the lost connection: {}", e.getMessage());
    }
    Connection fresh = source.open();
    fresh.setAutoCommit(true);
    connection = fresh;
    try {
      migrate();
      keepIdsAbove(highestId);
      pending.clear();
      marks.clear();
      load();
    } catch (SQLException | RuntimeException e) {
      closeQuietly(fresh);
      throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
    }
    health = new Health(State.UP, "", Instant.now());
    LOG.info("event log: usable again, {} unfinished events", pending.size());
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("event log: closing: {}", e.getMessage());
    }
  }

  private void keepIdsAbove(long id) throws SQLException {
    long max;
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM sidecar_event")) {
      rows.next();
      max = rows.getLong(1);
    }
    if (max < id) {
      try (Statement s = connection.createStatement()) {
        s.execute("ALTER TABLE sidecar_event ALTER COLUMN id RESTART WITH " + (id + 1));
      }
      LOG.warn("event log: the database was made anew; the events it held are lost");
    }
  }

  /** Refuses work while the log is down, and marks it down when its file is gone. */
  private void ensureUsable() {
    Health current = health;
    if (!current.usable()) {
      throw new StoreUnavailableException("event log unavailable: " + current.reason());
    }
    if (file != null && !java.nio.file.Files.exists(file)) {
      broken("the event log's file " + file + " is gone", false);
      throw new StoreUnavailableException("event log unavailable: " + health.reason());
    }
  }

  private void broken(String reason, boolean fatal) {
    State state = fatal ? State.FAILED : State.DOWN;
    if (health.state() == state || health.state() == State.FAILED) {
      return;
    }
    health = new Health(state, reason, Instant.now());
    LOG.error("event log {}: {}", state.name().toLowerCase(java.util.Locale.ROOT), reason);
    brokenListeners.forEach(Runnable::run);
  }

  /** Whether a failure means the database is lost, rather than one statement refused. */
  private boolean lost(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (LOST_CODES.contains(e.getErrorCode())
        || state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("58")
        || state.startsWith("XX")) {
      return true;
    }
    try {
      return !connection.isValid(2);
    } catch (SQLException invalid) {
      return true;
    }
  }

  private static boolean causedByError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Error) {
        return true;
      }
    }
    return false;
  }

  /** The stores whose tables live on the log's connection, each migrated by its own files. */
  static final List<String> STORES = List.of("events", "action_marks");

  private void migrate() throws SQLException {
    for (String store : STORES) {
      Migrations.apply(connection, store);
    }
  }

  /** Folds the batch records into the events, then reads the unfinished events and their marks. */
  private synchronized void load() throws SQLException {
    dirty = true;
    compactDone(Integer.MAX_VALUE);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM sidecar_event WHERE status IN (?, ?) ORDER BY id")) {
      select.setString(1, PENDING);
      select.setString(2, RUNNING);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Event event = event(rows);
          pending.put(event.id(), event);
          highestId = Math.max(highestId, event.id());
        }
      }
    }
    try (Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery("SELECT event_id, action_key FROM sidecar_action_done")) {
      while (rows.next()) {
        if (pending.containsKey(rows.getLong(1))) {
          marks
              .computeIfAbsent(rows.getLong(1), k -> new java.util.HashSet<>())
              .add(rows.getString(2));
        }
      }
    }
    try (Statement select = connection.createStatement();
        ResultSet rows = select.executeQuery("SELECT action_key, ids FROM sidecar_mark_batch")) {
      while (rows.next()) {
        for (long id : ids(rows.getString(2))) {
          if (pending.containsKey(id)) {
            marks.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(rows.getString(1));
          }
        }
      }
    }
  }

  private static List<Long> ids(String text) {
    List<Long> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(Long.parseLong(part.trim()));
      }
    }
    return out;
  }

  private static String text(java.util.Collection<Long> ids) {
    StringBuilder out = new StringBuilder(ids.size() * 8);
    for (long id : ids) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(id);
    }
    return out.toString();
  }

  /**
   * Folds the completions recorded per batch into the events' status and drops the action records
   * of events no longer unfinished. Safe at any time; costs a row write per event, so the pipeline
   * calls it when idle.
   */
  public synchronized void compact() {
    if (!dirty) {
      return;
    }
    while (compactDone(Integer.MAX_VALUE)) {
      // all at once
    }
    compactMarks();
    dirty = false;
  }

  /**
   * Takes in the pending events that another process put in the log (a dead letter replayed by
   * {@code sidecar dead-letters replay} against a shared PostgreSQL log). Returns how many.
   */
  public synchronized int refresh() {
    compact();
    int found = 0;
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM sidecar_event WHERE status = ? ORDER BY id")) {
      select.setString(1, PENDING);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long id = rows.getLong(1);
          if (!pending.containsKey(id)) {
            pending.put(id, event(rows));
            found++;
          }
        }
      }
    } catch (SQLException e) {
      throw failure("refresh", e);
    }
    return found;
  }

  /**
   * Folds at most {@code maxRecords} batch records; returns whether some are left. The pipeline
   * calls it between batches while idle, so that the log's lock is never held long.
   */
  public synchronized boolean compactSome(int maxRecords) {
    if (!dirty) {
      return false;
    }
    if (compactDone(maxRecords)) {
      return true;
    }
    compactMarks();
    dirty = false;
    return false;
  }

  private boolean compactDone(int maxRecords) {
    boolean[] more = new boolean[1];
    inTransaction(
        "compact",
        () -> {
          List<Long> done = new ArrayList<>();
          List<Long> batches = new ArrayList<>();
          try (Statement select = connection.createStatement();
              ResultSet rows =
                  select.executeQuery("SELECT id, ids FROM sidecar_done_batch ORDER BY id")) {
            while (rows.next()) {
              if (batches.size() >= maxRecords) {
                more[0] = true;
                break;
              }
              batches.add(rows.getLong(1));
              done.addAll(ids(rows.getString(2)));
            }
          }
          if (!done.isEmpty()) {
            try (PreparedStatement update =
                connection.prepareStatement("UPDATE sidecar_event SET status = ? WHERE id = ?")) {
              for (long id : done) {
                update.setString(1, DONE);
                update.setLong(2, id);
                update.addBatch();
              }
              update.executeBatch();
            }
            try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM sidecar_done_batch WHERE id = ?")) {
              for (long id : batches) {
                delete.setLong(1, id);
                delete.addBatch();
              }
              delete.executeBatch();
            }
          }
        });
    return more[0];
  }

  /** Drops the action records whose events are all finished (none is left in memory). */
  private void compactMarks() {
    inTransaction(
        "compact",
        () -> {
          List<Long> stale = new ArrayList<>();
          try (Statement select = connection.createStatement();
              ResultSet rows = select.executeQuery("SELECT id, ids FROM sidecar_mark_batch")) {
            while (rows.next()) {
              if (ids(rows.getString(2)).stream().noneMatch(pending::containsKey)) {
                stale.add(rows.getLong(1));
              }
            }
          }
          if (!stale.isEmpty()) {
            try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM sidecar_mark_batch WHERE id = ?")) {
              for (long id : stale) {
                delete.setLong(1, id);
                delete.addBatch();
              }
              delete.executeBatch();
            }
          }
        });
  }

  /**
   * Appends events in one transaction: all are stored or none. A duplicate (same database and
   * dedupe key, or same record and version) is dropped. Returns the ids of the events stored.
   */
  public synchronized List<Long> append(List<NewEvent> events, Instant now) {
    List<Event> added = appendEvents(events, now);
    List<Long> ids = new ArrayList<>(added.size());
    added.forEach(e -> ids.add(e.id()));
    return ids;
  }

  /** As {@link #append}, answering the events stored, in order. */
  public synchronized List<Event> appendEvents(List<NewEvent> events, Instant now) {
    ensureUsable();
    List<Long> stored = new ArrayList<>();
    List<Event> added = new ArrayList<>();
    try {
      inTransaction("append", () -> insertEvents(events, now, stored, added));
    } catch (SidecarException e) {
      if (!duplicate(e)) {
        throw e;
      }
      // another sidecar on the database stored one of them meanwhile: the second look finds it
      stored.clear();
      added.clear();
      inTransaction("append", () -> insertEvents(events, now, stored, added));
    }
    settle(stored, added);
    return added;
  }

  /** Another store's write on the log's database, made in the log's transaction. */
  @FunctionalInterface
  public interface Alongside {
    void write(Connection connection) throws SQLException;
  }

  /**
   * As {@link #appendEvents(List, Instant)}, another store's write made in the same transaction (a
   * webhook call's answer with the call's events): both are kept or neither. A unique key's
   * violation, of the events or of that write, is thrown as the failure it is.
   */
  public synchronized List<Event> appendEvents(
      List<NewEvent> events, Instant now, Alongside alongside) {
    ensureUsable();
    List<Long> stored = new ArrayList<>();
    List<Event> added = new ArrayList<>();
    inTransaction(
        "append",
        () -> {
          alongside.write(connection);
          insertEvents(events, now, stored, added);
        });
    settle(stored, added);
    return added;
  }

  /** Whether a store failure is a unique key's violation (SQL state 23505, H2 and PostgreSQL). */
  private static boolean duplicate(SidecarException e) {
    return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
  }

  private void settle(List<Long> stored, List<Event> added) {
    for (Event e : added) {
      pending.put(e.id(), e);
      highestId = Math.max(highestId, e.id());
    }
  }

  /** Inserts the events that are no duplicates, within the caller's transaction. */
  private void insertEvents(
      List<NewEvent> events, Instant now, List<Long> stored, List<Event> added)
      throws SQLException {
    String sql =
        "INSERT INTO sidecar_event (db, dedupe_key, model, record_id, operation, payload, status,"
            + " attempts, next_attempt_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
    try (PreparedStatement insert =
            connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        PreparedStatement byKey =
            connection.prepareStatement(
                "SELECT 1 FROM sidecar_event WHERE db = ? AND dedupe_key = ?");
        PreparedStatement byVersion =
            connection.prepareStatement(
                "SELECT 1 FROM sidecar_event WHERE db = ? AND model = ? AND record_id = ?"
                    + " AND version = ?")) {
      java.util.Set<String> batch = new java.util.HashSet<>();
      for (NewEvent event : events) {
        if (!batch.add(event.database() + "\u0000" + event.dedupeKey())
            || exists(byKey, event.database(), event.dedupeKey())
            || (event.version() != null
                && exists(
                    byVersion,
                    event.database(),
                    event.model(),
                    event.recordId(),
                    event.version()))) {
          continue; // a duplicate delivery: already stored
        }
        insert.setString(1, event.database());
        insert.setString(2, event.dedupeKey());
        insert.setString(3, event.model());
        insert.setLong(4, event.recordId());
        insert.setString(5, event.operation());
        insert.setString(6, event.payload());
        insert.setString(7, PENDING);
        insert.setTimestamp(8, timestamp(now));
        insert.setString(9, event.version());
        insert.executeUpdate();
        try (ResultSet keys = insert.getGeneratedKeys()) {
          if (keys.next()) {
            long id = keys.getLong(1);
            stored.add(id);
            added.add(
                new Event(
                    id,
                    event.database(),
                    event.dedupeKey(),
                    event.model(),
                    event.recordId(),
                    event.operation(),
                    event.payload(),
                    PENDING,
                    0,
                    now.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                    null));
          }
        }
      }
    }
  }

  private static boolean exists(PreparedStatement query, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      query.setObject(i + 1, params[i]);
    }
    try (ResultSet rows = query.executeQuery()) {
      return rows.next();
    }
  }

  /** A unit of work on the connection. */
  private interface Work {
    void run() throws SQLException;
  }

  private void inTransaction(String what, Work work) {
    try {
      connection.setAutoCommit(false);
      try {
        work.run();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } catch (Error e) {
        broken("event log: cannot " + what + ": " + e, true);
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Claims up to {@code max} pending events whose time has come, oldest first, and only the oldest
   * unfinished event of each record: they are marked running until completed or failed.
   */
  public synchronized List<Event> claim(int max, Instant now) {
    if (!health.usable()) {
      return List.of(); // nothing is handed out that could not be settled
    }
    java.util.Set<String> seen = new java.util.HashSet<>(claimedEvents.values());
    List<Event> claimed = new ArrayList<>();
    for (Event event : pending.values()) {
      if (claimed.size() >= max) {
        break;
      }
      if (claimedEvents.containsKey(event.id())) {
        continue;
      }
      String key = event.database() + "\u0000" + event.model() + "\u0000" + event.recordId();
      if (seen.contains(key)) {
        continue; // an older unfinished event of the record goes first
      }
      boolean waiting = event.nextAttemptAt().isAfter(now);
      if (waiting && held(event)) {
        continue; // waiting for a paused rule: the record's later events go on without it
      }
      seen.add(key);
      if (waiting) {
        continue; // waiting for a retry, and holding the record's later events back
      }
      claimed.add(event);
      claimedEvents.put(event.id(), key);
    }
    return claimed;
  }

  /** Marks an event done. */
  public synchronized void complete(long id) {
    completeAll(List.of(id));
  }

  /** Marks events done: one row records them all (see {@link #compact}). */
  public synchronized void completeAll(java.util.Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO sidecar_done_batch (ids) VALUES (?)")) {
      insert.setString(1, text(ids));
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure("complete", e);
    }
    for (long id : ids) {
      claimedEvents.remove(id);
      pending.remove(id);
      marks.remove(id);
    }
    dirty = true;
  }

  /**
   * Records a failed attempt: the event is tried again at {@code retryAt}, or parked as a dead
   * letter once it has failed {@code maxAttempts} times.
   */
  public synchronized void fail(long id, String error, Instant retryAt, int maxAttempts) {
    String sql =
        "UPDATE sidecar_event SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
            + " status = CASE WHEN attempts + 1 >= ? THEN ? ELSE ? END WHERE id = ?";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, error);
      update.setTimestamp(2, timestamp(retryAt));
      update.setInt(3, maxAttempts);
      update.setString(4, DEAD);
      update.setString(5, PENDING);
      update.setLong(6, id);
      update.executeUpdate();
      claimedEvents.remove(id);
      Event event = pending.get(id);
      if (event != null) {
        int attempts = event.attempts() + 1;
        if (attempts >= maxAttempts) {
          pending.remove(id);
          marks.remove(id);
        } else {
          pending.put(id, withRetry(event, attempts, retryAt, error));
        }
      }
    } catch (SQLException e) {
      throw failure("fail", e);
    }
  }

  /**
   * Puts an event back in line for {@code retryAt} without counting an attempt: its failure was
   * Odoo being unreachable, not the event's fault, and it waits as long as that lasts.
   */
  public synchronized void postpone(long id, String error, Instant retryAt) {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE sidecar_event SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?")) {
      update.setString(1, PENDING);
      update.setString(2, error);
      update.setTimestamp(3, timestamp(retryAt));
      update.setLong(4, id);
      update.executeUpdate();
      claimedEvents.remove(id);
      Event event = pending.get(id);
      if (event != null) {
        pending.put(id, withRetry(event, event.attempts(), retryAt, error));
      }
    } catch (SQLException e) {
      throw failure("postpone", e);
    }
  }

  private static boolean held(Event event) {
    return event.lastError() != null && event.lastError().startsWith(HELD);
  }

  /**
   * Makes due at {@code now} the pending events held by the paused rule {@code rule} (their last
   * error says {@code rule '<rule>' is paused}): its resume lets them go at once. Returns how many.
   */
  public synchronized int releaseHeld(String rule, Instant now) {
    String mark = "rule '" + rule + "' is paused";
    String like = escapeLike(HELD) + "%" + escapeLike(mark) + "%";
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE sidecar_event SET next_attempt_at = ? WHERE status = ? AND last_error LIKE ?"
                + " ESCAPE '!'")) {
      update.setTimestamp(1, timestamp(now));
      update.setString(2, PENDING);
      update.setString(3, like);
      update.executeUpdate();
    } catch (SQLException e) {
      throw failure("release", e);
    }
    int released = 0;
    for (Event event : new ArrayList<>(pending.values())) {
      if (held(event) && event.lastError().contains(mark)) {
        pending.put(event.id(), withRetry(event, event.attempts(), now, event.lastError()));
        released++;
      }
    }
    return released;
  }

  private static String escapeLike(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  /**
   * Hands out again the events a crash left marked running (by an earlier version of the log, which
   * marked claims in the database) and releases this process's claims. Returns how many events.
   */
  public synchronized int recover() {
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE sidecar_event SET status = ? WHERE status = ?")) {
      update.setString(1, PENDING);
      update.setString(2, RUNNING);
      int released = claimedEvents.size();
      claimedEvents.clear();
      return update.executeUpdate() + released;
    } catch (SQLException e) {
      throw failure("recover", e);
    }
  }

  /** The dead letters, oldest first. */
  public synchronized List<Event> deadLetters() {
    List<Event> out = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM sidecar_event WHERE status = ? ORDER BY id")) {
      select.setString(1, DEAD);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          out.add(event(rows));
        }
      }
    } catch (SQLException e) {
      throw failure("list dead letters", e);
    }
    return out;
  }

  // ------------------------------------------------------------------ listing (sidecar.event)

  /**
   * One page of the stored events in id order, for listings that must not hold the whole log: those
   * after {@code from} (ascending) or before it (descending), at most {@code limit}, of one status
   * or of all when {@code status} is null. Completions are folded in first, and an event this
   * process has claimed is given as {@code running}.
   */
  public synchronized List<Event> page(long from, boolean descending, int limit, String status) {
    compact();
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM sidecar_event WHERE id "
            + (descending ? "<" : ">")
            + " ?"
            + (status == null ? "" : " AND status = ?")
            + " ORDER BY id"
            + (descending ? " DESC" : "")
            + " LIMIT ?";
    List<Event> out = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      int i = 1;
      select.setLong(i++, from);
      if (status != null) {
        select.setString(i++, status);
      }
      select.setInt(i, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          out.add(asKept(event(rows)));
        }
      }
    } catch (SQLException e) {
      throw failure("list events", e);
    }
    return out;
  }

  /** The stored events among {@code ids}, in id order (as {@link #page} gives them). */
  public synchronized List<Event> events(java.util.Collection<Long> ids) {
    compact();
    java.util.TreeMap<Long, Event> out = new java.util.TreeMap<>();
    try (PreparedStatement select =
        connection.prepareStatement("SELECT " + COLUMNS + " FROM sidecar_event WHERE id = ?")) {
      for (long id : new java.util.TreeSet<>(ids)) {
        select.setLong(1, id);
        try (ResultSet rows = select.executeQuery()) {
          if (rows.next()) {
            out.put(id, asKept(event(rows)));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("read events", e);
    }
    return new ArrayList<>(out.values());
  }

  /** An event with the status this process knows: {@code running} while it holds the claim. */
  private Event asKept(Event e) {
    if (!claimedEvents.containsKey(e.id())) {
      return e;
    }
    return new Event(
        e.id(),
        e.database(),
        e.dedupeKey(),
        e.model(),
        e.recordId(),
        e.operation(),
        e.payload(),
        RUNNING,
        e.attempts(),
        e.nextAttemptAt(),
        e.lastError());
  }

  /**
   * Gives up on dead letters: each of {@code ids} that is a dead letter is marked {@code discarded}
   * at {@code when} (kept in the log, never replayed nor purged). Returns the ids discarded, in the
   * order given.
   */
  public synchronized List<Long> discard(java.util.Collection<Long> ids, Instant when) {
    return discard(ids, when, "");
  }

  /**
   * As {@link #discard(java.util.Collection, Instant)}, recording who discarded them: their last
   * error then starts with {@code discarded by <by>: }.
   */
  public synchronized List<Long> discard(java.util.Collection<Long> ids, Instant when, String by) {
    ensureUsable();
    List<Long> discarded = new ArrayList<>();
    inTransaction(
        "discard dead letters",
        () -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE sidecar_event SET status = ?, next_attempt_at = ?,"
                      + " last_error = ? || COALESCE(last_error, '') WHERE id = ? AND status = ?")) {
            for (long id : new java.util.LinkedHashSet<>(ids)) {
              update.setString(1, DISCARDED);
              update.setTimestamp(2, timestamp(when));
              update.setString(3, by.isEmpty() ? "" : "discarded by " + by + ": ");
              update.setLong(4, id);
              update.setString(5, DEAD);
              if (update.executeUpdate() == 1) {
                discarded.add(id);
              }
            }
          }
        });
    return discarded;
  }

  private static Event withRetry(Event event, int attempts, Instant retryAt, String error) {
    return new Event(
        event.id(),
        event.database(),
        event.dedupeKey(),
        event.model(),
        event.recordId(),
        event.operation(),
        event.payload(),
        PENDING,
        attempts,
        retryAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
        error);
  }

  /** Puts a dead letter back in line, with its attempts reset. Returns whether it was dead. */
  public synchronized boolean replay(long id, Instant now) {
    String sql =
        "UPDATE sidecar_event SET status = ?, attempts = 0, next_attempt_at = ? WHERE id = ? AND status = ?";
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      update.setString(1, PENDING);
      update.setTimestamp(2, timestamp(now));
      update.setLong(3, id);
      update.setString(4, DEAD);
      if (update.executeUpdate() != 1) {
        return false;
      }
    } catch (SQLException e) {
      throw failure("replay", e);
    }
    try (PreparedStatement select =
        connection.prepareStatement("SELECT " + COLUMNS + " FROM sidecar_event WHERE id = ?")) {
      select.setLong(1, id);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          pending.put(id, event(rows));
        }
      }
    } catch (SQLException e) {
      throw failure("replay", e);
    }
    return true;
  }

  /** The result recorded for one action of an event, if it was done. */
  public synchronized Optional<String> actionDone(long eventId, String actionKey) {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT result FROM sidecar_action_done WHERE event_id = ? AND action_key = ?")) {
      select.setLong(1, eventId);
      select.setString(2, actionKey);
      try (ResultSet rows = select.executeQuery()) {
        if (rows.next()) {
          return Optional.of(String.valueOf(rows.getString(1)));
        }
      }
    } catch (SQLException e) {
      throw failure("read action completion", e);
    }
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT result, ids FROM sidecar_mark_batch WHERE action_key = ?")) {
      select.setString(1, actionKey);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          if (ids(rows.getString(2)).contains(eventId)) {
            return Optional.of(String.valueOf(rows.getString(1)));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("read action completion", e);
    }
    return Optional.empty();
  }

  /** The actions recorded done for each of some unfinished events, by event id. */
  public synchronized java.util.Map<Long, java.util.Set<String>> actionsDone(
      java.util.Collection<Long> eventIds) {
    java.util.Map<Long, java.util.Set<String>> out = new java.util.HashMap<>();
    for (long id : eventIds) {
      java.util.Set<String> done = marks.get(id);
      if (done != null) {
        out.put(id, new java.util.HashSet<>(done));
      }
    }
    return out;
  }

  /** Records that one action of an event is done (idempotent). */
  public synchronized void markActionDone(long eventId, String actionKey, String result) {
    markActionDone(List.of(eventId), actionKey, result);
  }

  /** Records that one action is done for several events: one row for them all (idempotent). */
  public synchronized void markActionDone(
      java.util.Collection<Long> eventIds, String actionKey, String result) {
    List<Long> fresh = new ArrayList<>();
    for (long id : eventIds) {
      if (!marks.getOrDefault(id, java.util.Set.of()).contains(actionKey)) {
        fresh.add(id);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO sidecar_mark_batch (action_key, result, ids) VALUES (?, ?, ?)")) {
      insert.setString(1, actionKey);
      insert.setString(2, result);
      insert.setString(3, text(fresh));
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure("record action completion", e);
    }
    for (long id : fresh) {
      if (pending.containsKey(id)) {
        marks.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(actionKey);
      }
    }
    dirty = true;
  }

  /**
   * Forgets done events stored before {@code before}, with their action records. Their dedupe keys
   * go with them: a delivery repeated later than the retention is taken for a new one. Returns how
   * many events were forgotten.
   */
  public synchronized int purge(Instant before) {
    dirty = true;
    compact();
    int[] purged = new int[1];
    inTransaction(
        "purge",
        () -> {
          try (PreparedStatement marks =
                  connection.prepareStatement(
                      "DELETE FROM sidecar_action_done WHERE event_id IN (SELECT id FROM"
                          + " sidecar_event WHERE status = ? AND next_attempt_at < ?)");
              PreparedStatement events =
                  connection.prepareStatement(
                      "DELETE FROM sidecar_event WHERE status = ? AND next_attempt_at < ?")) {
            marks.setString(1, DONE);
            marks.setTimestamp(2, timestamp(before));
            marks.executeUpdate();
            events.setString(1, DONE);
            events.setTimestamp(2, timestamp(before));
            purged[0] = events.executeUpdate();
          }
        });
    return purged[0];
  }

  /** How many pending events failed at least once (waiting for their next attempt). */
  public synchronized long retrying() {
    try (PreparedStatement count =
        connection.prepareStatement(
            "SELECT COUNT(*) FROM sidecar_event WHERE status = ? AND attempts > 0")) {
      count.setString(1, PENDING);
      try (ResultSet rows = count.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw failure("count retrying events", e);
    }
  }

  /** How many events this process's workers hold claimed now. */
  public synchronized int inFlight() {
    return claimedEvents.size();
  }

  /** How many events are in each status. */
  public synchronized java.util.Map<String, Long> counts() {
    dirty = true;
    compact();
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try (Statement s = connection.createStatement();
        ResultSet rows =
            s.executeQuery("SELECT status, COUNT(*) FROM sidecar_event GROUP BY status")) {
      while (rows.next()) {
        out.put(rows.getString(1), rows.getLong(2));
      }
    } catch (SQLException e) {
      throw failure("count", e);
    }
    return out;
  }

  /**
   * Times are kept to the microsecond, the precision both databases store: truncated here, so that
   * the database never rounds a time up past the moment it is compared with.
   */
  private static Timestamp timestamp(Instant instant) {
    return Timestamp.from(instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  /** The columns {@link #event} reads, in its order. */
  private static final String COLUMNS =
      "id, db, dedupe_key, model, record_id, operation, payload, status, attempts,"
          + " next_attempt_at, last_error";

  private static Event event(ResultSet row) throws SQLException {
    return new Event(
        row.getLong(1),
        row.getString(2),
        row.getString(3),
        row.getString(4),
        row.getLong(5),
        row.getString(6),
        row.getString(7),
        row.getString(8),
        row.getInt(9),
        row.getTimestamp(10).toInstant(),
        row.getString(11));
  }

  private SidecarException failure(String what, SQLException e) {
    String message = "event log: cannot " + what + ": " + e.getMessage();
    if (causedByError(e)) {
      broken(message, true);
      return new StoreUnavailableException(message, e);
    }
    if (lost(e)) {
      broken(message, false);
      return new StoreUnavailableException(message, e);
    }
    return new SidecarException(message, e);
  }

  @Override
  public synchronized void close() {
    closed = true;
    try {
      connection.close();
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }
}
