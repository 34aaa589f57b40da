package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The call journal: the calls that change data a code action made for its events, with Odoo's
 * answers, so that the action run again for the same events (after a crash, a retry, a batch run
 * again record by record) is answered from here rather than making them twice.
 *
 * <p>The events that have calls are also kept in memory (loaded at open): {@link #journal} costs no
 * query for events with none, the common case (on H2; on PostgreSQL, shared by several instances,
 * it asks). A done event's calls go with {@link #forget}, told of the events the processor
 * completed (no query unless one of them has calls); {@link #purge} sweeps away the calls of events
 * no longer unfinished in the event log's table (left by a crash between a completion and its
 * forgetting). The schema is {@code io/odoosidecar/store/call_journal/V*.sql}, applied by {@link
 * Migrations}.
 */
public final class JournaledCalls implements AutoCloseable {
  /**
   * A call that changes data, made by an attempt of an action.
   *
   * @param callKey the call's digest
   * @param answer what Odoo answered, in JSON
   */
  public record Call(String callKey, String answer) {}

  private static final int CHUNK = 500;

  private final StoreConnection store;

  /** The events that have calls in the journal (on PostgreSQL: those this instance journaled). */
  private final Set<Long> journaled = new HashSet<>();

  /**
   * Whether the journal is on PostgreSQL, which several instances share: an event taken over from
   * another instance may have calls this one never saw, so {@link #journal} always asks.
   */
  private final boolean shared;

  private JournaledCalls(StoreConnection store) {
    this.store = store;
    this.shared = store.postgres();
  }

  /** Opens the journal on the connections a source gives, its schema migrated. */
  public static JournaledCalls open(ConnectionSource source) {
    JournaledCalls out =
        new JournaledCalls(StoreConnection.open(source, "call journal", "call_journal"));
    out.refresh();
    return out;
  }

  /**
   * Reads again which events have calls: those another process journaled since this one opened (an
   * event it left unfinished, taken over here) are then found by {@link #journal}.
   */
  public synchronized void refresh() {
    Set<Long> found =
        store.work(
            c -> {
              Set<Long> out = new HashSet<>();
              try (Statement s = c.createStatement();
                  ResultSet rows = s.executeQuery("SELECT DISTINCT event_id FROM sidecar_call")) {
                while (rows.next()) {
                  out.add(rows.getLong(1));
                }
              }
              return out;
            });
    journaled.clear();
    journaled.addAll(found);
  }

  /**
   * The calls that earlier attempts of one action made for any of these events, oldest first, each
   * once (a call made for several events is one). Costs no query when none of the events has any.
   */
  public synchronized List<Call> journal(String actionKey, Collection<Long> eventIds) {
    List<Long> wanted = new ArrayList<>();
    for (long id : eventIds) {
      if (shared || journaled.contains(id)) {
        wanted.add(id);
      }
    }
    if (wanted.isEmpty()) {
      return List.of();
    }
    List<Call> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int from = 0; from < wanted.size(); from += CHUNK) {
      List<Long> part = wanted.subList(from, Math.min(wanted.size(), from + CHUNK));
      String sql =
          "SELECT call_id, call_key, answer FROM sidecar_call WHERE action_key = ? AND event_id IN ("
              + String.join(",", Collections.nCopies(part.size(), "?"))
              + ") ORDER BY id";
      store.work(
          c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
              select.setString(1, actionKey);
              for (int i = 0; i < part.size(); i++) {
                select.setLong(i + 2, part.get(i));
              }
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  if (seen.add(rows.getString(1))) {
                    out.add(new Call(rows.getString(2), rows.getString(3)));
                  }
                }
              }
            }
            return null;
          });
    }
    return out;
  }

  /**
   * Writes down a call that changes data, made by an action for these events, with Odoo's answer:
   * one row per event, in one transaction.
   */
  public synchronized void journalCall(
      String actionKey, Collection<Long> eventIds, String callKey, String answer) {
    String callId = UUID.randomUUID().toString();
    store.inTransaction(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO sidecar_call (call_id, event_id, action_key, call_key, answer)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            for (long id : eventIds) {
              insert.setString(1, callId);
              insert.setLong(2, id);
              insert.setString(3, actionKey);
              insert.setString(4, callKey);
              insert.setString(5, answer);
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
    journaled.addAll(eventIds);
  }

  /**
   * Drops the calls of events that are done (their actions will not run again): on H2 no query
   * unless one of them has calls; on PostgreSQL one batch, as another instance may have journaled
   * them. Returns how many of the events had some.
   */
  public synchronized int forget(Collection<Long> done) {
    if (journaled.isEmpty() && !shared) {
      return 0;
    }
    List<Long> stale = new ArrayList<>();
    for (long id : done) {
      if (shared || journaled.contains(id)) {
        stale.add(id);
      }
    }
    if (stale.isEmpty()) {
      return 0;
    }
    int[] counts =
        store.work(
            c -> {
              try (PreparedStatement delete =
                  c.prepareStatement("DELETE FROM sidecar_call WHERE event_id = ?")) {
                for (long id : stale) {
                  delete.setLong(1, id);
                  delete.addBatch();
                }
                return delete.executeBatch();
              }
            });
    stale.forEach(journaled::remove);
    int had = 0;
    for (int count : counts) {
      had += count > 0 || count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : 0;
    }
    return had;
  }

  /**
   * Drops the calls of every event that is done or no longer in the event log (on the same
   * database): those a crash kept from {@link #forget}. The calls of pending, running, dead and
   * discarded events stay (a dead letter may be replayed). Returns how many calls went.
   */
  public synchronized int purge() {
    int purged =
        store.work(
            c -> {
              try (Statement delete = c.createStatement()) {
                return delete.executeUpdate(
                    "DELETE FROM sidecar_call WHERE NOT EXISTS (SELECT 1 FROM sidecar_event e"
                        + " WHERE e.id = sidecar_call.event_id AND e.status <> 'done')");
              }
            });
    refresh();
    return purged;
  }

  /** Closes the connection now; the next use opens another. */
  @Override
  public void close() {
    store.close();
  }
}
