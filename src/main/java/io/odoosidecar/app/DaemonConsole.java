package io.odoosidecar.app;

import io.odoosidecar.console.ConsoleBackend;
import io.odoosidecar.domain.BatchLoader;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.DomainMatcher;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.domain.Tri;
import io.odoosidecar.domain.UndecidableException;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.schedule.ScheduleStatus;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PollState;
import io.odoosidecar.store.RuleStates;
import io.odoosidecar.store.RunHistory;
import io.odoosidecar.sync.SyncLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's view of the running daemon, and what it does on it. */
final class DaemonConsole implements ConsoleBackend {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonConsole.class);

  private final Supplier<String> state;
  private final SidecarWiring wiring;
  private final Supplier<List<ScheduleStatus>> schedules;
  private final Supplier<Leadership> leadership;
  private final Clock clock;

  /**
   * @param leadership this instance among those sharing the event log; null until known
   */
  DaemonConsole(
      Supplier<String> state,
      SidecarWiring wiring,
      Supplier<List<ScheduleStatus>> schedules,
      Supplier<Leadership> leadership,
      Clock clock) {
    this.state = state;
    this.wiring = wiring;
    this.schedules = schedules;
    this.leadership = leadership;
    this.clock = clock;
  }

  @Override
  public Overview overview() {
    List<Connection> connections = new ArrayList<>();
    for (OdooConnections.View v : wiring.connections.views()) {
      connections.add(
          new Connection(
              v.name(),
              v.database(),
              v.version(),
              v.transport(),
              v.state(),
              v.lastError(),
              v.since()));
    }
    Activity.LastPush push = wiring.activity.lastPush();
    return new Overview(
        state.get(),
        connections,
        counts(),
        push == null ? null : new Push(push.at(), push.lag()),
        cursors(),
        new PythonPool(wiring.python.contexts(), wiring.python.busy()),
        instance());
  }

  /** This instance, its role and the instances alive; null before it is known. */
  private Instance instance() {
    Leadership current = leadership.get();
    if (current == null) {
      return null;
    }
    List<Member> members = new ArrayList<>();
    for (Leadership.Member m : current.members()) {
      members.add(new Member(m.id(), m.url(), m.leader(), m.heartbeatAt()));
    }
    return new Instance(current.id(), current.leading(), members);
  }

  private EventCounts counts() {
    Map<String, Long> byStatus = wiring.log.counts();
    return new EventCounts(
        wiring.activity.receivedTotal(),
        byStatus.getOrDefault("pending", 0L),
        wiring.log.inFlight(),
        wiring.log.retrying(),
        byStatus.getOrDefault("dead", 0L),
        byStatus.getOrDefault("discarded", 0L));
  }

  private List<Cursor> cursors() {
    List<Cursor> out = new ArrayList<>();
    wiring
        .polling
        .status()
        .forEach(
            (key, s) -> {
              int slash = key.indexOf('/');
              String db = key.substring(0, slash);
              String model = key.substring(slash + 1);
              Optional<PollState.Cursor> cursor = wiring.pollState.cursor(db, model);
              Object lastPoll = s.get("last_poll");
              out.add(
                  new Cursor(
                      db,
                      model,
                      cursor.map(PollState.Cursor::writeDate).orElse(""),
                      cursor.map(PollState.Cursor::recordId).orElse(0L),
                      lastPoll == null ? null : java.time.Instant.parse(lastPoll.toString()),
                      String.valueOf(s.getOrDefault("last_error", ""))));
            });
    return out;
  }

  @Override
  public List<RuleStats> rules() {
    Map<String, RunHistory.Stats> stats = wiring.history.stats();
    Map<String, RuleStates.State> states = wiring.states.all();
    List<RuleStats> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Rule rule : wiring.offloaded.current()) {
      if (seen.add(rule.name())) {
        out.add(stats(rule, stats.get(rule.name()), states.get(rule.name())));
      }
    }
    return out;
  }

  private RuleStats stats(Rule rule, RunHistory.Stats stats, RuleStates.State state) {
    Object database = rule.parameters().get("database");
    String source = wiring.offloaded.sourceOf(rule.name());
    boolean odoo = database != null;
    String lastError = stats == null || "done".equals(stats.lastResult()) ? "" : stats.lastError();
    return new RuleStats(
        rule.name(),
        odoo ? "odoo" : "file",
        odoo ? "" : source,
        database == null ? "" : database.toString(),
        rule.model(),
        rule.trigger().odooName(),
        rule.active(),
        wiring.states.isPaused(rule.name()),
        state == null ? 0 : state.fired(),
        stats != null ? stats.lastRun() : state == null ? null : state.lastRun(),
        lastError,
        stats == null ? null : stats.p50Ms(),
        stats == null ? null : stats.p95Ms());
  }

  @Override
  public List<RuleRun> runs(String rule, int limit) {
    rule(rule);
    List<RuleRun> out = new ArrayList<>();
    for (RunHistory.Run run : wiring.history.recent(rule, 0, limit)) {
      out.add(run.run());
    }
    return out;
  }

  @Override
  public List<DeadLetter> deadLetters() {
    List<EventLog.Event> dead = wiring.log.deadLetters();
    Map<Long, RunHistory.Run> failures =
        wiring.history.lastFailures(dead.stream().map(EventLog.Event::id).toList());
    List<DeadLetter> out = new ArrayList<>();
    for (EventLog.Event event : dead) {
      RunHistory.Run run = failures.get(event.id());
      out.add(
          run == null
              ? DeadLetter.of(event, "", "", null)
              : DeadLetter.of(event, run.run().traceback(), run.run().rule(), run.run().started()));
    }
    return out;
  }

  @Override
  public List<SyncAttempt> syncAttempts(int limit) {
    List<SyncAttempt> out = new ArrayList<>();
    for (SyncLog.Entry entry : wiring.sync.log().query(SyncLog.Query.newest(limit))) {
      out.add(SyncAttempt.of(entry));
    }
    return out;
  }

  @Override
  public List<ScheduleStatus> schedules() {
    return schedules.get();
  }

  @Override
  public void pause(String rule, String user) {
    rule(rule);
    wiring.pause(rule, user);
    LOG.info("rule '{}' paused by {}", rule, user);
  }

  @Override
  public void resume(String rule, String user) {
    rule(rule);
    wiring.resume(rule, user);
  }

  @Override
  public List<Long> replay(List<Long> ids, String user) {
    List<Long> replayed = new ArrayList<>();
    for (long id : ids) {
      if (wiring.log.replay(id, clock.instant())) {
        replayed.add(id);
      }
    }
    if (!replayed.isEmpty()) {
      LOG.info("dead letters {} replayed by {}", replayed, user);
      wiring.wake();
    }
    return replayed;
  }

  @Override
  public List<Long> discard(List<Long> ids, String user) {
    List<Long> discarded = wiring.log.discard(ids, clock.instant(), user);
    if (!discarded.isEmpty()) {
      LOG.info("dead letters {} discarded by {}", discarded, user);
    }
    return discarded;
  }

  @Override
  public Explanation explain(String name, long recordId) {
    Rule rule = rule(name);
    Object home = rule.parameters().get("database");
    OdooClient client =
        wiring.connections.client(
            home == null ? wiring.connections.mainDatabase() : home.toString());
    ExternalIds ids = new ExternalIds(client);
    DomainExpression.Context context =
        DomainExpression.Context.of(
            client.authenticate(), clock.instant(), xmlId -> ids.resolve(xmlId).orElse(null));
    Domain filter = domain(rule.filterDomain(), context);
    Domain before = domain(rule.filterPreDomain(), context);
    Schema schema = Schema.lazy(client::fieldsGet);
    List<Domain> domains = new ArrayList<>();
    if (filter != null) {
      domains.add(filter);
    }
    if (before != null) {
      domains.add(before);
    }
    RecordStore store =
        new BatchLoader(client, schema).load(rule.model(), List.of(recordId), domains);
    Map<String, Object> record = store.get(rule.model(), recordId);
    if (record == null) {
      throw new IllegalArgumentException(
          "Odoo has no " + rule.model() + " record with id " + recordId);
    }
    DomainEngine engine = new DomainEngine(schema, store);
    DomainCheck filterCheck =
        check(rule.filterDomain(), filter, engine, client, schema, rule, record);
    DomainCheck beforeCheck =
        before == null
            ? null
            : check(rule.filterPreDomain(), before, engine, client, schema, rule, record);
    String reason = reason(rule, filterCheck, beforeCheck);
    return new Explanation(
        rule.name(),
        rule.model(),
        recordId,
        rule.trigger().odooName(),
        reason.startsWith("fires"),
        reason,
        rule.triggerFields(),
        filterCheck,
        beforeCheck);
  }

  private static Domain domain(String text, DomainExpression.Context context) {
    return text == null || text.isBlank() ? null : DomainExpression.evaluate(text, context);
  }

  private static DomainCheck check(
      String text,
      Domain domain,
      DomainEngine engine,
      OdooClient client,
      Schema schema,
      Rule rule,
      Map<String, Object> record) {
    if (domain == null) {
      return DomainCheck.none();
    }
    try {
      return DomainCheck.of(text, engine.explain(rule.model(), domain, record));
    } catch (UndecidableException e) {
      long id = ((Number) record.get("id")).longValue();
      boolean matches =
          !new DomainMatcher(client, schema).ask(rule.model(), List.of(id), domain).isEmpty();
      return DomainCheck.answered(text, matches, e.getMessage());
    }
  }

  /** Why the rule would fire on the record now, or why not, in a sentence. */
  private String reason(Rule rule, DomainCheck filter, DomainCheck before) {
    if (!rule.active()) {
      return "does not fire: the rule is inactive";
    }
    if (wiring.states.isPaused(rule.name())) {
      return "does not fire now: the rule is paused (the events it would fire on wait)";
    }
    if (filter.result() != Tri.TRUE) {
      return "does not fire: the filter domain does not hold on the record";
    }
    if (before != null && before.result() != Tri.TRUE) {
      return "does not fire on a write: the before-update domain does not hold on the record's"
          + " current values, where a change would start from";
    }
    String on =
        rule.triggerFields().isEmpty()
            ? "on any change its trigger reacts to"
            : "when one of its watched fields changes";
    return "fires "
        + on
        + ": the filter domain holds"
        + (before == null ? "" : " and so does the before-update domain");
  }

  private Rule rule(String name) {
    for (Rule rule : wiring.offloaded.current()) {
      if (rule.name().equals(name)) {
        return rule;
      }
    }
    throw new IllegalArgumentException("no rule named '" + name + "' is in force");
  }
}
