package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.script.PythonEngine;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.JournaledCalls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the pipeline right after Odoo made a post (the message, the email, the SMS in comment mode
 * are there; the sidecar never learns it), restarts it from the log, and counts what each lead got:
 * with the addon's post keys every event's posts are made once, without them the runs done again
 * post twice (the known limit that the keys lift).
 */
class PostsCrashRecoveryTest {
  static final Set<String> POSTING =
      Set.of("action_send_mail", "send_mail", "message_post", "action_send_sms");
  static final int ROUNDS = 3;
  static final int LEADS = 20;

  @TempDir Path dir;
  static PythonEngine python;

  @BeforeAll
  static void startPython() {
    python = new PythonEngine(1, 1_000_000, Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopPython() {
    python.close();
  }

  /**
   * What each lead got, by kind, and the kills after each posting method (a kill in code is a
   * failed attempt, retried; elsewhere the pipeline dies and starts again).
   */
  record Outcome(Map<Long, Map<String, Integer>> byLead, Map<String, Integer> kills, int starts) {}

  static Rule rule() {
    return new Rule(
        "Tell the team",
        "crm.lead",
        true,
        Trigger.ON_WRITE,
        List.of(),
        null,
        null,
        Map.of(),
        List.of(
            Map.of("state", "mail_post", "template_id", 15, "mail_post_method", "comment"),
            Map.of("state", "mail_post", "template_id", 16),
            Map.of(
                "state",
                "code",
                "code",
                "for rec in records:\n    rec.message_post(body='code for lead %s' % rec.id)\n"),
            Map.of("state", "sms", "sms_template_id", 9, "sms_method", "comment")));
  }

  Outcome run(boolean addon, long seed) {
    Random random = new Random(seed);
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    if (addon) {
      odoo.withPostKeys();
    }
    odoo.records("ir.model.data")
        .put(
            2L,
            new LinkedHashMap<>(
                Map.of(
                    "id", 2L,
                    "module", "mail",
                    "name", "mt_comment",
                    "model", "mail.message.subtype",
                    "res_id", 1L)));
    List<Long> leads = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, LEADS);
    EventLog log = EventLog.embedded(dir.resolve(addon ? "with" : "without"));
    log.append(events(leads), Clock.systemUTC().instant());
    Map<String, Integer> kills = new TreeMap<>();
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.AFTER
              && POSTING.contains(method)
              && random.nextDouble() < 0.1) {
            kills.merge(method, 1, Integer::sum);
            throw new CrashRecoveryTest.Kill(point + " " + method);
          }
        });
    int starts = 0;
    List<Rule> rules = List.of(rule());
    JournaledCalls journal = JournaledCalls.open(log.connectionSource());
    while (true) {
      starts++;
      log.recover();
      Processor processor =
          new Processor(
                  log,
                  db -> odoo,
                  () -> rules,
                  new Processor.Settings(5, new RetryPolicy(1000, Duration.ZERO, Duration.ZERO)),
                  Clock.systemUTC(),
                  null)
              .withPython(python)
              .withJournal(journal);
      try {
        List<EventLog.Event> batch;
        while (!(batch = log.claim(1 + random.nextInt(10), Clock.systemUTC().instant()))
            .isEmpty()) {
          processor.process(batch);
        }
        break;
      } catch (CrashRecoveryTest.Kill kill) {
        journal.close(); // the process is gone; its successor opens the log from the file
        log.close();
        log = EventLog.embedded(dir.resolve(addon ? "with" : "without"));
        journal = JournaledCalls.open(log.connectionSource());
      }
    }
    assertThat(log.counts()).containsOnly(Map.entry("done", (long) ROUNDS * LEADS));
    journal.close();
    log.close();
    return new Outcome(counts(odoo, leads), kills, starts);
  }

  private static List<EventLog.NewEvent> events(List<Long> leads) {
    List<EventLog.NewEvent> events = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (long id : leads) {
        events.add(
            new EventLog.NewEvent(
                "memory",
                "outbox-" + round + "-" + id,
                "crm.lead",
                id,
                "write",
                new ChangePayload(
                        "write",
                        List.of("name"),
                        Map.of("name", "before " + round),
                        Map.of(),
                        2,
                        null,
                        "push",
                        round,
                        List.of(),
                        0,
                        Map.of(),
                        null)
                    .toJson()));
      }
    }
    return events;
  }

  /** Per lead: its messages by body (the composer's, the code's, the SMS) and its emails. */
  private static Map<Long, Map<String, Integer>> counts(MemoryOdoo odoo, List<Long> leads) {
    Map<Long, Map<String, Integer>> out = new TreeMap<>();
    for (long id : leads) {
      out.put(id, new TreeMap<>());
    }
    for (Map<String, Object> message : odoo.records(MemoryMail.MESSAGES).values()) {
      long lead = ((Number) message.get("res_id")).longValue();
      String body = String.valueOf(message.get("body"));
      if (body.equals("code for lead " + lead)) {
        body = "code"; // the code's, on this very lead
      }
      out.get(lead).merge(body, 1, Integer::sum);
    }
    for (Map<String, Object> mail : odoo.records(MemoryMail.MAILS).values()) {
      out.get(((Number) mail.get("res_id")).longValue()).merge("email", 1, Integer::sum);
    }
    return out;
  }

  @Test
  void withTheAddonsKeysEveryEventsPostsAreMadeOnceThoughTheSidecarDiedAfterOdooMadeThem() {
    long seed = Long.getLong("crash.seed", 20261201L);
    Outcome outcome = run(true, seed);
    assertThat(outcome.kills()).as("kills with seed %d", seed).containsOnlyKeys(POSTING);
    Map<String, Integer> once =
        Map.of("template 15", ROUNDS, "code", ROUNDS, "sms 9", ROUNDS, "email", ROUNDS);
    assertThat(outcome.byLead()).allSatisfy((lead, got) -> assertThat(got).isEqualTo(once));
    System.out.printf(
        "posts crash test: %d events, kills after %s, %d starts, seed %d%n",
        ROUNDS * LEADS, outcome.kills(), outcome.starts(), seed);
  }

  @Test
  void withoutTheAddonTheRunsDoneAgainPostTwice() {
    long seed = Long.getLong("crash.seed", 20261201L);
    Outcome outcome = run(false, seed);
    int made =
        outcome.byLead().values().stream()
            .flatMap(got -> got.values().stream())
            .mapToInt(Integer::intValue)
            .sum();
    assertThat(made).as("seed %d", seed).isGreaterThan(4 * ROUNDS * LEADS);
    assertThat(outcome.byLead().values())
        .allSatisfy(
            got ->
                assertThat(got.values())
                    .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(ROUNDS)));
  }

  @Test
  void anotherInstanceWithAnEventLogOfItsOwnGivenTheSamePushFindsThePostMade() {
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES).withPostKeys();
    long lead = odoo.records("crm.lead").keySet().iterator().next();
    Rule rule =
        new Rule(
            "Welcome",
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(Map.of("state", "mail_post", "template_id", 16)));
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.AFTER && method.equals("send_mail")) {
            throw new CrashRecoveryTest.Kill("after send_mail");
          }
        });
    EventLog.NewEvent push = events(List.of(lead)).get(0);
    try (EventLog first = EventLog.embedded(dir.resolve("first"))) {
      first.append(
          List.of(new EventLog.NewEvent("memory", "other", "crm.lead", lead + 1, "write", "{}")),
          Clock.systemUTC().instant()); // the push has another id here than in the second log
      first.append(List.of(push), Clock.systemUTC().instant());
      Processor processor = processor(first, odoo, rule);
      List<EventLog.Event> mine =
          first.claim(10, Clock.systemUTC().instant()).stream()
              .filter(e -> e.recordId() == lead)
              .toList();
      assertThat(mine).hasSize(1);
      assertThat(mine.get(0).id()).isEqualTo(2L);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> processor.process(mine))
          .isInstanceOf(CrashRecoveryTest.Kill.class);
    }
    odoo.fault((point, model, method, args) -> {});
    try (EventLog second = EventLog.embedded(dir.resolve("second"))) {
      second.append(List.of(push), Clock.systemUTC().instant()); // delivered again, elsewhere
      List<EventLog.Event> claimed = second.claim(10, Clock.systemUTC().instant());
      assertThat(claimed).extracting(EventLog.Event::id).containsExactly(1L);
      processor(second, odoo, rule).process(claimed);
      assertThat(second.counts()).containsOnly(Map.entry("done", 1L));
    }
    assertThat(odoo.records(MemoryMail.MAILS)).hasSize(1);
  }

  private static Processor processor(EventLog log, MemoryOdoo odoo, Rule rule) {
    return new Processor(
        log,
        db -> odoo,
        () -> List.of(rule),
        new Processor.Settings(5, new RetryPolicy(3, Duration.ZERO, Duration.ZERO)),
        Clock.systemUTC(),
        null);
  }
}
