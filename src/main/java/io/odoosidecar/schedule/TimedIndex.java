package io.odoosidecar.schedule;

import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.pipeline.ChangePayload;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timed rules by due time: for each timed rule, the due time of every record matching its
 * filter, kept in a {@link DueIndex}, and the earliest of them armed as one trigger.
 *
 * <p>Due times are learned from the changes the sidecar receives ({@link #learn}): the changed
 * records are read with the rule's filter (so that anything the filter reads counts, and an
 * archived record, which Odoo's search leaves out, is cancelled) and their due time set, or
 * forgotten when they left the filter. A rule's records are read in full, page by page, when the
 * rule is new or changed and at every start ({@link #reconcile}), which is also the catch-up after
 * downtime.
 *
 * <p>Which past due times fire follows Odoo's window {@code [last_run, now)}: a full read fires the
 * due times from the rule's last sweep (for a rule never run, its imported {@code last_run}, the
 * epoch with {@code backfill: true}, or else now); a learned change fires those from the change
 * itself (its {@code write_date}), as Odoo's check running continuously would. When the trigger
 * fires ({@link #sweep}), each due record is read again: it fires only if it still matches the
 * filter and is still due (it may have changed through a path the sidecar did not see). A firing is
 * an event of the event log keyed by rule, record and due time, so that it happens once across
 * restarts, crashes and instances sharing the log; the pipeline runs its actions, with retries and
 * dead letters.
 */
public final class TimedIndex {
  private static final Logger LOG = LoggerFactory.getLogger(TimedIndex.class);
  private static final int PAGE = 2000;
  private static final int SWEEP_BATCH = 1000;
  private static final Instant NEVER = Instant.MAX;

  private final DueIndex index;
  private final EventLog log;
  private final Function<String, OdooClient> clients;
  private final Collection<String> databases;
  private final Supplier<? extends Collection<Rule>> rules;
  private final TimedRule.DayPlanner planner;
  private final Clock clock;
  private final Runnable wake;
  private final Map<String, ExternalIds> refs = new ConcurrentHashMap<>();
  private volatile Consumer<Instant> arm = at -> {};
  private volatile Supplier<Instant> armedAt = () -> null;
  private volatile java.util.function.BiConsumer<String, String> calendarChanged = (db, m) -> {};
  private final Set<String> unusable = ConcurrentHashMap.newKeySet();

  /** Rules whose records could not be learned or swept: read in full again by {@link #repair}. */
  private final Set<String> broken = ConcurrentHashMap.newKeySet();

  /**
   * @param databases the databases timed rules run on (a rule bound to one runs there alone)
   * @param clients the client of each database
   * @param planner working days of a calendar, for rules with {@code trg_date_calendar_id}
   * @param wake called when firings were stored, so the pipeline picks them up
   */
  public TimedIndex(
      DueIndex index,
      EventLog log,
      Collection<String> databases,
      Function<String, OdooClient> clients,
      Supplier<? extends Collection<Rule>> rules,
      TimedRule.DayPlanner planner,
      Clock clock,
      Runnable wake) {
    this.index = index;
    this.log = log;
    this.databases = List.copyOf(databases);
    this.clients = clients;
    this.rules = rules;
    this.planner = planner;
    this.clock = clock;
    this.wake = wake;
  }

  /** How the next due time is armed (the scheduler's trigger); called with the earliest one. */
  public void onArm(Consumer<Instant> arm) {
    this.arm = arm;
  }

  /**
   * Where the armed time is read back (the scheduler's trigger, shared by a cluster's instances).
   */
  public void onArmedAt(Supplier<Instant> armedAt) {
    this.armedAt = armedAt;
  }

  /** The models of working-day calendars: a change to one times the calendar rules again. */
  public static final Set<String> CALENDAR_MODELS =
      Set.of("resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves");

  /** Told of a change to a calendar model (a database and the model), before rules are re-timed. */
  public void onCalendarChange(java.util.function.BiConsumer<String, String> listener) {
    this.calendarChanged = listener;
  }

  /** The timed rules that run on a database. */
  List<TimedRule> timedRules(String database) {
    List<TimedRule> out = new ArrayList<>();
    for (Rule rule : rules.get()) {
      Object home = rule.parameters().get("database");
      if (rule.active()
          && TimedRule.timed(rule.trigger())
          && (home == null || home.equals(database))) {
        try {
          out.add(TimedRule.of(rule));
        } catch (RuntimeException e) {
          if (unusable.add(rule.name())) {
            LOG.error(
                "timed rule '{}': its timing cannot be read, it is left out: {}",
                rule.name(),
                e.getMessage());
          }
        }
      }
    }
    return out;
  }

  /** Whether a failure is Odoo being away (retried as it is) rather than a rule's own problem. */
  private static boolean unreachable(RuntimeException e) {
    return e instanceof io.odoosidecar.odoo.OdooException oe && oe.retriable();
  }

  /**
   * Brings the index in line with the rules: forgets removed rules, reads in full the rules that
   * are new or changed (every rule with {@code everything}, as at start), then arms the earliest
   * due time. A database whose Odoo cannot be read is left for the next call; returns whether all
   * could.
   */
  public boolean reconcile(boolean everything) {
    boolean complete = true;
    for (String database : databases) {
      try {
        reconcile(database, everything);
      } catch (RuntimeException e) {
        complete = false;
        LOG.warn("timed rules on {}: cannot read their records yet: {}", database, e.getMessage());
      }
    }
    rearm();
    return complete;
  }

  private void reconcile(String database, boolean everything) {
    Set<String> current = new HashSet<>();
    for (TimedRule timed : timedRules(database)) {
      current.add(timed.name());
      Optional<DueIndex.RuleState> state = index.state(database, timed.name());
      boolean same = state.isPresent() && state.get().fingerprint().equals(timed.fingerprint());
      if (everything || !same || broken.contains(database + "\u0000" + timed.name())) {
        Instant from = state.map(DueIndex.RuleState::swept).orElseGet(() -> start(timed));
        try {
          fill(database, timed, from);
          broken.remove(database + "\u0000" + timed.name());
        } catch (RuntimeException e) {
          if (unreachable(e)) {
            throw e;
          }
          broken.add(database + "\u0000" + timed.name());
          LOG.error(
              "timed rule '{}' on {}: its records cannot be read: {}",
              timed.name(),
              database,
              e.getMessage());
        }
      }
    }
    for (String gone : index.rules(database)) {
      if (!current.contains(gone)) {
        index.forgetRule(database, gone);
        LOG.info("timed rule '{}' on {}: gone, its due times forgotten", gone, database);
      }
    }
  }

  /** Where a rule never run starts: its imported last run, the epoch to back-fill, or now. */
  private Instant start(TimedRule timed) {
    Object lastRun = timed.rule().parameters().get("last_run");
    if (lastRun instanceof String text && !text.isBlank()) {
      return TimedRule.parse(text).toInstant(ZoneOffset.UTC);
    }
    if (Boolean.TRUE.equals(timed.rule().parameters().get("backfill"))) {
      return Instant.EPOCH;
    }
    return clock.instant();
  }

  /** Reads a rule's records in full and sets their due times from {@code from} on. */
  void fill(String database, TimedRule timed, Instant from) {
    OdooClient client = client(database);
    List<Object> domain = filter(database, client, timed);
    List<String> fields = timed.readFields();
    index.clearRule(database, timed.name());
    int count = 0;
    for (int offset = 0; ; offset += PAGE) {
      List<OdooRecord> page =
          client.searchRead(timed.model(), domain, fields, new SearchOptions(offset, PAGE, "id"));
      List<DueIndex.Due> dues = new ArrayList<>();
      for (OdooRecord record : page) {
        due(database, timed, record)
            .filter(at -> !at.isBefore(from))
            .ifPresent(at -> dues.add(new DueIndex.Due(database, timed.name(), record.id(), at)));
      }
      index.add(dues);
      count += dues.size();
      if (page.size() < PAGE) {
        break;
      }
    }
    Instant now = clock.instant();
    index.saveState(database, timed.name(), new DueIndex.RuleState(timed.fingerprint(), now, from));
    LOG.info(
        "timed rule '{}' on {}: {} records scheduled (due times from {})",
        timed.name(),
        database,
        count,
        from);
  }

  /**
   * Learns from a group of changes of one model: the due times of the written records under each
   * timed rule of the model, set again or forgotten, and those of deleted records forgotten. A
   * failure to read Odoo is thrown, so that the changes are retried.
   */
  public void learn(
      String database, String model, Collection<Long> written, Collection<Long> unlinked) {
    learn(database, model, written, unlinked, null);
  }

  /**
   * {@link #learn(String, String, Collection, Collection)}, knowing which fields the writes changed
   * ({@code fields}, null when unknown): a rule that none of them concerns reads nothing.
   */
  public void learn(
      String database,
      String model,
      Collection<Long> written,
      Collection<Long> unlinked,
      Set<String> fields) {
    if (written.isEmpty() && unlinked.isEmpty()) {
      return;
    }
    if (CALENDAR_MODELS.contains(model)) {
      retimeCalendarRules(database, model);
    }
    Instant earliest = NEVER;
    List<DueIndex.Due> dues = new ArrayList<>();
    List<DueIndex.Due> forgotten = new ArrayList<>();
    for (TimedRule timed : timedRules(database)) {
      if (!timed.model().equals(model)) {
        continue;
      }
      for (long id : unlinked) {
        forgotten.add(new DueIndex.Due(database, timed.name(), id, NEVER));
      }
      if (written.isEmpty()
          || fields != null && !timed.concernedBy(fields, client(database).fieldsGet(model))) {
        continue;
      }
      try {
        earliest = min(earliest, relearn(database, timed, written, dues, forgotten));
      } catch (RuntimeException e) {
        if (unreachable(e)) {
          throw e; // the changes are retried once Odoo is back
        }
        broken.add(database + "\u0000" + timed.name());
        LOG.error(
            "timed rule '{}' on {}: changes not learned, its records are read again in"
                + " full: {}",
            timed.name(),
            database,
            e.getMessage());
      }
    }
    index.update(dues, forgotten); // one commit for all the rules
    if (earliest.isBefore(NEVER)) {
      armAtMost(earliest);
    }
  }

  /** Adds the records' due times under a rule to {@code dues}, the cancelled to {@code gone}. */
  private Instant relearn(
      String database,
      TimedRule timed,
      Collection<Long> ids,
      List<DueIndex.Due> dues,
      List<DueIndex.Due> gone) {
    Map<Long, OdooRecord> found = read(database, timed, ids);
    Instant earliest = NEVER;
    Instant now = clock.instant();
    // due times from the last sweep on have not fired yet, whenever the change came
    Instant swept = index.state(database, timed.name()).map(DueIndex.RuleState::swept).orElse(now);
    for (long id : ids) {
      OdooRecord record = found.get(id);
      Optional<Instant> due = record == null ? Optional.empty() : due(database, timed, record);
      Instant changed = record == null ? now : TimedRule.changedAt(record.values()).orElse(now);
      if (due.isPresent() && !due.get().isBefore(min(changed, swept))) {
        dues.add(new DueIndex.Due(database, timed.name(), id, due.get()));
        earliest = min(earliest, due.get());
      } else {
        // left the filter, archived, no date, or due before its change
        gone.add(new DueIndex.Due(database, timed.name(), id, NEVER));
      }
    }
    return earliest;
  }

  /** A calendar changed: the rules on calendars are read in full again from their last sweep. */
  private void retimeCalendarRules(String database, String model) {
    calendarChanged.accept(database, model);
    for (TimedRule timed : timedRules(database)) {
      if (timed.calendarId() != null) {
        broken.add(database + "\u0000" + timed.name()); // until read in full below
        Instant from =
            index
                .state(database, timed.name())
                .map(DueIndex.RuleState::swept)
                .orElseGet(() -> start(timed));
        fill(database, timed, from);
        broken.remove(database + "\u0000" + timed.name());
      }
    }
    rearm();
  }

  /**
   * Fires every due time that has come: each due record is read again, fires if it still matches
   * and is still due, is scheduled again if its due time moved on, and is forgotten otherwise.
   * Returns the number of firings stored. A failure to read Odoo is thrown, the due times kept.
   */
  public int sweep() {
    Instant now = clock.instant();
    int fired = 0;
    while (true) {
      List<DueIndex.Due> batch = index.dueBy(now, SWEEP_BATCH);
      if (batch.isEmpty()) {
        break;
      }
      Map<String, List<DueIndex.Due>> byRule = new LinkedHashMap<>();
      for (DueIndex.Due due : batch) {
        byRule
            .computeIfAbsent(due.database() + "\u0000" + due.rule(), k -> new ArrayList<>())
            .add(due);
      }
      for (List<DueIndex.Due> dues : byRule.values()) {
        fired += sweepOrPostpone(dues, now);
      }
    }
    markSwept(now);
    rearm();
    if (fired > 0) {
      wake.run();
    }
    return fired;
  }

  /** Arms a retry of a sweep that failed, {@code after} from now. */
  public void retryIn(java.time.Duration after) {
    arm.accept(clock.instant().plus(after));
  }

  /**
   * Sweeps one rule's due records; when Odoo refuses the rule's read (not when it is away), the
   * rule's due times wait a minute so that the other rules still fire.
   */
  private int sweepOrPostpone(List<DueIndex.Due> dues, Instant now) {
    try {
      return sweep(dues, now);
    } catch (RuntimeException e) {
      if (unreachable(e)) {
        throw e;
      }
      Instant later = now.plus(java.time.Duration.ofMinutes(1));
      List<DueIndex.Due> postponed = new ArrayList<>();
      for (DueIndex.Due due : dues) {
        postponed.add(new DueIndex.Due(due.database(), due.rule(), due.recordId(), later));
      }
      index.put(postponed);
      LOG.error(
          "timed rule '{}' on {}: {} due records not swept, again at {}: {}",
          dues.get(0).rule(),
          dues.get(0).database(),
          dues.size(),
          later,
          e.getMessage());
      return 0;
    }
  }

  private int sweep(List<DueIndex.Due> dues, Instant now) {
    String database = dues.get(0).database();
    Optional<TimedRule> rule =
        timedRules(database).stream().filter(t -> t.name().equals(dues.get(0).rule())).findFirst();
    if (rule.isEmpty()) {
      index.forgetRule(database, dues.get(0).rule());
      return 0;
    }
    TimedRule timed = rule.get();
    Map<Long, OdooRecord> found =
        read(database, timed, dues.stream().map(d -> d.recordId()).toList());
    List<EventLog.NewEvent> events = new ArrayList<>();
    List<DueIndex.Due> fired = new ArrayList<>();
    List<DueIndex.Due> later = new ArrayList<>();
    List<Long> gone = new ArrayList<>();
    for (DueIndex.Due due : dues) {
      OdooRecord record = found.get(due.recordId());
      Optional<Instant> at = record == null ? Optional.empty() : due(database, timed, record);
      if (at.isEmpty()) {
        gone.add(due.recordId());
      } else if (at.get().isAfter(now)) {
        later.add(new DueIndex.Due(database, timed.name(), due.recordId(), at.get()));
      } else {
        events.add(firing(database, timed, due.recordId(), at.get()));
        fired.add(due);
      }
    }
    int stored = log.append(events, now).size();
    index.removeFired(fired);
    index.put(later);
    index.remove(database, timed.name(), gone);
    if (stored > 0) {
      LOG.info("timed rule '{}' on {}: {} records due", timed.name(), database, stored);
    }
    return stored;
  }

  private void markSwept(Instant now) {
    for (String database : databases) {
      for (TimedRule timed : timedRules(database)) {
        index
            .state(database, timed.name())
            .filter(s -> s.swept().isBefore(now))
            .ifPresent(
                s ->
                    index.saveState(
                        database,
                        timed.name(),
                        new DueIndex.RuleState(s.fingerprint(), s.filled(), now)));
      }
    }
  }

  /** The event of a firing: keyed by rule, record and due time, so that it is stored once. */
  static EventLog.NewEvent firing(String database, TimedRule timed, long recordId, Instant due) {
    String dueAt = LocalDateTime.ofInstant(due, ZoneOffset.UTC).toString();
    ChangePayload payload =
        new ChangePayload(
            "timed",
            List.of(),
            Map.of(),
            Map.of(),
            0,
            dueAt,
            "timer",
            0,
            List.of(),
            0,
            Map.of(),
            timed.name());
    return new EventLog.NewEvent(
        database,
        "timed:" + timed.name() + ":" + recordId + ":" + dueAt,
        timed.model(),
        recordId,
        "timed",
        payload.toJson());
  }

  /** The records among {@code ids} that match the rule's filter, by id. */
  private Map<Long, OdooRecord> read(String database, TimedRule timed, Collection<Long> ids) {
    OdooClient client = client(database);
    List<Object> domain = new ArrayList<>();
    domain.add(List.of("id", "in", List.copyOf(ids)));
    domain.addAll(filter(database, client, timed));
    Map<Long, OdooRecord> out = new LinkedHashMap<>();
    for (OdooRecord record :
        client.searchRead(timed.model(), domain, timed.readFields(), SearchOptions.ALL)) {
      out.put(record.id(), record);
    }
    return out;
  }

  private Optional<Instant> due(String database, TimedRule timed, OdooRecord record) {
    return timed.due(database, record.values(), planner);
  }

  private List<Object> filter(String database, OdooClient client, TimedRule timed) {
    String text = timed.rule().filterDomain();
    if (text == null || text.isBlank()) {
      return List.of();
    }
    ExternalIds ids = refs.computeIfAbsent(database, db -> new ExternalIds(client));
    DomainExpression.Context context =
        DomainExpression.Context.of(
            client.authenticate(), clock.instant(), x -> ids.resolve(x).orElse(null));
    return new ArrayList<>(DomainExpression.evaluate(text, context).toWire());
  }

  private OdooClient client(String database) {
    OdooClient client = clients.apply(database);
    if (client == null) {
      throw new IllegalStateException("no Odoo connection is configured for database " + database);
    }
    return client;
  }

  /** What {@code sidecar schedules list} and {@code /health} show of each timed rule. */
  public List<ScheduleStatus> status() {
    List<ScheduleStatus> out = new ArrayList<>();
    for (String database : databases) {
      for (TimedRule timed : timedRules(database)) {
        DueIndex.Summary summary = index.summary(database, timed.name());
        Instant lastRun =
            index.state(database, timed.name()).map(DueIndex.RuleState::swept).orElse(null);
        out.add(
            new ScheduleStatus(
                "timed",
                timed.name(),
                database,
                summary.next(),
                lastRun,
                null,
                summary.count(),
                false));
      }
    }
    return out;
  }

  /**
   * Arms the earliest due time of the index, at most {@link #HEARTBEAT} from now: a sweep then runs
   * at least that often and moves each rule's last sweep on, as Odoo's check moves its {@code
   * last_run}, so that a later full read does not fire what had long passed.
   */
  public void rearm() {
    Instant cap = clock.instant().plus(HEARTBEAT);
    Instant next = index.next().orElse(cap);
    arm.accept(next.isBefore(cap) ? next : cap);
  }

  /** How far ahead the trigger is armed at most. */
  static final java.time.Duration HEARTBEAT = java.time.Duration.ofHours(1);

  private void armAtMost(Instant at) {
    Instant current = armedAt.get();
    if (current == null || at.isBefore(current)) {
      arm.accept(at);
    }
  }

  /**
   * Brings back what a failure left behind: rules whose records could not be read are read in full
   * again, and a trigger that is missing or later than the index's earliest due time (after a
   * failed arming, or moved by another instance) is armed again. Called every few seconds.
   */
  public void repair() {
    if (!broken.isEmpty()) {
      reconcile(false);
      return;
    }
    Optional<Instant> next = index.next();
    Instant current = armedAt.get();
    if (current == null || next.isPresent() && next.get().isBefore(current)) {
      rearm();
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
