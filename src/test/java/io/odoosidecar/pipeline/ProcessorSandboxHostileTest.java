package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.store.EventLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile code actions and rules through the processor: one rule's failure is its own. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessorSandboxHostileTest {
  static final Duration TIMEOUT = Duration.ofMillis(400);
  static io.odoosidecar.script.PythonEngine python;

  @TempDir Path dir;
  MemoryOdoo odoo;
  EventLog log;
  final List<Rule> rules = new ArrayList<>();
  final Clock clock = Clock.systemUTC();

  @BeforeAll
  static void startPython() {
    python = new io.odoosidecar.script.PythonEngine(1, Long.MAX_VALUE / 2, TIMEOUT);
    python.warmUp();
  }

  @AfterAll
  static void stopPython() {
    python.close();
  }

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    log = EventLog.embedded(dir);
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  Processor processor(int attempts) {
    return new Processor(
            log,
            db -> db.equals("memory") ? odoo : null,
            () -> rules,
            new Processor.Settings(5, new RetryPolicy(attempts, Duration.ZERO, Duration.ZERO)),
            clock,
            null)
        .withPython(python);
  }

  List<Long> leads(int n) {
    return new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, n);
  }

  void changed(long id) {
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory",
                "t" + id + "-" + System.nanoTime(),
                "crm.lead",
                id,
                "write",
                ProcessorTest.revenuePush(id, 1, Map.of(), List.of(), 0).toJson())),
        clock.instant());
  }

  @Test
  void process_cpuBombInABuiltIn_isStoppedOncePerAttemptAndParkedWithTheTimeOut() {
    rules.add(ProcessorTest.code("Bomb", "x = max(range(10**15))"));
    List<Long> ids = leads(3);
    ids.forEach(this::changed);
    Processor processor = processor(2);

    List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    python.withExecutionListener((kind, nanos, outcome) -> outcomes.add(outcome));
    try {
      processor.process(log.claim(1000, clock.instant()));
    } finally {
      python.withExecutionListener(io.odoosidecar.script.PythonEngine.ExecutionListener.NONE);
    }
    assertThat(outcomes)
        .as("the batch is stopped once, not run again record by record")
        .containsExactly("timeout");
    assertThat(log.deadLetters()).isEmpty();
    processor.process(log.claim(1000, clock.instant())); // the second and last attempt

    assertThat(log.deadLetters())
        .hasSize(3)
        .allSatisfy(
            e -> assertThat(e.lastError()).contains("rule 'Bomb', action 0").contains("time-out"));
    rules.clear();
    rules.add(ProcessorTest.code("Fine", "records.write({'priority': '2'})"));
    long next = leads(4).get(3);
    changed(next);
    processor.process(log.claim(1000, clock.instant()));
    assertThat(odoo.records("crm.lead").get(next).get("priority")).isEqualTo("2");
  }

  @Test
  void process_oneRulesBrokenDomain_failsOnlyItselfAndTheOtherRuleRuns() {
    rules.add(
        new Rule(
            "Broken",
            "crm.lead",
            true,
            io.odoosidecar.rule.Trigger.ON_WRITE,
            List.of(),
            null,
            "[('user_id', '=', nobody.id)]",
            Map.of(),
            List.of(Map.of("state", "object_write", "update_path", "priority", "value", "1"))));
    rules.add(ProcessorTest.code("Fine", "records.write({'priority': '2'})"));
    List<Long> ids = leads(2);
    ids.forEach(this::changed);

    processor(1).process(log.claim(1000, clock.instant()));

    for (long id : ids) {
      assertThat(odoo.records("crm.lead").get(id).get("priority")).isEqualTo("2");
    }
    assertThat(log.deadLetters())
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.lastError()).contains("rule 'Broken': domain: "));
  }

  void wrote(long id, String field) {
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory",
                "w" + id + "-" + System.nanoTime(),
                "crm.lead",
                id,
                "write",
                new ChangePayload(
                        "write",
                        List.of(field),
                        Map.of(),
                        Map.of(),
                        2,
                        null,
                        "push",
                        id,
                        List.of(),
                        0,
                        Map.of(),
                        null)
                    .toJson())),
        clock.instant());
  }

  /** How many times rule Fine's action ran on each lead, by the tasks it created. */
  Map<Long, Long> fineRuns() {
    Map<Long, Long> out = new java.util.TreeMap<>();
    for (Map<String, Object> task : odoo.records("project.task").values()) {
      String name = String.valueOf(task.get("name"));
      if (name.startsWith("fine ")) {
        out.merge(Long.parseLong(name.substring(5)), 1L, Long::sum);
      }
    }
    return out;
  }

  @Test
  void process_ruleWhoseDomainFailsAtRunTime_failsOnlyTheEventsItConcernsAndOthersRunOnce() {
    rules.add(
        new Rule(
            "Broken",
            "crm.lead",
            true,
            io.odoosidecar.rule.Trigger.ON_WRITE,
            List.of("stage_id"),
            null,
            "[('user_id', '=', ref('base.no_such_user'))]",
            Map.of(),
            List.of(Map.of("state", "object_write", "update_path", "priority", "value", "1"))));
    rules.add(
        new Rule(
            "Fine",
            "crm.lead",
            true,
            io.odoosidecar.rule.Trigger.ON_WRITE,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(
                Map.of(
                    "state",
                    "code",
                    "code",
                    "for rec in records:\n"
                        + "    env['project.task'].create({'name': 'fine %s' % rec.id})\n"))));
    List<Long> ids = leads(2);
    long onlyFine = ids.get(0);
    long both = ids.get(1);
    wrote(onlyFine, "expected_revenue"); // not a field Broken watches
    wrote(both, "stage_id");
    Processor processor = processor(2);

    processor.process(log.claim(1000, clock.instant()));

    assertThat(fineRuns()).isEqualTo(Map.of(onlyFine, 1L, both, 1L));
    assertThat(log.deadLetters()).isEmpty();
    List<EventLog.Event> retried = log.claim(1000, clock.instant());
    assertThat(retried)
        .as("only the event Broken concerns is retried")
        .extracting(EventLog.Event::recordId)
        .containsExactly(both);

    processor.process(retried); // the second and last attempt

    assertThat(fineRuns())
        .as("Fine's done action is not run again")
        .isEqualTo(Map.of(onlyFine, 1L, both, 1L));
    assertThat(log.deadLetters())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.recordId()).isEqualTo(both);
              assertThat(e.lastError())
                  .contains("rule 'Broken': domain: ")
                  .contains("no_such_user");
            });
  }
}
