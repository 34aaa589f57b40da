package io.odoosidecar.console;

import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.Tri;
import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.schedule.ScheduleStatus;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.SyncLog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the console reads and does, over the running daemon. Nothing it answers holds a
 * secret: connection errors and URLs come masked, sync attempts carry no headers nor bodies.
 *
 * <p>Every method may be called from several request threads at once. A method given a rule name or
 * an id it does not know throws {@link IllegalArgumentException} naming it; the console shows that
 * message with 404.
 */
public interface ConsoleBackend {

  /** The daemon's state: its connections, the event log's counts, the pollers, Python. */
  Overview overview();

  /** Every rule in force (from the rule files and Odoo's "Run in sidecar"), in display order. */
  List<RuleStats> rules();

  /** The newest runs of a rule, newest first, at most {@code limit}. */
  List<RuleRun> runs(String rule, int limit);

  /** The dead letters (parked events), oldest first. */
  List<DeadLetter> deadLetters();

  /** The newest outbound sync attempts, newest first, at most {@code limit}. */
  List<SyncAttempt> syncAttempts(int limit);

  /** Each schedule, offloaded cron job and timed rule. */
  List<ScheduleStatus> schedules();

  /** Pauses a rule: its events wait (not counted as attempts) until it is resumed. */
  void pause(String rule, String user);

  /** Resumes a paused rule: the events it held are woken. */
  void resume(String rule, String user);

  /** Puts dead letters back in line, attempts reset. Returns the ids that were dead letters. */
  List<Long> replay(List<Long> ids, String user);

  /**
   * Discards dead letters: kept with the status {@code discarded} and the user recorded, never
   * deleted. Returns the ids that were dead letters.
   */
  List<Long> discard(List<Long> ids, String user);

  /** Whether a rule would fire on a record now, and why. */
  Explanation explain(String rule, long recordId);

  // ------------------------------------------------------------------ what it answers

  /**
   * The overview.
   *
   * @param state the daemon's lifecycle state ({@code starting}, {@code running}, ...)
   * @param connections each Odoo connection
   * @param events the event log's counts
   * @param lastPush the last push received, or null when none since the start
   * @param cursors each poller's cursor
   * @param python the Python context pool
   * @param instance this instance among those sharing the event log, or null when not known
   */
  record Overview(
      String state,
      List<Connection> connections,
      EventCounts events,
      Push lastPush,
      List<Cursor> cursors,
      PythonPool python,
      Instance instance) {
    public Overview {
      connections = List.copyOf(connections);
      cursors = List.copyOf(cursors);
    }

    /** An overview with no instance known. */
    public Overview(
        String state,
        List<Connection> connections,
        EventCounts events,
        Push lastPush,
        List<Cursor> cursors,
        PythonPool python) {
      this(state, connections, events, lastPush, cursors, python, null);
    }
  }

  /**
   * This instance among those sharing the event log (one alone on the embedded store).
   *
   * @param id its {@code instance.id}
   * @param leader whether it leads (registers with the addon, polls)
   * @param members the instances alive, oldest first
   */
  record Instance(String id, boolean leader, List<Member> members) {
    public Instance {
      members = List.copyOf(members);
    }
  }

  /**
   * An instance alive.
   *
   * @param url its public URL
   * @param heartbeatAt its last beat
   */
  record Member(String id, String url, boolean leader, Instant heartbeatAt) {}

  /**
   * One Odoo connection.
   *
   * @param name its name in the configuration
   * @param database its database
   * @param version the server's version, empty before the first connection
   * @param transport {@code xmlrpc}, {@code jsonrpc} or {@code json2}, empty before the first
   *     connection
   * @param state {@code connected}, or why not: {@code connecting}, {@code unreachable} (retrying),
   *     {@code refused} (credentials refused, retrying)
   * @param reason the last error (masked), empty when connected
   * @param since when it entered this state, or null
   */
  record Connection(
      String name,
      String database,
      String version,
      String transport,
      String state,
      String reason,
      Instant since) {
    /** Whether the connection is up. */
    public boolean connected() {
      return "connected".equals(state);
    }
  }

  /**
   * The event log's counts.
   *
   * @param received events stored since the daemon started
   * @param pending events waiting for their first attempt or their next one
   * @param inFlight events being processed now
   * @param failed pending events that failed at least once (retrying)
   * @param dead dead letters
   * @param discarded dead letters discarded from the console or the RPC models
   */
  record EventCounts(
      long received, long pending, long inFlight, long failed, long dead, long discarded) {

    /**
     * The counts of {@link io.odoosidecar.store.EventLog#counts()} (by status: {@code pending},
     * {@code running}, {@code dead}, {@code discarded}; others left out).
     *
     * @param received events stored since the start
     * @param failed pending events with at least one failed attempt
     */
    public static EventCounts of(long received, long failed, Map<String, Long> byStatus) {
      return new EventCounts(
          received,
          byStatus.getOrDefault("pending", 0L),
          byStatus.getOrDefault("running", 0L),
          failed,
          byStatus.getOrDefault("dead", 0L),
          byStatus.getOrDefault("discarded", 0L));
    }
  }

  /**
   * The last push.
   *
   * @param at when the sidecar stored it
   * @param lag how long after the change in Odoo it was stored, or null when Odoo did not say
   */
  record Push(Instant at, Duration lag) {}

