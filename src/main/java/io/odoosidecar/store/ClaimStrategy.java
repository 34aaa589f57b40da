package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.Event;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the {@link EventLog} hands its unfinished events to workers and takes them back settled, with
 * the actions recorded done for them. The log chooses it by its database: {@link MemoryClaims} on
 * the embedded H2 store (one instance: the unfinished events and the claims kept in memory,
 * completions written as batches), {@link LeasedClaims} on PostgreSQL (several instances: claims
 * are leases in the database, settled only by their holder).
 *
 * <p>Every method is called under the log's lock, on its connection; a failure is thrown as the
 * {@link SQLException} that caused it, for the log to judge.
 */
interface ClaimStrategy {
  /**
   * Reads what the strategy keeps of the log, at open ({@code reopened} false) or after the log's
   * connection was made again (true: the claims of batches still running are kept). Returns the
   * highest event id it saw.
   */
  long load(boolean reopened) throws SQLException;

  /** Events stored or put back in line by this process (appended, replayed): due to be claimed. */
  void arrived(List<Event> events);

  /**
   * Up to {@code max} due events, oldest first, at most one of each record: an event is handed out
   * only when no older unfinished event of its record waits (for a retry, or claimed) and no other
   * of its record is claimed, but for events held by a paused rule, which hold back none.
   */
  List<Event> claim(int max, Instant now) throws SQLException;

  /** Marks claimed events done. */
  void complete(Collection<Long> ids) throws SQLException;

  /** A failed attempt: tried again at {@code retryAt}, or a dead letter at its last attempt. */
  void fail(long id, String error, Instant retryAt, int maxAttempts) throws SQLException;

  /** Puts a claimed event back in line for {@code retryAt} without counting an attempt. */
  void postpone(long id, String error, Instant retryAt) throws SQLException;

  /**
   * Makes the events held by a paused rule due now, after the log's update of the database ({@code
   * updated} rows); returns how many.
   */
  int released(String mark, Instant now, int updated);

  /** Releases this instance's claims (and those a crash of an older version left running). */
  int recover() throws SQLException;

  /** Takes in events put back in line by another process; returns how many. */
  int refresh() throws SQLException;

  /** Extends this instance's claims (a lease ends unless extended). */
  void heartbeat(Instant now) throws SQLException;

  /** How many events this instance holds claimed now. */
  int inFlight() throws SQLException;

  /** Whether this instance holds the event claimed. */
  boolean holds(long id);

  /** The actions recorded done for each of some unfinished events. */
  Map<Long, Set<String>> actionsDone(Collection<Long> ids) throws SQLException;

  /** Records one action done for several events (idempotent). */
  void markActionDone(Collection<Long> ids, String actionKey, String result) throws SQLException;

  /**
   * Folds at most {@code maxRecords} records of completions written apart into the events ({@code
   * force}: even when none is known to wait); returns whether some are left.
   */
  boolean compact(int maxRecords, boolean force);
}
