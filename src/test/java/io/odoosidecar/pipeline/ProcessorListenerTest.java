package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.store.EventLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What the processor tells its listener (each rule's run, with its actions and Odoo calls, and each
 * event's settling), and how a paused rule's events wait for it.
 */
class ProcessorListenerTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;
  MemoryOdoo odoo;
  EventLog log;
  final List<Rule> rules = new ArrayList<>();
  final java.time.Clock clock = java.time.Clock.systemUTC();

  @org.junit.jupiter.api.BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    log = EventLog.embedded(dir);
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    log.close();
  }

  Processor processor(int attempts) {
    return new Processor(
        log,
        db -> db.equals("memory") ? odoo : null,
        () -> rules,
        new Processor.Settings(
            5,
            new io.odoosidecar.odoo.RetryPolicy(
                attempts, java.time.Duration.ZERO, java.time.Duration.ZERO)),
        clock,
        null);
  }

  List<Long> leads(int n) {
    return new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, n);
  }

  void revenueChanged(long id, double before, double after) {
    odoo.records("crm.lead").get(id).put("expected_revenue", after);
    odoo.records("crm.lead").get(id).put("priority", "0");
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory",
                "t" + id + "-" + System.nanoTime(),
                "crm.lead",
                id,
                "write",
                ProcessorTest.revenuePush(id, before, Map.of(), List.of(), 0).toJson())),
        clock.instant());
  }

  void drain(Processor processor) {
    for (List<EventLog.Event> batch = log.claim(1000, clock.instant());
        !batch.isEmpty();
        batch = log.claim(1000, clock.instant())) {
      processor.process(batch);
    }
  }

  String priority(long id) {
    return String.valueOf(odoo.records("crm.lead").get(id).get("priority"));
  }

  static Rule vip(String name) {
    return ProcessorTest.vip(name);
  }

  final List<RuleRun> runs = Collections.synchronizedList(new ArrayList<>());
  final List<String> settled = Collections.synchronizedList(new ArrayList<>());
  final Set<String> paused = ConcurrentHashMap.newKeySet();

  final PipelineListener listener =
      new PipelineListener() {
        @Override
        public void ran(RuleRun run) {
          runs.add(run);
        }

        @Override
        public void settled(String database, String model, String operation, String result) {
          settled.add(model + "/" + operation + "/" + result);
        }
      };

  Processor listened(int attempts) {
    return processor(attempts).withListener(listener).withPauses(paused::contains);
  }

  @Test
  void aRunNamesItsEventsRecordsActionsAndTheCallsTheyMade() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(3);
    for (long id : ids) {
      revenueChanged(id, 5000, 20000);
    }
    odoo.resetCalls();

    drain(listened(3));

    assertThat(runs).hasSize(1);
    RuleRun run = runs.get(0);
    assertThat(run.rule()).isEqualTo("VIP");
    assertThat(run.trigger()).isEqualTo("on_create_or_write");
    assertThat(run.database()).isEqualTo("memory");
    assertThat(run.model()).isEqualTo("crm.lead");
    assertThat(run.records()).containsExactlyElementsOf(ids);
    assertThat(run.events()).hasSize(3).doesNotHaveDuplicates();
    assertThat(run.result()).isEqualTo("done");
    assertThat(run.error()).isEmpty();
    assertThat(run.actions()).hasSize(1);
    RuleRun.Action action = run.actions().get(0);
    assertThat(action.kind()).isEqualTo("object_write");
    assertThat(action.records()).isEqualTo(3);
    assertThat(action.result()).isEqualTo("done");
    assertThat(action.calls())
        .extracting(RuleRun.Call::model, RuleRun.Call::method)
        .as("the action's own calls, as the double saw them")
        .contains(org.assertj.core.groups.Tuple.tuple("crm.lead", "write"));
    assertThat(action.calls().stream().filter(c -> c.method().equals("write")).count())
        .isEqualTo(odoo.calls("write"));
    assertThat(settled)
        .containsExactly("crm.lead/write/done", "crm.lead/write/done", "crm.lead/write/done");
  }

  @Test
  void aFailedRunCarriesItsErrorAndTracebackAndTheRetryAndParkingAreTold() {
    rules.add(vip("VIP"));
    long poison = leads(1).get(0);
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE
              && method.equals("write")
              && ValueCodec.asIds(args.get(0)).contains(poison)) {
            throw new IllegalStateException("constraint failed on " + poison);
          }
        });
    revenueChanged(poison, 5000, 20000);
    Processor processor = listened(2);

    processor.process(log.claim(1000, clock.instant()));
    processor.process(log.claim(1000, clock.instant()));

    assertThat(runs).extracting(RuleRun::result).containsExactly("failed", "parked");
    RuleRun last = runs.get(1);
    assertThat(last.error()).contains("constraint failed on " + poison);
    assertThat(last.traceback())
        .contains("IllegalStateException: constraint failed on " + poison)
        .contains("at io.odoosidecar.");
    assertThat(last.actions().get(0).error()).contains("constraint failed");
    assertThat(last.actions().get(0).calls())
        .anySatisfy(c -> assertThat(c.error()).contains("constraint failed"));
    assertThat(settled).containsExactly("crm.lead/write/retry", "crm.lead/write/parked");
  }

  @Test
  void aPausedRulesEventsWaitUnCountedWhileTheOtherRulesRunAndGoOnResume() {
    rules.add(vip("VIP"));
    rules.add(
        new Rule(
            "Tag",
            "crm.lead",
            true,
            io.odoosidecar.rule.Trigger.ON_CREATE_OR_WRITE,
            List.of("expected_revenue"),
            null,
            "[('expected_revenue', '>', 10000)]",
            Map.of(),
            List.of(Map.of("state", "object_write", "update_path", "description", "value", "x"))));
    paused.add("VIP");
    long id = leads(1).get(0);
    revenueChanged(id, 5000, 20000);
    Processor processor = listened(3);

    drain(processor);

    assertThat(priority(id)).as("the paused rule did not run").isEqualTo("0");
    assertThat(odoo.records("crm.lead").get(id).get("description"))
        .as("the other rule ran")
        .isEqualTo("x");
    assertThat(settled).containsExactly("crm.lead/write/held");
    assertThat(log.counts()).containsEntry("pending", 1L).doesNotContainKey("dead");
    assertThat(log.claim(1000, clock.instant())).as("it waits").isEmpty();

    paused.remove("VIP");
    assertThat(log.releaseHeld("VIP", clock.instant())).isEqualTo(1);
    List<EventLog.Event> again = log.claim(1000, clock.instant());
    assertThat(again).hasSize(1);
    assertThat(again.get(0).attempts()).as("holding spent no attempt").isZero();
    processor.process(again);

    assertThat(priority(id)).isEqualTo("3");
    assertThat(runs).extracting(RuleRun::rule).containsExactly("Tag", "VIP");
    assertThat(settled).endsWith("crm.lead/write/done");
    assertThat(log.counts()).doesNotContainKey("pending");
  }

  @Test
  void aListenerThatThrowsDoesNotFailTheBatch() {
    rules.add(vip("VIP"));
    long id = leads(1).get(0);
    revenueChanged(id, 5000, 20000);
    Processor processor =
        processor(3)
            .withListener(
                new PipelineListener() {
                  @Override
                  public void ran(RuleRun run) {
                    throw new IllegalStateException("listener down");
                  }

                  @Override
                  public void settled(String db, String model, String op, String result) {
                    throw new IllegalStateException("listener down");
                  }
                });

    drain(processor);

    assertThat(priority(id)).isEqualTo("3");
    assertThat(log.counts()).containsEntry("done", 1L);
  }

  static Rule tag(String name) {
    return new Rule(
        name,
        "crm.lead",
        true,
        io.odoosidecar.rule.Trigger.ON_CREATE_OR_WRITE,
        List.of("expected_revenue"),
        null,
        "[('expected_revenue', '>', 10000)]",
        Map.of(),
        List.of(
            Map.of(
                "state",
                "object_write",
                "update_path",
                "tag_ids",
                "update_m2m_operation",
                "add",
                "value",
                "1")));
  }

  @Test
  void aHeldEventHoldsBackNoLaterEventOfItsRecordForTheOtherRulesAndOrderIsKeptOnResume() {
    rules.add(vip("VIP"));
    rules.add(tag("Tag"));
    paused.add("VIP");
    long id = leads(1).get(0);
    Processor processor = listened(3);
    revenueChanged(id, 5000, 20000);
    drain(processor);
    revenueChanged(id, 20000, 30000);
    drain(processor);

    assertThat(runs)
        .extracting(RuleRun::rule)
        .as("the other rule ran on both writes, the second not held back by the first's wait")
        .containsExactly("Tag", "Tag");
    assertThat(settled).containsExactly("crm.lead/write/held", "crm.lead/write/held");

    paused.remove("VIP");
    assertThat(log.releaseHeld("VIP", clock.instant())).isEqualTo(2);
    List<EventLog.Event> first = log.claim(1000, clock.instant());
    assertThat(first).as("the record's events in order: the oldest first, alone").hasSize(1);
    processor.process(first);
    drain(processor);
    List<RuleRun> resumed = runs.subList(2, runs.size());
    assertThat(resumed).extracting(RuleRun::rule).containsExactly("VIP", "VIP");
    assertThat(resumed.get(0).events())
        .as("the first write's event ran first")
        .containsExactly(first.get(0).id());
    assertThat(resumed.get(1).events().get(0)).isGreaterThan(first.get(0).id());
    assertThat(log.counts()).doesNotContainKey("pending");
  }

  @Test
  void aRuleResumedWhileItsBatchRanIsNotMissedAndAResumeReleasesOnlyItsOwnEvents() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(2);
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    // paused when the batch matched, resumed by the time it settles
    Processor processor =
        processor(3)
            .withListener(listener)
            .withPauses(rule -> rule.equals("VIP") && asked.getAndIncrement() == 0);
    revenueChanged(ids.get(0), 5000, 20000);
    processor.process(log.claim(1000, clock.instant()));
    assertThat(settled).containsExactly("crm.lead/write/held");
    List<EventLog.Event> again = log.claim(1000, clock.instant());
    assertThat(again).as("due at once, not in ten minutes").hasSize(1);
    processor.process(again);
    assertThat(priority(ids.get(0))).isEqualTo("3");

    rules.add(
        new Rule(
            "Other",
            "crm.lead",
            true,
            io.odoosidecar.rule.Trigger.ON_CREATE_OR_WRITE,
            List.of("expected_revenue"),
            null,
            "[('expected_revenue', '>', 10000)]",
            Map.of(),
            List.of(Map.of("state", "object_write", "update_path", "description", "value", "x"))));
    rules.remove(0);
    paused.add("Other");
    revenueChanged(ids.get(1), 5000, 20000);
    drain(listened(3));
    assertThat(log.releaseHeld("VIP", clock.instant())).as("VIP holds nothing now").isZero();
    assertThat(log.claim(1000, clock.instant())).as("Other's event still waits").isEmpty();
    assertThat(log.releaseHeld("Other", clock.instant())).isEqualTo(1);
  }
}