  /**
   * A poller's cursor on one model.
   *
   * @param writeDate the last {@code write_date} seen, as Odoo gives it, or empty
   * @param recordId the last record id seen at that {@code write_date}
   * @param lastPoll when the model was last polled, or null
   * @param lastError the last poll's error, empty when it worked
   */
  record Cursor(
      String database,
      String model,
      String writeDate,
      long recordId,
      Instant lastPoll,
      String lastError) {}

  /**
   * The Python context pool of code actions.
   *
   * @param size contexts kept
   * @param busy contexts running code now
   */
  record PythonPool(int size, int busy) {}

  /**
   * A rule with what is known of its runs.
   *
   * @param name its name (unique)
   * @param source {@code file} (a rules file) or {@code odoo} ("Run in sidecar")
   * @param file the rules file it comes from, empty for {@code odoo}
   * @param database the database it is bound to, empty for every database
   * @param trigger Odoo's trigger name ({@code on_create_or_write}, ...)
   * @param paused whether it is paused from the console or the RPC models
   * @param fired how many times it ran (cumulative)
   * @param lastRun when it last ran, or null
   * @param lastError its last run's error, empty when the last run worked
   * @param p50Millis the median of its kept runs' durations, or null with no run
   * @param p95Millis the 95th percentile of its kept runs' durations, or null with no run
   */
  record RuleStats(
      String name,
      String source,
      String file,
      String database,
      String model,
      String trigger,
      boolean active,
      boolean paused,
      long fired,
      Instant lastRun,
      String lastError,
      Double p50Millis,
      Double p95Millis) {}

  /**
   * A dead letter.
   *
   * @param id the event's id
   * @param attempts how many attempts failed
   * @param lastError why it was parked
   * @param traceback the last failed run's traceback for the event, or empty
   * @param rule the rule of that run, or empty
   * @param failedAt when that run failed, or null
   */
  record DeadLetter(
      long id,
      String database,
      String model,
      long recordId,
      String operation,
      int attempts,
      String lastError,
      String traceback,
      String rule,
      Instant failedAt) {

    /**
     * The dead letter of an event of the log, with what the run history knows of its last failed
     * run (empty traceback and rule, null time, when it knows nothing).
     */
    public static DeadLetter of(
        EventLog.Event event, String traceback, String rule, Instant failedAt) {
      return new DeadLetter(
          event.id(),
          event.database(),
          event.model(),
          event.recordId(),
          event.operation(),
          event.attempts(),
          event.lastError() == null ? "" : event.lastError(),
          traceback,
          rule,
          failedAt);
    }
  }

  /**
   * One outbound sync attempt, without its headers and bodies.
   *
   * @param url the URL, credentials masked
   * @param status the answer's status, 0 when none came
   * @param error why it failed without an answer, or empty
   * @param attempt its number, from 1
   * @param success whether it was answered 2xx
   */
  record SyncAttempt(
      long id,
      Instant at,
      String config,
      List<Long> recordIds,
      String operation,
      String method,
      String url,
      int status,
      Duration took,
      String error,
      int attempt,
      boolean success) {
    public SyncAttempt {
      recordIds = List.copyOf(recordIds);
    }

    /** The attempt of a sync log entry, its headers and bodies left out. */
    public static SyncAttempt of(SyncLog.Entry e) {
      return new SyncAttempt(
          e.id(),
          e.at(),
          e.config(),
          e.recordIds(),
          e.operation(),
          e.method(),
          e.url(),
          e.status(),
          e.took(),
          e.error() == null ? "" : e.error(),
          e.attempt(),
          e.success());
    }
  }

  /**
   * Whether a rule would fire on a record now.
   *
   * @param model the rule's model
   * @param trigger the rule's trigger
   * @param fires whether it would fire if the record changed now
   * @param reason why, in a sentence ("the filter domain holds", "paused", "inactive", ...)
   * @param watchedFields the fields whose change triggers it, empty for any field
   * @param filter the filter domain on the record's current values
   * @param beforeUpdate the before-update domain on the record's current values (the state a change
   *     would start from), or null when the rule has none
   */
  record Explanation(
      String rule,
      String model,
      long recordId,
      String trigger,
      boolean fires,
      String reason,
      List<String> watchedFields,
      DomainCheck filter,
      DomainCheck beforeUpdate) {
    public Explanation {
      watchedFields = List.copyOf(watchedFields);
    }
  }

  /**
   * A domain evaluated for one record.
   *
   * @param domain the domain as written, empty for none (every record)
   * @param result its value for the record
   * @param steps each leaf with the value it compared (empty when Odoo answered instead)
   * @param note how it was decided when not leaf by leaf ("answered by Odoo: ..."), else empty
   */
  record DomainCheck(String domain, Tri result, List<DomainEngine.Step> steps, String note) {
    public DomainCheck {
      steps = List.copyOf(steps);
    }

    /** The check of a domain by {@link DomainEngine#explain}. */
    public static DomainCheck of(String domain, DomainEngine.Explanation explanation) {
      return new DomainCheck(domain, explanation.result(), explanation.steps(), "");
    }

    /** No domain: every record matches. */
    public static DomainCheck none() {
      return new DomainCheck("", Tri.TRUE, List.of(), "no domain: every record");
    }

    /** A domain the records at hand could not decide, answered by Odoo's search. */
    public static DomainCheck answered(String domain, boolean matches, String why) {
      return new DomainCheck(
          domain, Tri.of(matches), List.of(), "answered by Odoo (not decidable here: " + why + ")");
    }
  }
}
