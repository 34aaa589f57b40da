package io.odoosidecar.server.models;

import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.server.RpcModels;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.RuleStates;
import io.odoosidecar.store.RunHistory;
import io.odoosidecar.store.Runs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores filled with real events, runs and rule states, and the sidecar's models over them: 16
 * events (done, failed and waiting for a retry, dead letters, pending), 24 runs of three rules with
 * varied results, record counts and durations, the failing ones on the dead letters' events.
 */
final class ModelsFixture implements AutoCloseable {
  static final Instant T0 = Instant.parse("2030-01-10T08:00:00Z");
  static final List<String> RULES = List.of("Tag leads", "Lead scoring", "Mail customers");

  final EventLog log;
  final RunHistory history;
  final RuleStates states;
  final List<Rule> rules;
  final List<Long> events;
  final List<Long> dead = new ArrayList<>();
  final List<Long> retrying = new ArrayList<>();
  final AtomicInteger wakes = new AtomicInteger();

  ModelsFixture(Path dir) {
    log = EventLog.embedded(dir);
    history = RunHistory.open(log.connectionSource(), Clock.systemUTC(), RunHistory.Limits.DEFAULT);
    states = RuleStates.open(log.connectionSource(), Clock.systemUTC());
    List<EventLog.NewEvent> fresh = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      fresh.add(
          new EventLog.NewEvent(
              i % 4 == 3 ? "other" : "odoo",
              "outbox:" + i,
              i % 2 == 0 ? "crm.lead" : "res.partner",
              100 + i,
              i % 3 == 0 ? "create" : "write",
              "{}"));
    }
    events = log.append(fresh, T0);
    List<EventLog.Event> claimed = log.claim(10, T0);
    for (int i = 0; i < claimed.size(); i++) {
      long id = claimed.get(i).id();
      if (i % 3 == 0) {
        log.fail(id, "dead on " + id, T0, 1);
        dead.add(id);
      } else if (i % 3 == 1) {
        log.fail(id, "retry " + id, T0.plusSeconds(600), 5);
        retrying.add(id);
      } else {
        log.complete(id);
      }
    }
    history.append(runs());
    rules =
        List.of(
            rule("Tag leads", Map.of()),
            rule("Lead scoring", Map.of("database", "odoo")),
            rule("Mail customers", Map.of()));
    states.recordRun("Tag leads", T0.plusSeconds(3600), "");
    states.pause("Mail customers", "admin", T0);
  }

  private static Rule rule(String name, Map<String, Object> parameters) {
    return new Rule(
        name,
        "crm.lead",
        true,
        Trigger.ON_CREATE_OR_WRITE,
        List.of(),
        null,
        null,
        parameters,
        List.of(Map.of("state", "code", "code", "pass")));
  }

  /** 24 runs: each rule in turn; every fifth failed, every seventh parked on a dead letter. */
  private List<RuleRun> runs() {
    List<RuleRun> out = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      String result =
          i % 7 == 6 ? "parked" : i % 5 == 4 ? "failed" : i % 11 == 10 ? "waiting" : "done";
      long event =
          result.equals("done") ? events.get(i % events.size()) : dead.get(i % dead.size());
      List<Long> records = new ArrayList<>();
      for (int r = 0; r <= i % 4; r++) {
        records.add(100L + r);
      }
      out.add(
          Runs.run(
              RULES.get(i % 3),
              result,
              T0.plusSeconds(60L * i),
              1_000L * (i % 9) + 137L * i,
              List.of(event),
              records));
    }
    return out;
  }

  RunModel runModel() {
    return new RunModel(history, states, 5);
  }

  EventModel eventModel() {
    return new EventModel(log, 3);
  }

  DeadLetterModel deadLetterModel() {
    return new DeadLetterModel(
        log, history::lastFailures, wakes::incrementAndGet, Clock.systemUTC(), 2);
  }

  RuleModel ruleModel() {
    return new RuleModel(() -> rules, states, history, name -> "rules/" + name + ".yaml");
  }

  /** Every model, by name, as the endpoint serves them. */
  Map<String, RpcModels.Model> models() {
    return Map.of(
        RunModel.NAME, runModel(),
        EventModel.NAME, eventModel(),
        DeadLetterModel.NAME, deadLetterModel(),
        RuleModel.NAME, ruleModel());
  }

  /** Every kept run, newest first. */
  List<RunHistory.Run> allRuns() {
    return history.recent(null, 0, 1000);
  }

  @Override
  public void close() {
    history.close();
    states.close();
    log.close();
  }
}
