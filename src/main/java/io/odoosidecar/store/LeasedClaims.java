package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.Event;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claims of a log on PostgreSQL, which several instances share: a claim is a lease in the
 * database. A batch is claimed in one round trip (an advisory lock, then an update of the rows
 * picked {@code FOR UPDATE SKIP LOCKED}, returning them): each row gets status {@code running}, the
 * instance, the claim's number and the lease's end. The instance's heartbeat extends its leases;
 * one not extended (its instance died) is taken over by the next claim of any instance. A settle
 * (complete, fail, postpone) changes only the rows this instance still holds in that claim: the
 * late settle of a lease taken over is ignored. An event this instance still holds is not claimed
 * again by it (its lease ended while a worker still ran it): the worker's settle, ignored, comes
 * first.
 *
 * <p>Per-record order: an event is claimable only when no older unfinished event of its record is
 * pending and due or waiting for a retry, and no other event of its record is leased (but for
 * events held by a paused rule until they are due, which hold back none), as {@link MemoryClaims}
 * orders them; a lease that ended is put back in line first. The claims of all instances take one
 * advisory lock, each in its own transaction, so that each sees the leases the one before it took:
 * two claims cannot both find a record free. Nothing of the backlog is kept in memory: only the ids
 * this instance holds.
 */
final class LeasedClaims implements ClaimStrategy {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedClaims.class);

  /** The advisory lock the claims of every instance take (any number, the same for all). */
  static final long CLAIM_LOCK = 0x51DECA7L;

  private static final String LEASED = "status = 'running' AND lease_owner = ? AND lease_claim = ?";

  /**
   * The oldest due events whose record nothing holds back, in id order: the events pending are
   * walked on an index of their own ({@code sidecar_event_due}, postgresql/events), not among the
   * events done that the log keeps until its purge.
   */
  static final String DUE =
      "SELECT e.id FROM sidecar_event e"
          + " WHERE e.status = 'pending' AND e.next_attempt_at <= ? AND NOT e.id = ANY(?)"
          + " AND NOT EXISTS (SELECT 1 FROM sidecar_event o"
          + " WHERE o.db = e.db AND o.model = e.model AND o.record_id = e.record_id"
          + " AND o.id <> e.id"
          + " AND (o.status = 'running'"
          + " OR (o.id < e.id AND o.status = 'pending'"
          + " AND NOT (o.next_attempt_at > ? AND o.last_error LIKE 'held: %'))))"
          + " ORDER BY e.id LIMIT ? FOR UPDATE OF e SKIP LOCKED";

  /**
   * A claim, three statements in one round trip and one transaction: the lock all claims take; the
   * leases that ended put back in line (their instance stopped beating: its late settle will find
   * them gone); then the oldest due events whose record nothing holds back, leased.
   */
  private static final String CLAIM =
      "SELECT pg_advisory_xact_lock(?);"
          + " UPDATE sidecar_event SET status = 'pending', lease_owner = NULL, lease_claim = NULL,"
          + " lease_expires_ms = NULL WHERE status = 'running' AND lease_expires_ms <= ?;"
          + " UPDATE sidecar_event SET status = 'running', lease_owner = ?, lease_claim = ?,"
          + " lease_expires_ms = ? WHERE id = ANY(ARRAY("
          + DUE
          + ")) RETURNING "
          + EventLog.COLUMNS;

  private static final String COMPLETE =
      "WITH done AS (UPDATE sidecar_event SET status = 'done', lease_owner = NULL,"
          + " lease_claim = NULL, lease_expires_ms = NULL WHERE id = ANY(?) AND "
          + LEASED
          + " RETURNING id),"
          + " marks AS (DELETE FROM sidecar_action_done WHERE event_id IN (SELECT id FROM done))"
          + " SELECT id FROM done";

  private static final String FAIL =
      "UPDATE sidecar_event SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
          + " status = CASE WHEN attempts + 1 >= ? THEN 'dead' ELSE 'pending' END,"
          + " lease_owner = NULL, lease_claim = NULL, lease_expires_ms = NULL WHERE id = ? AND "
          + LEASED;

  private static final String POSTPONE =
      "UPDATE sidecar_event SET status = 'pending', last_error = ?, next_attempt_at = ?,"
          + " lease_owner = NULL, lease_claim = NULL, lease_expires_ms = NULL WHERE id = ? AND "
          + LEASED;

  private static final String RELEASE =
      "UPDATE sidecar_event SET status = 'pending', lease_owner = NULL, lease_claim = NULL,"
          + " lease_expires_ms = NULL WHERE status = 'running'"
          + " AND (lease_owner = ? OR lease_owner IS NULL)";

  private final EventLog log;
  private final String owner;
  private final Duration ttl;

  /** The events this instance holds, by id, with the claim they came in. */
  private final Map<Long, Long> held = new HashMap<>();

  /** The number of this instance's next claim: unique to it, above those of its earlier starts. */
  private long nextClaim = System.currentTimeMillis() * 1000;

  LeasedClaims(EventLog log, String owner, Duration ttl) {
    this.log = log;
    this.owner = owner;
    this.ttl = ttl;
  }

  /**
   * At open: folds the completions an earlier version wrote as batches, and takes back what this
   * instance's id held before its restart (a crash's claims go at once, not when their lease ends).
   */
  @Override
  public long load(boolean reopened) throws SQLException {
    if (!reopened) {
      foldBatches();
      int released = release();
      if (released > 0) {
        LOG.info(
            "event log: {} events claimed by {} before its restart are due again", released, owner);
      }
    }
    return 0;
  }

  private int release() throws SQLException {
    try (PreparedStatement update = log.connection().prepareStatement(RELEASE)) {
      update.setString(1, owner);
      return update.executeUpdate();
    }
  }

  /** The batch records of completions and marks an earlier version wrote, made rows. */
  private void foldBatches() {
    log.inTransaction(
        "fold the completions written as batches",
        () -> {
          List<Long> done = new ArrayList<>();
          try (Statement s = log.connection().createStatement();
              ResultSet rows = s.executeQuery("SELECT ids FROM sidecar_done_batch")) {
            while (rows.next()) {
              done.addAll(EventLog.ids(rows.getString(1)));
            }
          }
          try (PreparedStatement update =
              log.connection()
                  .prepareStatement("UPDATE sidecar_event SET status = 'done' WHERE id = ANY(?)")) {
            update.setArray(1, ids(done));
            update.executeUpdate();
          }
          try (PreparedStatement insert =
                  log.connection()
                      .prepareStatement(
                          "INSERT INTO sidecar_action_done (event_id, action_key, result)"
                              + " SELECT x, ?, ? FROM unnest(?::bigint[]) AS x"
                              + " ON CONFLICT DO NOTHING");
              Statement s = log.connection().createStatement();
              ResultSet rows =
                  s.executeQuery("SELECT action_key, result, ids FROM sidecar_mark_batch")) {
            while (rows.next()) {
              insert.setString(1, rows.getString(1));
              insert.setString(2, rows.getString(2));
              insert.setArray(3, ids(EventLog.ids(rows.getString(3))));
              insert.executeUpdate();
            }
          }
          try (Statement s = log.connection().createStatement()) {
            s.executeUpdate("DELETE FROM sidecar_done_batch");
            s.executeUpdate("DELETE FROM sidecar_mark_batch");
          }
        });
  }

  private Array ids(Collection<Long> ids) throws SQLException {
    return log.connection().createArrayOf("bigint", ids.toArray(new Long[0]));
  }

  @Override
  public void arrived(List<Event> events) {
    // the database holds them: the next claim of any instance finds them
  }

  @Override
  public List<Event> claim(int max, Instant now) throws SQLException {
    long claim = nextClaim++;
    List<Event> out = new ArrayList<>();
    int expired;
    try (PreparedStatement select = log.connection().prepareStatement(CLAIM)) {
      int i = 1;
      select.setLong(i++, CLAIM_LOCK);
      select.setLong(i++, now.toEpochMilli()); // leases ended
      select.setString(i++, owner);
      select.setLong(i++, claim);
      select.setLong(i++, now.plus(ttl).toEpochMilli());
      select.setTimestamp(i++, EventLog.timestamp(now)); // due
      select.setArray(i++, ids(held.keySet()));
      select.setTimestamp(i++, EventLog.timestamp(now)); // an older one held, not due yet
      select.setInt(i, max);
      select.execute(); // the lock's answer
      select.getMoreResults();
      expired = select.getUpdateCount();
      select.getMoreResults();
      try (ResultSet rows = select.getResultSet()) {
        while (rows.next()) {
          out.add(EventLog.event(rows));
        }
      }
    }
    if (expired > 0) {
      LOG.warn(
          "event log: {} events whose lease ended (their instance stopped beating) are due again",
          expired);
    }
    out.sort(Comparator.comparingLong(Event::id));
    out.forEach(e -> held.put(e.id(), claim));
    return out;
  }

  @Override
  public void complete(Collection<Long> ids) throws SQLException {
    Map<Long, List<Long>> byClaim = new LinkedHashMap<>();
    List<Long> notHeld = new ArrayList<>();
    for (long id : ids) {
      Long claim = held.remove(id);
      if (claim == null) {
        notHeld.add(id);
      } else {
        byClaim.computeIfAbsent(claim, k -> new ArrayList<>()).add(id);
      }
    }
    Set<Long> lost = new HashSet<>();
    try (PreparedStatement update = log.connection().prepareStatement(COMPLETE)) {
      for (Map.Entry<Long, List<Long>> group : byClaim.entrySet()) {
        update.setArray(1, ids(group.getValue()));
        update.setString(2, owner);
        update.setLong(3, group.getKey());
        Set<Long> settled = new HashSet<>();
        try (ResultSet rows = update.executeQuery()) {
          while (rows.next()) {
            settled.add(rows.getLong(1));
          }
        }
        group.getValue().stream().filter(id -> !settled.contains(id)).forEach(lost::add);
      }
    }
    ignored("completion", notHeld, lost);
  }

  @Override
  public void fail(long id, String error, Instant retryAt, int maxAttempts) throws SQLException {
    Long claim = held.remove(id);
    if (claim == null) {
      ignored("failure", List.of(id), Set.of());
      return;
    }
    try (PreparedStatement update = log.connection().prepareStatement(FAIL)) {
      update.setString(1, error);
      update.setTimestamp(2, EventLog.timestamp(retryAt));
      update.setInt(3, maxAttempts);
      update.setLong(4, id);
      update.setString(5, owner);
      update.setLong(6, claim);
      if (update.executeUpdate() == 0) {
        ignored("failure", List.of(), Set.of(id));
      }
    }
  }

  @Override
  public void postpone(long id, String error, Instant retryAt) throws SQLException {
    Long claim = held.remove(id);
    if (claim == null) {
      ignored("postponement", List.of(id), Set.of());
      return;
    }
    try (PreparedStatement update = log.connection().prepareStatement(POSTPONE)) {
      update.setString(1, error);
      update.setTimestamp(2, EventLog.timestamp(retryAt));
      update.setLong(3, id);
      update.setString(4, owner);
      update.setLong(5, claim);
      if (update.executeUpdate() == 0) {
        ignored("postponement", List.of(), Set.of(id));
      }
    }
  }

  /** Logs settles that changed nothing: of events not claimed here, or whose lease was lost. */
  private void ignored(String what, Collection<Long> notHeld, Collection<Long> lost) {
    if (!notHeld.isEmpty()) {
      LOG.warn("event log: {} of events {} ignored: {} does not hold them", what, notHeld, owner);
    }
    if (!lost.isEmpty()) {
      LOG.warn(
          "event log: {} of events {} ignored: {}'s lease on them ended and another instance"
              + " took them over",
          what,
          lost,
          owner);
    }
  }

  @Override
  public int released(String mark, Instant now, int updated) {
    return updated;
  }

  @Override
  public int recover() throws SQLException {
    held.clear();
    return release();
  }

  @Override
  public int refresh() {
    return 0; // every claim reads the database
  }

  @Override
  public void heartbeat(Instant now) throws SQLException {
    if (held.isEmpty()) {
      return;
    }
    try (PreparedStatement update =
        log.connection()
            .prepareStatement(
                "UPDATE sidecar_event SET lease_expires_ms = ?"
                    + " WHERE status = 'running' AND lease_owner = ?")) {
      update.setLong(1, now.plus(ttl).toEpochMilli());
      update.setString(2, owner);
      update.executeUpdate();
    }
  }

  @Override
  public int inFlight() throws SQLException {
    try (PreparedStatement count =
        log.connection()
            .prepareStatement(
                "SELECT COUNT(*) FROM sidecar_event WHERE status = 'running' AND lease_owner = ?")) {
      count.setString(1, owner);
      try (ResultSet rows = count.executeQuery()) {
        return rows.next() ? rows.getInt(1) : 0;
      }
    }
  }

  @Override
  public boolean holds(long id) {
    return held.containsKey(id);
  }

  @Override
  public Map<Long, Set<String>> actionsDone(Collection<Long> ids) throws SQLException {
    Map<Long, Set<String>> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement select =
        log.connection()
            .prepareStatement(
                "SELECT event_id, action_key FROM sidecar_action_done WHERE event_id = ANY(?)")) {
      select.setArray(1, ids(ids));
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          out.computeIfAbsent(rows.getLong(1), k -> new HashSet<>()).add(rows.getString(2));
        }
      }
    }
    return out;
  }

  /** One row per event, in one statement: another instance taking the event over finds them. */
  @Override
  public void markActionDone(Collection<Long> ids, String actionKey, String result)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        log.connection()
            .prepareStatement(
                "INSERT INTO sidecar_action_done (event_id, action_key, result)"
                    + " SELECT x, ?, ? FROM unnest(?::bigint[]) AS x ON CONFLICT DO NOTHING")) {
      insert.setString(1, actionKey);
      insert.setString(2, result);
      insert.setArray(3, ids(ids));
      insert.executeUpdate();
    }
  }

  @Override
  public boolean compact(int maxRecords, boolean force) {
    return false; // completions are written to the events themselves
  }
}
