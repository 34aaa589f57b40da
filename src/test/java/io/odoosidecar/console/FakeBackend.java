package io.odoosidecar.console;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.domain.Tri;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.schedule.ScheduleStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A daemon for the console's tests: two connections (one retrying), two rules, one of whose code
 * action fails (dividing by zero) until {@link #fixCause()}, leaving a dead letter; explanations
 * computed by the real domain engine over two crm.lead records. Every action is recorded with its
 * user.
 */
final class FakeBackend implements ConsoleBackend {
  static final String FAILING = "Tag hot leads";
  static final String OTHER = "Welcome partner";
  static final String FILTER = "[('expected_revenue', '>=', 10000), ('priority', '=', '3')]";
  static final String BEFORE = "[('stage', '!=', 'won')]";
  static final String TRACEBACK =
      "Traceback (most recent call last):\n"
          + "  File \"<action Tag hot leads>\", line 2, in <module>\n"
          + "ZeroDivisionError: division by zero";

  private final Clock clock;
  private final String planted;
  private final Map<String, MutableRule> rules = new LinkedHashMap<>();
  private final Map<String, List<RuleRun>> runs = new LinkedHashMap<>();
  private final List<DeadLetter> dead = new ArrayList<>();
  private final List<String> audit = new ArrayList<>();
  private final Map<Long, Map<String, Object>> leads = new LinkedHashMap<>();
  private final DomainEngine engine;
  private volatile boolean broken = true;
  private long nextEvent = 42;

  private static final class MutableRule {
    String name;
    String source;
    String file;
    String model;
    String trigger;
    boolean paused;
    long fired;
    Instant lastRun;
    String lastError = "";
  }

  /**
   * A fake whose connection error and first rule's last error quote {@code planted} (a secret the
   * console must mask), as a careless upstream message might.
   */
  FakeBackend(Clock clock, String planted) {
    this.clock = clock;
    this.planted = planted;
    rule(FAILING, "file", "config/rules/leads.yaml", "crm.lead", "on_create_or_write");
    rule(OTHER, "odoo", "", "res.partner", "on_create");
    leads.put(7L, lead(7, "Big deal", 50_000.0, "3", "new"));
    leads.put(8L, lead(8, "Small deal", 100.0, "0", "new"));
    Map<String, FieldInfo> fields = new LinkedHashMap<>();
    fields.put("id", FieldInfo.of("id", Map.of("type", "integer")));
    fields.put("name", FieldInfo.of("name", Map.of("type", "char")));
    fields.put("expected_revenue", FieldInfo.of("expected_revenue", Map.of("type", "float")));
    fields.put("priority", FieldInfo.of("priority", Map.of("type", "char")));
    fields.put("stage", FieldInfo.of("stage", Map.of("type", "char")));
    engine =
        new DomainEngine(
            Schema.of(Map.of("crm.lead", fields)), RecordStore.of(Map.of("crm.lead", leads)));
    failRun(List.of(41L), List.of(7L));
    dead.add(
        new DeadLetter(
            41,
            "prod",
            "crm.lead",
            7,
            "write",
            5,
            "ZeroDivisionError: division by zero",
            TRACEBACK,
            FAILING,
            clock.instant()));
  }

  private static Map<String, Object> lead(
      long id, String name, double revenue, String priority, String stage) {
    Map<String, Object> lead = new LinkedHashMap<>();
    lead.put("id", id);
    lead.put("name", name);
    lead.put("expected_revenue", revenue);
    lead.put("priority", priority);
    lead.put("stage", stage);
    return lead;
  }

  /** Adds a rule with no run. */
  synchronized void rule(String name, String source, String file, String model, String trigger) {
    MutableRule r = new MutableRule();
    r.name = name;
    r.source = source;
    r.file = file;
    r.model = model;
    r.trigger = trigger;
    rules.put(name, r);
    runs.put(name, new ArrayList<>());
  }

  /** The cause of the failing rule's error is removed: its next runs work. */
  void fixCause() {
    broken = false;
  }

  /** What was done, with whom: {@code pause Tag hot leads by admin}, ... */
  synchronized List<String> audit() {
    return List.copyOf(audit);
  }

  synchronized boolean paused(String rule) {
    return known(rule).paused;
  }

  private void failRun(List<Long> events, List<Long> records) {
    MutableRule r = rules.get(FAILING);
    r.fired++;
    r.lastRun = clock.instant();
    r.lastError = "ZeroDivisionError: division by zero";
    runs.get(FAILING)
        .add(
            0,
            new RuleRun(
                FAILING,
                r.trigger,
                "prod",
                r.model,
                events,
                records,
                clock.instant(),
                12_300,
                "parked",
                "ZeroDivisionError: division by zero",
                TRACEBACK,
                List.of(
                    new RuleRun.Action(
                        0,
                        "object_write",
                        1,
                        4_100,
                        "done",
                        "",
                        List.of(new RuleRun.Call("crm.lead", "write", 3_900, ""))),
                    new RuleRun.Action(
                        1,
                        "code",
                        1,
                        8_200,
                        "parked",
                        "ZeroDivisionError: division by zero",
                        List.of(new RuleRun.Call("crm.lead", "read", 2_500, ""))))));
  }

  private void doneRun(List<Long> events, List<Long> records) {
    MutableRule r = rules.get(FAILING);
    r.fired++;
    r.lastRun = clock.instant();
    r.lastError = "";
    runs.get(FAILING)
        .add(
            0,
            new RuleRun(
                FAILING,
                r.trigger,
                "prod",
                r.model,
                events,
                records,
                clock.instant(),
                9_000,
                "done",
                "",
                "",
                List.of(
                    new RuleRun.Action(0, "object_write", 1, 4_000, "skipped", "", List.of()),
                    new RuleRun.Action(
                        1,
                        "code",
                        1,
                        5_000,
                        "done",
                        "",
                        List.of(new RuleRun.Call("crm.lead", "write", 3_000, ""))))));
  }

  private MutableRule known(String rule) {
    MutableRule r = rules.get(rule);
    if (r == null) {
      throw new IllegalArgumentException("no rule is named '" + rule + "'");
    }
    return r;
  }

  @Override
  public synchronized Overview overview() {
    Instant now = clock.instant();
    return new Overview(
        "running",
        List.of(
            new Connection("main", "prod", "18.0", "jsonrpc", "connected", "", now),
            new Connection(
                "reporting",
                "reports",
                "",
                "",
                "unreachable",
                "Connection refused; api key was " + planted,
                now.minusSeconds(90))),
        new EventCounts(1234, 3, 1, 1, dead.size(), 0),
        new Push(now.minusSeconds(5), Duration.ofMillis(85)),
        List.of(new Cursor("reports", "crm.lead", "2026-01-01 09:59:00", 812, now, "")),
        new PythonPool(4, 1),
        new Instance(
            "sidecar-a",
            true,
            List.of(
                new Member("sidecar-a", "http://10.0.0.1:8765", true, now.minusSeconds(2)),
                new Member("sidecar-b", "http://10.0.0.2:8765", false, now.minusSeconds(7)))));
  }

  @Override
  public synchronized List<RuleStats> rules() {
    List<RuleStats> out = new ArrayList<>();
    for (MutableRule r : rules.values()) {
      List<RuleRun> kept = runs.get(r.name);
      out.add(
          new RuleStats(
              r.name,
              r.source,
              r.file,
              "",
              r.model,
              r.trigger,
              true,
              r.paused,
              r.fired,
              r.lastRun,
              r.lastError.isEmpty() || !r.name.equals(FAILING)
                  ? r.lastError
                  : r.lastError + " (" + planted + ")",
              kept.isEmpty() ? null : percentile(kept, 50),
              kept.isEmpty() ? null : percentile(kept, 95)));
    }
    return out;
  }

  private static double percentile(List<RuleRun> kept, int p) {
    List<Long> sorted = kept.stream().map(RuleRun::durationMicros).sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index)) / 1000.0;
  }

  @Override
  public synchronized List<RuleRun> runs(String rule, int limit) {
    known(rule);
    return runs.get(rule).stream().limit(limit).toList();
  }

  @Override
  public synchronized List<DeadLetter> deadLetters() {
    return List.copyOf(dead);
  }

  @Override
  public List<SyncAttempt> syncAttempts(int limit) {
    Instant now = clock.instant();
    return List.of(
            new SyncAttempt(
                2,
                now,
                "crm-export",
                List.of(7L),
                "write",
                "PUT",
                "https://api.example.test/leads/7",
                503,
                Duration.ofMillis(120),
                "",
                2,
                false),
            new SyncAttempt(
                1,
                now.minusSeconds(30),
                "crm-export",
                List.of(7L, 8L),
                "create",
                "POST",
                "https://api.example.test/leads",
                201,
                Duration.ofMillis(80),
                "",
                1,
                true))
        .stream()
        .limit(limit)
        .toList();
  }

  @Override
  public List<ScheduleStatus> schedules() {
    Instant now = clock.instant();
    return List.of(
        new ScheduleStatus(
            "schedule", "Nightly cleanup", "prod", now.plusSeconds(3600), now, "ok", 0, false),
        new ScheduleStatus("timed", "Remind stale leads", "prod", null, null, null, 12, false));
  }

  @Override
  public synchronized void pause(String rule, String user) {
    known(rule).paused = true;
    audit.add("pause " + rule + " by " + user);
  }

  @Override
  public synchronized void resume(String rule, String user) {
    known(rule).paused = false;
    audit.add("resume " + rule + " by " + user);
  }

  @Override
  public synchronized List<Long> replay(List<Long> ids, String user) {
    List<Long> replayed = new ArrayList<>();
    for (Long id : ids) {
      DeadLetter letter = dead.stream().filter(d -> d.id() == id).findFirst().orElse(null);
      if (letter == null) {
        continue;
      }
      replayed.add(id);
      audit.add("replay " + id + " by " + user);
      if (broken) {
        failRun(List.of(id), List.of(letter.recordId()));
      } else {
        dead.remove(letter);
        doneRun(List.of(id), List.of(letter.recordId()));
      }
    }
    return replayed;
  }

  @Override
  public synchronized List<Long> discard(List<Long> ids, String user) {
    List<Long> discarded = new ArrayList<>();
    for (Long id : ids) {
      if (dead.removeIf(d -> d.id() == id)) {
        discarded.add(id);
        audit.add("discard " + id + " by " + user);
      }
    }
    return discarded;
  }

  /** Adds a dead letter of the failing rule and returns its id. */
  synchronized long park(long recordId) {
    long id = nextEvent++;
    dead.add(
        new DeadLetter(
            id,
            "prod",
            "crm.lead",
            recordId,
            "write",
            5,
            "ZeroDivisionError: division by zero",
            TRACEBACK,
            FAILING,
            clock.instant()));
    return id;
  }

  @Override
  public synchronized Explanation explain(String rule, long recordId) {
    MutableRule r = known(rule);
    if (!r.model.equals("crm.lead")) {
      throw new IllegalArgumentException("the fake explains crm.lead rules only");
    }
    Map<String, Object> record = leads.get(recordId);
    if (record == null) {
      throw new IllegalArgumentException("Odoo has no crm.lead record with id " + recordId);
    }
    DomainCheck filter =
        DomainCheck.of(FILTER, engine.explain("crm.lead", Domain.parse(FILTER), record));
    DomainCheck before =
        DomainCheck.of(BEFORE, engine.explain("crm.lead", Domain.parse(BEFORE), record));
    boolean holds = filter.result() == Tri.TRUE && before.result() == Tri.TRUE;
    String reason =
        r.paused
            ? "the rule is paused"
            : holds ? "both domains hold" : "the record does not match its domains";
    return new Explanation(
        rule,
        r.model,
        recordId,
        r.trigger,
        holds && !r.paused,
        reason,
        List.of("expected_revenue", "priority"),
        filter,
        before);
  }
}
