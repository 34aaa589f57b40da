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

    long start = System.nanoTime();
    processor.process(log.claim(1000, clock.instant()));
    long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(elapsed)
        .as("the batch is stopped once, not run again record by record")
        .isLessThan(TIMEOUT.toMillis() + 1_000);
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
}
