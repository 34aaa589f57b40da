package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.Event;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The claims of the embedded H2 store, which one instance uses: the unfinished events (and the
 * actions done for them) are kept in memory, loaded at open, so that a claim costs no query; claims
 * are held in memory too, so a crash releases them. Completions are made durable as one row per
 * call (the ids of a batch, in {@code sidecar_done_batch} and {@code sidecar_mark_batch}) rather
 * than a row write per event, which costs H2 20 to 50 µs each, and folded into the events' status
 * later ({@link #compact}), when the pipeline is idle, at open, and before counting or purging.
 */
final class MemoryClaims implements ClaimStrategy {
  private final EventLog log;

  /** Events claimed and not yet settled, by id, with their record's key. */
  private final Map<Long, String> claimedEvents = new HashMap<>();

  /** The unfinished events (pending, claimed or waiting for a retry), by id. */
  private final TreeMap<Long, Event> pending = new TreeMap<>();

  /** The actions recorded done for unfinished events. */
  private final Map<Long, Set<String>> marks = new HashMap<>();

  /** Whether batch records wait for {@link #compact}. */
  private boolean dirty;

  MemoryClaims(EventLog log) {
    this.log = log;
  }

  /** Folds the batch records into the events, then reads the unfinished events and their marks. */
  @Override
  public long load(boolean reopened) throws SQLException {
    pending.clear();
    marks.clear();
    dirty = true;
    compactDone(Integer.MAX_VALUE);
    long highest = 0;
    try (PreparedStatement select =
        log.connection()
            .prepareStatement(
                "SELECT "
                    + EventLog.COLUMNS
                    + " FROM sidecar_event WHERE status IN (?, ?) ORDER BY id")) {
      select.setString(1, EventLog.PENDING);
      select.setString(2, EventLog.RUNNING);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          Event event = EventLog.event(rows);
          pending.put(event.id(), event);
          highest = Math.max(highest, event.id());
        }
      }
    }
    try (Statement select = log.connection().createStatement();
        ResultSet rows =
            select.executeQuery("SELECT event_id, action_key FROM sidecar_action_done")) {
      while (rows.next()) {
        if (pending.containsKey(rows.getLong(1))) {
          marks.computeIfAbsent(rows.getLong(1), k -> new HashSet<>()).add(rows.getString(2));
        }
      }
    }
    try (Statement select = log.connection().createStatement();
        ResultSet rows = select.executeQuery("SELECT action_key, ids FROM sidecar_mark_batch")) {
      while (rows.next()) {
        for (long id : EventLog.ids(rows.getString(2))) {
          if (pending.containsKey(id)) {
            marks.computeIfAbsent(id, k -> new HashSet<>()).add(rows.getString(1));
          }
        }
      }
    }
    return highest;
  }

  @Override
  public void arrived(List<Event> events) {
    for (Event e : events) {
      pending.put(e.id(), e);
    }
  }

  @Override
  public boolean compact(int maxRecords, boolean force) {
    if (force) {
      dirty = true;
    }
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

  /**
   * Takes in the pending events that another process put in the log (a dead letter replayed by
   * {@code sidecar dead-letters replay}). Returns how many.
   */
  @Override
  public int refresh() throws SQLException {
    compact(Integer.MAX_VALUE, false);
    int found = 0;
    try (PreparedStatement select =
        log.connection()
            .prepareStatement(
                "SELECT "
                    + EventLog.COLUMNS
                    + " FROM sidecar_event WHERE status = ? ORDER BY id")) {
      select.setString(1, EventLog.PENDING);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          long id = rows.getLong(1);
          if (!pending.containsKey(id)) {
            pending.put(id, EventLog.event(rows));
            found++;
          }
        }
      }
    }
    return found;
  }

  private boolean compactDone(int maxRecords) {
    boolean[] more = new boolean[1];
    log.inTransaction(
        "compact",
        () -> {
          List<Long> done = new ArrayList<>();
          List<Long> batches = new ArrayList<>();
          try (Statement select = log.connection().createStatement();
              ResultSet rows =
                  select.executeQuery("SELECT id, ids FROM sidecar_done_batch ORDER BY id")) {
            while (rows.next()) {
              if (batches.size() >= maxRecords) {
                more[0] = true;
                break;
              }
              batches.add(rows.getLong(1));
              done.addAll(EventLog.ids(rows.getString(2)));
            }
          }
          if (!done.isEmpty()) {
            try (PreparedStatement update =
                log.connection()
                    .prepareStatement("UPDATE sidecar_event SET status = ? WHERE id = ?")) {
              for (long id : done) {
                update.setString(1, EventLog.DONE);
                update.setLong(2, id);
                update.addBatch();
              }
              update.executeBatch();
            }
            try (PreparedStatement delete =
                log.connection().prepareStatement("DELETE FROM sidecar_done_batch WHERE id = ?")) {
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
    log.inTransaction(
        "compact",
        () -> {
          List<Long> stale = new ArrayList<>();
          try (Statement select = log.connection().createStatement();
              ResultSet rows = select.executeQuery("SELECT id, ids FROM sidecar_mark_batch")) {
            while (rows.next()) {
              if (EventLog.ids(rows.getString(2)).stream().noneMatch(pending::containsKey)) {
                stale.add(rows.getLong(1));
              }
            }
          }
          if (!stale.isEmpty()) {
            try (PreparedStatement delete =
                log.connection().prepareStatement("DELETE FROM sidecar_mark_batch WHERE id = ?")) {
              for (long id : stale) {
                delete.setLong(1, id);
                delete.addBatch();
              }
              delete.executeBatch();
            }
          }
        });
  }

  @Override
  public List<Event> claim(int max, Instant now) {
    Set<String> seen = new HashSet<>(claimedEvents.values());
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
      if (waiting && EventLog.held(event)) {
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

  /** Marks events done: one row records them all (see {@link #compact}). */
  @Override
  public void complete(Collection<Long> ids) throws SQLException {
    try (PreparedStatement insert =
        log.connection().prepareStatement("INSERT INTO sidecar_done_batch (ids) VALUES (?)")) {
      insert.setString(1, EventLog.text(ids));
      insert.executeUpdate();
    }
    for (long id : ids) {
      claimedEvents.remove(id);
      pending.remove(id);
      marks.remove(id);
    }
    dirty = true;
  }

  @Override
  public void fail(long id, String error, Instant retryAt, int maxAttempts) throws SQLException {
    String sql =
        "UPDATE sidecar_event SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,"
            + " status = CASE WHEN attempts + 1 >= ? THEN ? ELSE ? END WHERE id = ?";
    try (PreparedStatement update = log.connection().prepareStatement(sql)) {
      update.setString(1, error);
      update.setTimestamp(2, EventLog.timestamp(retryAt));
      update.setInt(3, maxAttempts);
      update.setString(4, EventLog.DEAD);
      update.setString(5, EventLog.PENDING);
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
          pending.put(id, EventLog.withRetry(event, attempts, retryAt, error));
        }
      }
    }
  }

  @Override
  public void postpone(long id, String error, Instant retryAt) throws SQLException {
    try (PreparedStatement update =
        log.connection()
            .prepareStatement(
                "UPDATE sidecar_event SET status = ?, last_error = ?, next_attempt_at = ?"
                    + " WHERE id = ?")) {
      update.setString(1, EventLog.PENDING);
      update.setString(2, error);
      update.setTimestamp(3, EventLog.timestamp(retryAt));
      update.setLong(4, id);
      update.executeUpdate();
      claimedEvents.remove(id);
      Event event = pending.get(id);
      if (event != null) {
        pending.put(id, EventLog.withRetry(event, event.attempts(), retryAt, error));
      }
    }
  }

  @Override
  public int released(String mark, Instant now, int updated) {
    int released = 0;
    for (Event event : new ArrayList<>(pending.values())) {
      if (EventLog.held(event) && event.lastError().contains(mark)) {
        pending.put(
            event.id(), EventLog.withRetry(event, event.attempts(), now, event.lastError()));
        released++;
      }
    }
    return released;
  }

  /**
   * Hands out again the events a crash left marked running (by an earlier version of the log, which
   * marked claims in the database) and releases this process's claims.
   */
  @Override
  public int recover() throws SQLException {
    try (PreparedStatement update =
        log.connection().prepareStatement("UPDATE sidecar_event SET status = ? WHERE status = ?")) {
      update.setString(1, EventLog.PENDING);
      update.setString(2, EventLog.RUNNING);
      int released = claimedEvents.size();
      claimedEvents.clear();
      return update.executeUpdate() + released;
    }
  }

  @Override
  public void heartbeat(Instant now) {
    // claims live in this process's memory: nothing expires
  }

  @Override
  public int inFlight() {
    return claimedEvents.size();
  }

  @Override
  public boolean holds(long id) {
    return claimedEvents.containsKey(id);
  }

  @Override
  public Map<Long, Set<String>> actionsDone(Collection<Long> ids) {
    Map<Long, Set<String>> out = new HashMap<>();
    for (long id : ids) {
      Set<String> done = marks.get(id);
      if (done != null) {
        out.put(id, new HashSet<>(done));
      }
    }
    return out;
  }

  /** One row for them all (see {@link #compact}). */
  @Override
  public void markActionDone(Collection<Long> ids, String actionKey, String result)
      throws SQLException {
    List<Long> fresh = new ArrayList<>();
    for (long id : ids) {
      if (!marks.getOrDefault(id, Set.of()).contains(actionKey)) {
        fresh.add(id);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        log.connection()
            .prepareStatement(
                "INSERT INTO sidecar_mark_batch (action_key, result, ids) VALUES (?, ?, ?)")) {
      insert.setString(1, actionKey);
      insert.setString(2, result);
      insert.setString(3, EventLog.text(fresh));
      insert.executeUpdate();
    }
    for (long id : fresh) {
      if (pending.containsKey(id)) {
        marks.computeIfAbsent(id, k -> new HashSet<>()).add(actionKey);
      }
    }
    dirty = true;
  }
}
