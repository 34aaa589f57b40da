package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the pipeline at random points — before a call reaches Odoo, or after Odoo applied it but
 * before the answer came back — over thousands of events, restarts it from the log each time, and
 * checks that every effect happened exactly once.
 */
class CrashRecoveryTest {
  /** The process dying: not an exception the pipeline could catch and handle. */
  static final class Kill extends Error {
    private static final long serialVersionUID = 1L;

    Kill(String where) {
      super("killed " + where);
    }
  }

  @TempDir Path dir;

  @Test
  void killedAtRandomPointsEveryEffectHappensExactlyOnce() {
    long seed = Long.getLong("crash.seed", 20261123L);
    Random random = new Random(seed);
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    List<Rule> rules =
        List.of(
            new Rule(
                "Follow every change",
                "crm.lead",
                true,
                Trigger.ON_WRITE,
                List.of(),
                null,
                null,
                Map.of(),
                List.of(
                    Map.of(
                        "state",
                        "object_create",
                        "crud_model_id",
                        "project.task",
                        "value",
                        "Follow-up"),
                    Map.of("state", "object_write", "update_path", "priority", "value", "3"),
                    Map.of(
                        "state",
                        "object_write",
                        "update_path",
                        "tag_ids",
                        "update_m2m_operation",
                        "add",
                        "value",
                        "1"))));
    List<Long> leads = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, 200);
    EventLog log = EventLog.embedded(dir);
    List<EventLog.NewEvent> events = new ArrayList<>();
    int perLead = 15;
    for (int round = 0; round < perLead; round++) {
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
    log.append(events, Clock.systemUTC().instant());
    odoo.fault(
        (point, model, method, args) -> {
          if (random.nextDouble() < 0.05) {
            throw new Kill(point + " " + method);
          }
        });

    int kills = 0;
    int starts = 0;
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
              null);
      try {
        List<EventLog.Event> batch;
        while (!(batch = log.claim(1 + random.nextInt(40), Clock.systemUTC().instant()))
            .isEmpty()) {
          processor.process(batch);
        }
        break;
      } catch (Kill kill) {
        kills++;
        log.close(); // the process is gone; its successor opens the log from the file
        log = EventLog.embedded(dir);
      }
    }

    int expected = perLead * leads.size();
    assertThat(kills).as("kills with seed %d", seed).isGreaterThan(20);
    assertThat(log.counts()).as("seed %d", seed).containsOnly(Map.entry("done", (long) expected));
    assertThat(log.deadLetters()).isEmpty();
    // one task per event and action, never two
    assertThat(odoo.records("project.task")).hasSize(expected);
    Set<Long> tasks = new HashSet<>(odoo.xmlIds().values());
    assertThat(tasks).hasSize(expected);
    assertThat(odoo.xmlIds().keySet())
        .allSatisfy(
            key ->
                assertThat(key)
                    .startsWith(io.odoosidecar.action.ActionTarget.IDEMPOTENCY_MODULE + ".e"));
    for (long id : leads) {
      Map<String, Object> lead = odoo.records("crm.lead").get(id);
      assertThat(lead.get("priority")).isEqualTo("3");
      assertThat((List<?>) lead.get("tag_ids"))
          .filteredOn(t -> ((Number) t).longValue() == 1)
          .hasSize(1);
    }
    System.out.printf(
        "crash test: %d events, %d kills, %d starts, seed %d%n", expected, kills, starts, seed);
    log.close();
  }
}
