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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable log of change events: every event the sidecar learns (pushed by the addon or found by
 * the poller) is stored before it is acted on, and stays until its actions are done or it is parked
 * as a dead letter. Embedded H2 by default (a file, no server), PostgreSQL when configured.
 *
 * <p>Implementation notes: one row per record and change. A unique (database, dedupe key) drops
 * duplicate deliveries (the addon's outbox id, or the poller's model, id and write date). {@link
 * #claim} hands out only the oldest unfinished event of each record, so the events of one record
 * are processed in order while different records go in parallel; completions of actions are
 * recorded apart ({@link #markActionDone}), so that a replayed event does not apply an action
 * twice.
 *
 * <p>How claims are held depends on the database ({@link ClaimStrategy}): the embedded H2 store has
 * one instance, which keeps the unfinished events and its claims in memory ({@link MemoryClaims}: a
 * crash releases them, claims cost no query, completions are written as batches that {@link
 * #compact} folds in later); on PostgreSQL several instances share the log, each claim a lease in
 * the database held by the instance's {@link Claimant} and extended by its {@link #heartbeat}
 * ({@link LeasedClaims}).
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

  static final String PENDING = "pending";
  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String DEAD = "dead";
  private static final String DISCARDED = "discarded";

  /**
   * Who claims events on a log that several instances share (PostgreSQL): the instance's id, and
   * how long a claim holds unless {@link #heartbeat} extends it (an instance that died loses its
   * claims to the others that long after its last heartbeat).
   */
  public record Claimant(String instance, java.time.Duration lease) {
    /** The default lease: 30 s. */
    public static final java.time.Duration LEASE = java.time.Duration.ofSeconds(30);

    public Claimant {
      if (instance == null || instance.isBlank()) {
        throw new IllegalArgumentException("an instance id is needed");
      }
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("a lease must be longer than 0s, got " + lease);
      }
    }

    /** This process: its host and process id ({@code host:pid}), with the default lease. */
    public static Claimant ofThisProcess() {
      return new Claimant(thisProcess(), LEASE);
    }

    /** {@code host:pid} of this process. */
    public static String thisProcess() {
      String host;
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "localhost";
      }
      return host + ":" + ProcessHandle.current().pid();
    }
  }

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

  /** How many times the log reopened: a connection opened before is of a lost database. */
  private final java.util.concurrent.atomic.AtomicInteger generation =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The appends' connection and lock on a shared log (see {@link #appendWith}). */
  private final SideConnection appends;

  /** The counts' connection and lock on a shared log (see {@link #counts}). */
  private final SideConnection counting;

  private volatile Health health = new Health(State.UP, "", Instant.now());
  private volatile boolean closed;
  private final List<Runnable> brokenListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The highest event id this process has seen: a database made anew starts above it. */
  private final java.util.concurrent.atomic.AtomicLong highestId =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Whether the log is on PostgreSQL, which several instances may share: what another instance
   * wrote is read from the database rather than known in memory.
   */
  private final boolean shared;

  /** How events are claimed and settled: in memory (H2), or leased in the database (PostgreSQL). */
  private final ClaimStrategy claims;

  private EventLog(
      ConnectionSource source, java.nio.file.Path file, Connection connection, Claimant claimant)
      throws SQLException {
    this.source = source;
    this.file = file;
    this.connection = connection;
    this.shared = StoreSql.postgres(connection);
    this.appends = new SideConnection(source, generation::get);
    this.counting = new SideConnection(source, generation::get);
    this.claims =
        shared
            ? new LeasedClaims(this, claimant.instance(), claimant.lease())
            : new MemoryClaims(this);
  }

  /** The log's connection now (it is made again when the log reopens). */
  synchronized Connection connection() {
    return connection;
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
    return open(jdbcUrl, user, password, Claimant.ofThisProcess());
  }

  /**
   * Opens the log at a JDBC URL, claiming as {@code claimant} when the database is shared
   * (PostgreSQL).
   */
  public static EventLog open(String jdbcUrl, String user, String password, Claimant claimant) {
    try {
      return open(() -> DriverManager.getConnection(jdbcUrl, user, password), null, claimant);
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
    return open(source, file, Claimant.ofThisProcess());
  }

  /** As {@link #open(ConnectionSource, java.nio.file.Path)}, claiming as {@code claimant}. */
  public static EventLog open(ConnectionSource source, java.nio.file.Path file, Claimant claimant)
      throws SQLException {
    Connection connection = source.open();
    connection.setAutoCommit(true);
    EventLog log;
    try {
      log = new EventLog(source, file, connection, claimant);
      log.migrate();
      log.load(false);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
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
    generation.incrementAndGet();
    try {
      migrate();
      keepIdsAbove(highestId.get());
      load(true);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(fresh);
      throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
    }
    health = new Health(State.UP, "", Instant.now());
    LOG.info("event log: usable again");
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
  private synchronized boolean lost(SQLException e) {
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
      Migrations.apply(connection(), store);
    }
  }

  /** Reads what the claims keep of the log. */
  private synchronized void load(boolean reopened) throws SQLException {
    highestId.accumulateAndGet(claims.load(reopened), Math::max);
  }

  static List<Long> ids(String text) {
    List<Long> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(Long.parseLong(part.trim()));
      }
    }
    return out;
  }

  static String text(java.util.Collection<Long> ids) {
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
    claims.compact(Integer.MAX_VALUE, false);
  }

  /**
   * Takes in the pending events that another process put in the log (a dead letter replayed by
   * {@code sidecar dead-letters replay} against a shared PostgreSQL log, whose claims see it at
   * once: none there). Returns how many.
   */
  public synchronized int refresh() {
    try {
      return claims.refresh();
    } catch (SQLException e) {
      throw failure("refresh", e);
    }
  }

  /**
   * Folds at most {@code maxRecords} batch records; returns whether some are left. The pipeline
   * calls it between batches while idle, so that the log's lock is never held long.
   */
  public synchronized boolean compactSome(int maxRecords) {
    return claims.compact(maxRecords, false);
  }

  /**
   * Appends events in one transaction: all are stored or none. A duplicate (same database and
   * dedupe key, or same record and version) is dropped. Returns the ids of the events stored.
   */
  public List<Long> append(List<NewEvent> events, Instant now) {
    List<Event> added = appendEvents(events, now);
    List<Long> ids = new ArrayList<>(added.size());
    added.forEach(e -> ids.add(e.id()));
    return ids;
  }

  /** As {@link #append}, answering the events stored, in order. */
  public List<Event> appendEvents(List<NewEvent> events, Instant now) {
    try {
      return appendWith((c, added) -> insertEvents(c, events, now, added));
    } catch (SidecarException e) {
      if (!StoreSql.duplicate(e)) {
        throw e;
      }
      // another sidecar on the database stored one of them meanwhile: the second look finds it
      return appendWith((c, added) -> insertEvents(c, events, now, added));
    }
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
  public List<Event> appendEvents(List<NewEvent> events, Instant now, Alongside alongside) {
    return appendWith(
        (c, added) -> {
          alongside.write(c);
          insertEvents(c, events, now, added);
        });
  }

  /** An append's work in its transaction: the events it stores go to {@code added}. */
  @FunctionalInterface
  private interface Appending {
    void run(Connection connection, List<Event> added) throws SQLException;
  }

  /**
   * Runs an append in one transaction and answers the events it stored. Embedded, on the log's one
   * connection, under the log's lock, as everything else. On a shared log (PostgreSQL), on a
   * connection of the appends' own under a lock of their own: a push being stored does not wait for
   * the workers' claims and settles, nor they for it (pushes arriving while a backlog is worked off
   * otherwise held the workers up for whole round trips, and 4 pushes in flight kept them waiting
   * in turn). A claim sees an append once it is committed; the appends of one instance still go one
   * at a time, in the order they take the lock.
   */
  private List<Event> appendWith(Appending work) {
    List<Event> added = new ArrayList<>();
    if (!shared) {
      synchronized (this) {
        ensureUsable();
        inTransaction("append", () -> work.run(connection, added));
        settle(added);
      }
      return added;
    }
    onSide(
        appends,
        "append",
        c -> {
          transaction(c, "append", () -> work.run(c, added));
          return added;
        });
    settle(added);
    return added;
  }

  /**
   * Runs {@code work} on a side connection of a shared log, under that connection's lock, the log
   * usable and open; a failure drops the connection if it no longer answers.
   */
  private <T> T onSide(
      SideConnection side, String what, java.util.function.Function<Connection, T> work) {
    synchronized (side) {
      ensureUsable();
      if (closed) {
        throw new StoreUnavailableException("event log unavailable: it is closed");
      }
      Connection c;
      try {
        c = side.get();
      } catch (SQLException e) {
        throw failure(what, e);
      }
      try {
        return work.apply(c);
      } catch (SidecarException e) {
        side.dropIfLost(c);
        throw e;
      }
    }
  }

  /**
   * Tells the claims of the events an append stored: embedded, under the log's lock (the claims are
   * in memory); on a shared log without it (the database holds them, the claims keep none).
   */
  private void settle(List<Event> added) {
    for (Event e : added) {
      highestId.accumulateAndGet(e.id(), Math::max);
    }
    claims.arrived(added);
  }

  /** The most keys one query asks about (each a bind parameter). */
  private static final int CHUNK = 500;

  private static final String INSERT_EVENT =
      "INSERT INTO sidecar_event (db, dedupe_key, model, record_id, operation, payload, status,"
          + " attempts, next_attempt_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";

  /**
   * Inserts the events that are no duplicates, within the caller's transaction. On PostgreSQL the
   * duplicates are looked for with a query per database and {@value #CHUNK} events rather than per
   * event, the rest inserted in one JDBC batch and their ids read back by key, so that a push of
   * many changes costs a few round trips, not three per change. The embedded H2 has no round trips
   * to save, and the key lists made its appends many times slower once the log held a few hundred
   * thousand events (the pipeline bench): there each event is looked up and inserted by itself.
   */
  private void insertEvents(Connection c, List<NewEvent> events, Instant now, List<Event> added)
      throws SQLException {
    if (!shared) { // embedded: a statement is a call in this process, not a round trip
      insertEachEvent(c, events, now, added);
      return;
    }
    List<NewEvent> fresh = fresh(c, events);
    if (fresh.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = c.prepareStatement(INSERT_EVENT)) {
      for (NewEvent event : fresh) {
        bindInsert(insert, event, now);
        insert.addBatch();
      }
      insert.executeBatch();
    }
    Map<String, Long> ids = new HashMap<>();
    for (Map.Entry<String, List<NewEvent>> group : byDatabase(fresh).entrySet()) {
      ids.putAll(idsByKey(c, group.getKey(), group.getValue()));
    }
    List<Event> inserted = new ArrayList<>();
    for (NewEvent event : fresh) {
      Long id = ids.get(key(event));
      if (id == null) {
        throw new SQLException("an event just inserted is not found by its key: " + event);
      }
      inserted.add(pending(id, event, now));
    }
    inserted.sort(java.util.Comparator.comparingLong(Event::id));
    added.addAll(inserted);
  }

  /** {@link #insertEvents} one event at a time: two lookups by index and an insert each. */
  private void insertEachEvent(Connection c, List<NewEvent> events, Instant now, List<Event> added)
      throws SQLException {
    try (PreparedStatement insert =
            c.prepareStatement(INSERT_EVENT, java.sql.Statement.RETURN_GENERATED_KEYS);
        PreparedStatement byKey =
            c.prepareStatement("SELECT 1 FROM sidecar_event WHERE db = ? AND dedupe_key = ?");
        PreparedStatement byVersion =
            c.prepareStatement(
                "SELECT 1 FROM sidecar_event WHERE db = ? AND model = ? AND record_id = ?"
                    + " AND version = ?")) {
      java.util.Set<String> batch = new java.util.HashSet<>();
      for (NewEvent event : events) {
        if (!batch.add(key(event))
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
        bindInsert(insert, event, now);
        insert.executeUpdate();
        try (ResultSet keys = insert.getGeneratedKeys()) {
          if (keys.next()) {
            long id = keys.getLong(1);
            added.add(pending(id, event, now));
          }
        }
      }
    }
  }

  private static void bindInsert(PreparedStatement insert, NewEvent event, Instant now)
      throws SQLException {
    insert.setString(1, event.database());
    insert.setString(2, event.dedupeKey());
    insert.setString(3, event.model());
    insert.setLong(4, event.recordId());
    insert.setString(5, event.operation());
    insert.setString(6, event.payload());
    insert.setString(7, PENDING);
    insert.setTimestamp(8, timestamp(now));
    insert.setString(9, event.version());
  }

  /** The event just inserted as {@code id}, pending since {@code now}. */
  private static Event pending(long id, NewEvent event, Instant now) {
    return new Event(
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
        null);
  }

  private static boolean exists(PreparedStatement query, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      query.setObject(i + 1, params[i]);
    }
    try (ResultSet rows = query.executeQuery()) {
      return rows.next();
    }
  }

  /**
   * The events to insert: the first of those delivered twice in {@code events}, less those stored
   * already under their key or, for those with one, under their record's version (a version
   * delivered twice in {@code events} counts once, as the first of them).
   */
  private List<NewEvent> fresh(Connection c, List<NewEvent> events) throws SQLException {
    java.util.Set<String> keys = new java.util.HashSet<>();
    List<NewEvent> once = events.stream().filter(e -> keys.add(key(e))).toList();
    java.util.Set<String> known = new java.util.HashSet<>();
    for (Map.Entry<String, List<NewEvent>> group : byDatabase(once).entrySet()) {
      known.addAll(idsByKey(c, group.getKey(), group.getValue()).keySet());
      known.addAll(storedVersions(c, group.getKey(), group.getValue()));
    }
    List<NewEvent> fresh = new ArrayList<>();
    for (NewEvent event : events) {
      if (known.add(key(event)) && (event.version() == null || known.add(versionKey(event)))) {
        fresh.add(event);
      }
    }
    return fresh;
  }

  private static Map<String, List<NewEvent>> byDatabase(List<NewEvent> events) {
    Map<String, List<NewEvent>> groups = new java.util.LinkedHashMap<>();
    events.forEach(e -> groups.computeIfAbsent(e.database(), d -> new ArrayList<>()).add(e));
    return groups;
  }

  /** The ids, by {@link #key}, of those of {@code events} (all of {@code database}) stored. */
  private static Map<String, Long> idsByKey(Connection c, String database, List<NewEvent> events)
      throws SQLException {
    Map<String, Long> ids = new HashMap<>();
    for (int from = 0; from < events.size(); from += CHUNK) {
      List<NewEvent> chunk = events.subList(from, Math.min(events.size(), from + CHUNK));
      try (PreparedStatement query =
          c.prepareStatement(
              "SELECT dedupe_key, id FROM sidecar_event WHERE db = ? AND dedupe_key IN ("
                  + placeholders(chunk.size())
                  + ")")) {
        query.setString(1, database);
        for (int i = 0; i < chunk.size(); i++) {
          query.setString(i + 2, chunk.get(i).dedupeKey());
        }
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            ids.put(key(database, rows.getString(1)), rows.getLong(2));
          }
        }
      }
    }
    return ids;
  }

  /**
   * The versions, as {@link #versionKey}, of the records of {@code events} already stored: a query
   * per model and {@value #CHUNK} events, which names the model so that the records' index answers
   * it (without the model PostgreSQL read the whole log on each push).
   */
  private static java.util.Set<String> storedVersions(
      Connection c, String database, List<NewEvent> events) throws SQLException {
    Map<String, List<NewEvent>> byModel = new java.util.LinkedHashMap<>();
    for (NewEvent event : events) {
      if (event.version() != null) {
        byModel.computeIfAbsent(event.model(), m -> new ArrayList<>()).add(event);
      }
    }
    java.util.Set<String> found = new java.util.HashSet<>();
    for (Map.Entry<String, List<NewEvent>> model : byModel.entrySet()) {
      List<NewEvent> versioned = model.getValue();
      for (int from = 0; from < versioned.size(); from += CHUNK) {
        storedVersions(
            c,
            database,
            model.getKey(),
            versioned.subList(from, Math.min(versioned.size(), from + CHUNK)),
            found);
      }
    }
    return found;
  }

  /** The query of the versions stored of {@code n} records of one model. */
  static String storedVersionsQuery(int n) {
    return "SELECT record_id, version FROM sidecar_event WHERE db = ? AND model = ?"
        + " AND record_id IN ("
        + placeholders(n)
        + ") AND version IN ("
        + placeholders(n)
        + ")";
  }

  private static void storedVersions(
      Connection c,
      String database,
      String model,
      List<NewEvent> chunk,
      java.util.Set<String> found)
      throws SQLException {
    try (PreparedStatement query = c.prepareStatement(storedVersionsQuery(chunk.size()))) {
      query.setString(1, database);
      query.setString(2, model);
      for (int i = 0; i < chunk.size(); i++) {
        query.setLong(i + 3, chunk.get(i).recordId());
        query.setString(i + 3 + chunk.size(), chunk.get(i).version());
      }
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(versionKey(database, model, rows.getLong(1), rows.getString(2)));
        }
      }
    }
  }

  /** An event's key in one delivery and in the queries' answers: {@code db NUL dedupe_key}. */
  private static String key(NewEvent event) {
    return key(event.database(), event.dedupeKey());
  }

  private static String key(String database, String dedupeKey) {
    return database + "\u0000" + dedupeKey;
  }

  private static String versionKey(NewEvent event) {
    return versionKey(event.database(), event.model(), event.recordId(), event.version());
  }

  private static String versionKey(String database, String model, long record, String version) {
    return "v\u0000" + database + "\u0000" + model + "\u0000" + record + "\u0000" + version;
  }

  private static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  /** A unit of work on the connection. */
  interface Work {
    void run() throws SQLException;
  }

  synchronized void inTransaction(String what, Work work) {
    transaction(connection, what, work);
  }

  /** Runs {@code work} in one transaction on {@code c}: committed, or rolled back and thrown. */
  private void transaction(Connection c, String what, Work work) {
    try {
      c.setAutoCommit(false);
      try {
        work.run();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } catch (Error e) {
        broken("event log: cannot " + what + ": " + e, true);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Claims up to {@code max} pending events whose time has come, oldest first, and only the oldest
   * unfinished event of each record (see {@link ClaimStrategy#claim}): they are held by this
   * instance until completed, failed or postponed.
   */
  public synchronized List<Event> claim(int max, Instant now) {
    if (!health.usable()) {
      return List.of(); // nothing is handed out that could not be settled
    }
    try {
      return claims.claim(max, now);
    } catch (SQLException e) {
      throw failure("claim", e);
    }
  }

  /**
   * Extends the claims this instance holds (on a shared log their leases end {@link Claimant#lease}
   * after the last heartbeat): called every third of the lease.
   */
  public synchronized void heartbeat(Instant now) {
    if (closed || !health.usable()) {
      return;
    }
    try {
      claims.heartbeat(now);
    } catch (SQLException e) {
      throw failure("extend the claims' leases", e);
    }
  }

  /** Marks an event done. */
  public synchronized void complete(long id) {
    completeAll(List.of(id));
  }

  /** Marks events done (on H2 one row records them all: see {@link #compact}). */
  public synchronized void completeAll(java.util.Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    try {
      claims.complete(ids);
    } catch (SQLException e) {
      throw failure("complete", e);
    }
  }

  /**
   * Records a failed attempt: the event is tried again at {@code retryAt}, or parked as a dead
   * letter once it has failed {@code maxAttempts} times.
   */
  public synchronized void fail(long id, String error, Instant retryAt, int maxAttempts) {
    try {
      claims.fail(id, error, retryAt, maxAttempts);
    } catch (SQLException e) {
      throw failure("fail", e);
    }
  }

  /**
   * Puts an event back in line for {@code retryAt} without counting an attempt: its failure was
   * Odoo being unreachable, not the event's fault, and it waits as long as that lasts.
   */
  public synchronized void postpone(long id, String error, Instant retryAt) {
    try {
      claims.postpone(id, error, retryAt);
    } catch (SQLException e) {
      throw failure("postpone", e);
    }
  }

  static boolean held(Event event) {
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
      return claims.released(mark, now, update.executeUpdate());
    } catch (SQLException e) {
      throw failure("release", e);
    }
  }

  private static String escapeLike(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  /**
   * Hands out again the events a crash left marked running (by an earlier version of the log, which
   * marked claims in the database) and releases this instance's claims. Returns how many events.
   */
  public synchronized int recover() {
    try {
      return claims.recover();
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
    if (!claims.holds(e.id())) {
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
              connection()
                  .prepareStatement(
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

  static Event withRetry(Event event, int attempts, Instant retryAt, String error) {
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
          claims.arrived(List.of(event(rows)));
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
    try {
      return claims.actionsDone(eventIds);
    } catch (SQLException e) {
      throw failure("read action completions", e);
    }
  }

  /** Records that one action of an event is done (idempotent). */
  public synchronized void markActionDone(long eventId, String actionKey, String result) {
    markActionDone(List.of(eventId), actionKey, result);
  }

  /** Records that one action is done for several events: one row for them all (idempotent). */
  public synchronized void markActionDone(
      java.util.Collection<Long> eventIds, String actionKey, String result) {
    try {
      claims.markActionDone(eventIds, actionKey, result);
    } catch (SQLException e) {
      throw failure("record action completion", e);
    }
  }

  /**
   * Forgets done events stored before {@code before}, with their action records. Their dedupe keys
   * go with them: a delivery repeated later than the retention is taken for a new one. Returns how
   * many events were forgotten.
   */
  public synchronized int purge(Instant before) {
    claims.compact(Integer.MAX_VALUE, true);
    int[] purged = new int[1];
    inTransaction(
        "purge",
        () -> {
          try (PreparedStatement marks =
                  connection()
                      .prepareStatement(
                          "DELETE FROM sidecar_action_done WHERE event_id IN (SELECT id FROM"
                              + " sidecar_event WHERE status = ? AND next_attempt_at < ?)");
              PreparedStatement events =
                  connection()
                      .prepareStatement(
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

  /** How many events this instance's workers hold claimed now. */
  public synchronized int inFlight() {
    try {
      return claims.inFlight();
    } catch (SQLException e) {
      throw failure("count the events in flight", e);
    }
  }

  /**
   * How many events are in each status; an event claimed is {@code pending} (unfinished), on a
   * shared log as on H2. A count reads the whole log (80 to 130 ms at 700,000 events on
   * PostgreSQL): on a shared log it runs on a connection of its own, so that the workers' claims
   * and settles (and the appends) do not wait for it; embedded, under the log's lock as everything
   * else.
   */
  public java.util.Map<String, Long> counts() {
    if (!shared) {
      synchronized (this) {
        claims.compact(Integer.MAX_VALUE, true);
        return count(connection);
      }
    }
    return onSide(counting, "count", this::count);
  }

  private java.util.Map<String, Long> count(Connection c) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rows =
            s.executeQuery("SELECT status, COUNT(*) FROM sidecar_event GROUP BY status")) {
      while (rows.next()) {
        String status = rows.getString(1);
        out.merge(shared && RUNNING.equals(status) ? PENDING : status, rows.getLong(2), Long::sum);
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
  static Timestamp timestamp(Instant instant) {
    return Timestamp.from(instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
  }

  /** The columns {@link #event} reads, in its order. */
  static final String COLUMNS =
      "id, db, dedupe_key, model, record_id, operation, payload, status, attempts,"
          + " next_attempt_at, last_error";

  static Event event(ResultSet row) throws SQLException {
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
  public void close() {
    synchronized (this) {
      closed = true;
      try {
        connection.close();
      } catch (SQLException e) {
        throw failure("close", e);
      }
    }
    // not under the log's lock: an append takes that one after its own
    appends.close();
    counting.close();
  }
}
