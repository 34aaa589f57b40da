package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.JournaledCalls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorTest {
  static final Path FIXTURES =
      Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18");

  @TempDir Path dir;
  MemoryOdoo odoo;
  EventLog log;
  JournaledCalls journal;
  final List<Rule> rules = new ArrayList<>();
  final Clock clock = Clock.systemUTC();

  /** One Python engine for the tests that run code (its first context costs seconds). */
  static io.odoosidecar.script.PythonEngine python;

  @org.junit.jupiter.api.BeforeAll
  static void startPython() {
    python = new io.odoosidecar.script.PythonEngine(1, 1_000_000, Duration.ofSeconds(30));
  }

  @org.junit.jupiter.api.AfterAll
  static void stopPython() {
    python.close();
  }

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(FIXTURES);
    log = EventLog.embedded(dir);
    journal = JournaledCalls.open(log.connectionSource());
  }

  @AfterEach
  void tearDown() {
    journal.close();
    log.close();
  }

  static Rule vip(String name) {
    return new Rule(
        name,
        "crm.lead",
        true,
        Trigger.ON_CREATE_OR_WRITE,
        List.of("expected_revenue"),
        null,
        "[('expected_revenue', '>', 10000)]",
        Map.of(),
        List.of(Map.of("state", "object_write", "update_path", "priority", "value", "3")));
  }

  Processor processor(int attempts) {
    return new Processor(
            log,
            db -> db.equals("memory") ? odoo : null,
            () -> rules,
            new Processor.Settings(5, new RetryPolicy(attempts, Duration.ZERO, Duration.ZERO)),
            clock,
            null)
        .withJournal(journal);
  }

  List<Long> leads(int n) {
    return new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, n);
  }

  /** A user's write of expected_revenue, as the addon would push it. */
  void revenueChanged(long id, double before, double after, List<String> chain, int depth) {
    odoo.records("crm.lead").get(id).put("expected_revenue", after);
    revenueWritten(id, before, Map.of(), chain, depth);
  }

  /**
   * A user's write of expected_revenue as the addon pushes it: with the values the write left on
   * the fields the rules need ({@code values}), which Odoo's record does not hold (the record there
   * says 0): a rule that matched on Odoo's record would not fire.
   */
  void revenuePushed(long id, double before, Map<String, Object> values) {
    odoo.records("crm.lead").get(id).put("expected_revenue", 0.0);
    revenueWritten(id, before, values, List.of(), 0);
  }

  /** The push event of a write of expected_revenue, the lead's priority reset to 0. */
  private void revenueWritten(
      long id, double before, Map<String, Object> values, List<String> chain, int depth) {
    odoo.records("crm.lead").get(id).put("priority", "0");
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory",
                "t" + id + "-" + System.nanoTime(),
                "crm.lead",
                id,
                "write",
                revenuePush(id, before, values, chain, depth).toJson())),
        clock.instant());
  }

  /**
   * What the addon pushes for a user's write of a lead's expected_revenue from {@code before}, with
   * the values the write left ({@code values}) and the sidecar's marker ({@code chain}, {@code
   * depth}) if the write was its own.
   */
  static ChangePayload revenuePush(
      long id, double before, Map<String, Object> values, List<String> chain, int depth) {
    return new ChangePayload(
        "write",
        List.of("expected_revenue"),
        Map.of("expected_revenue", before),
        values,
        2,
        null,
        "push",
        id,
        chain,
        depth,
        Map.of(),
        null);
  }

  @Test
  void theObserverIsToldOfEachGroupsWrittenRecordsAndFieldsBeforeItsRulesRun() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(3);
    revenueChanged(ids.get(0), 0, 20_000, List.of(), 0);
    revenueChanged(ids.get(1), 0, 5_000, List.of(), 0);
    List<String> seen = new ArrayList<>();
    Processor processor =
        processor(3)
            .withObserver(
                (db, model, written, unlinked, fields) ->
                    seen.add(db + " " + model + " " + written + " " + unlinked + " " + fields));
    drain(processor);
    assertThat(seen)
        .containsExactly(
            "memory crm.lead " + List.of(ids.get(0), ids.get(1)) + " [] [expected_revenue]");

    // a failing observer fails the group, for a retry: nothing it should have seen is lost
    revenueChanged(ids.get(2), 0, 20_000, List.of(), 0);
    drain(
        processor(3)
            .withObserver(
                (db, model, written, unlinked, fields) -> {
                  throw new IllegalStateException("index away");
                }));
    assertThat(log.counts().get("done")).as("only the first two events").isEqualTo(2L);
    assertThat(priority(ids.get(2))).as("the rules did not run on it").isEqualTo("0");
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

  @Test
  void aBatchOfWritesCostsOneReadAndOneWritePerValue() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(3);
    revenueChanged(ids.get(0), 5000, 20000, List.of(), 0);
    revenueChanged(ids.get(1), 5000, 30000, List.of(), 0);
    revenueChanged(ids.get(2), 5000, 500, List.of(), 0); // does not match the filter domain
    odoo.resetCalls();

    drain(processor(3));

    assertThat(priority(ids.get(0))).isEqualTo("3");
    assertThat(priority(ids.get(1))).isEqualTo("3");
    assertThat(priority(ids.get(2))).isEqualTo("0");
    assertThat(odoo.calls("search_read")).isEqualTo(1);
    assertThat(odoo.calls("write")).isEqualTo(1);
    assertThat(log.counts()).containsOnlyKeys("done");
    assertThat(odoo.writeContexts().get(0))
        .containsEntry(Processor.CONTEXT_KEY, Map.of("chain", List.of("VIP"), "depth", 1));
  }

  @Test
  void writesWhosePushCarriesWhatTheRulesNeedAreMatchedWithoutReadingOdoo() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(2);
    revenuePushed(ids.get(0), 5000, Map.of("expected_revenue", 20000.0, "active", true));
    revenuePushed(ids.get(1), 5000, Map.of("expected_revenue", 500.0, "active", true));
    odoo.resetCalls();

    drain(processor(3));

    assertThat(priority(ids.get(0))).isEqualTo("3");
    assertThat(priority(ids.get(1))).isEqualTo("0");
    assertThat(odoo.calls("search_read")).isZero();
    assertThat(odoo.calls("read")).isZero();
    assertThat(odoo.calls(null)).isEqualTo(odoo.calls("write"));
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void anExpressionOnPushedValuesCostsOnlyItsWrite_andASecondActionReadsAgain() {
    rules.add(
        new Rule(
            "Label",
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of("expected_revenue"),
            null,
            "[('expected_revenue', '>', 10000)]",
            Map.of(),
            List.of(
                Map.of(
                    "state", "object_write",
                    "update_path", "referred",
                    "evaluation_type", "equation",
                    "value", "'revenue %d' % record.expected_revenue"),
                Map.of(
                    "state", "object_write",
                    "update_path", "description",
                    "evaluation_type", "equation",
                    "value", "record.referred"))));
    long id = leads(1).get(0);
    revenuePushed(id, 5000, Map.of("expected_revenue", 20000.0, "active", true));
    odoo.resetCalls();

    try (io.odoosidecar.script.PythonEngine python =
        new io.odoosidecar.script.PythonEngine(1, 100_000, Duration.ofSeconds(20))) {
      drain(processor(3).withPython(python));
    }

    Map<String, Object> lead = odoo.records("crm.lead").get(id);
    // the pushed revenue, not Odoo's 0: the record as the change left it
    assertThat(lead.get("referred")).isEqualTo("revenue 20000");
    // the second action sees the first one's write
    assertThat(lead.get("description")).isEqualTo("revenue 20000");
    assertThat(odoo.calls("search_read")).isZero();
    assertThat(odoo.calls("read")).as("only the second action reads").isEqualTo(1);
    assertThat(odoo.calls("write")).isEqualTo(2);
  }

  @Test
  void aPushLackingAFieldTheRulesNeedIsMatchedOnTheRecordRead() {
    rules.add(vip("VIP"));
    long id = leads(1).get(0);
    // no 'active': the values are not enough, the record is read; what the push carried still
    // stands over what is read (the record as the write left it)
    revenuePushed(id, 5000, Map.of("expected_revenue", 20000.0));
    odoo.resetCalls();

    drain(processor(3));

    assertThat(odoo.calls("search_read")).isEqualTo(1);
    assertThat(priority(id)).isEqualTo("3");
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void aDomainThroughARelationIsNeverMatchedOnPushedValues() {
    rules.add(
        new Rule(
            "Stage",
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of("expected_revenue"),
            null,
            "[('stage_id.name', '!=', 'no such stage')]",
            Map.of(),
            List.of(Map.of("state", "object_write", "update_path", "priority", "value", "3"))));
    long id = leads(1).get(0);
    revenuePushed(id, 5000, Map.of("expected_revenue", 20000.0, "active", true, "stage_id", 1));
    odoo.resetCalls();

    drain(processor(3));

    assertThat(odoo.calls("search_read")).isPositive();
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void aRecordDeletedAfterItsPushedChangeFiresNothingAndFailsNothing() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(2);
    revenuePushed(ids.get(0), 5000, Map.of("expected_revenue", 20000.0, "active", true));
    revenuePushed(ids.get(1), 5000, Map.of("expected_revenue", 30000.0, "active", true));
    odoo.records("crm.lead").remove(ids.get(0));
    List<RuleRun> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
    PipelineListener heard =
        new PipelineListener() {
          @Override
          public void ran(RuleRun run) {
            runs.add(run);
          }
        };

    drain(processor(3).withListener(heard));

    assertThat(priority(ids.get(1))).isEqualTo("3");
    assertThat(log.counts()).containsOnlyKeys("done");
    assertThat(runs)
        .as("the runs end as the events do: a deleted record's failure is no failure")
        .isNotEmpty()
        .allSatisfy(run -> assertThat(run.result()).isEqualTo("done"));
  }

  @Test
  void severalFieldsInOneActionAreOneWrite() {
    rules.add(
        new Rule(
            "Several",
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(
                Map.of(
                    "state", "object_write",
                    "values", Map.of("priority", "2", "color", 4, "tag_ids", 1),
                    "update_m2m_operation", "add"))));
    long id = leads(1).get(0);
    revenueChanged(id, 5000, 20000, List.of(), 0);
    odoo.resetCalls();

    drain(processor(3));

    assertThat(odoo.calls("write")).isEqualTo(1);
    Map<String, Object> lead = odoo.records("crm.lead").get(id);
    assertThat(lead.get("priority")).isEqualTo("2");
    assertThat(lead.get("color")).isEqualTo(4L);
    assertThat(new java.util.ArrayList<Object>((List<?>) lead.get("tag_ids"))).contains(1L);
  }

  @Test
  void aWatchedFieldThatDidNotChangeFiresNothing() {
    rules.add(vip("VIP"));
    long id = leads(1).get(0);
    revenueChanged(id, 20000, 20000, List.of(), 0);

    drain(processor(3));

    assertThat(priority(id)).isEqualTo("0");
    assertThat(odoo.calls("write")).isZero();
  }

  @Test
  void aRuleDoesNotFireAgainOnItsOwnChangeButOthersDo() {
    rules.add(vip("VIP"));
    Rule other = vip("Other");
    rules.add(
        new Rule(
            other.name(),
            other.model(),
            true,
            other.trigger(),
            other.triggerFields(),
            null,
            other.filterDomain(),
            Map.of(),
            List.of(Map.of("state", "object_write", "update_path", "priority", "value", "2"))));
    long id = leads(1).get(0);
    revenueChanged(id, 5000, 20000, List.of("VIP"), 1);

    drain(processor(3));

    assertThat(priority(id)).isEqualTo("2");
    assertThat(odoo.writeContexts())
        .containsExactly(
            Map.of(Processor.CONTEXT_KEY, Map.of("chain", List.of("VIP", "Other"), "depth", 2)));
  }

  @Test
  void nothingFiresPastTheDepthLimit() {
    rules.add(vip("VIP"));
    long id = leads(1).get(0);
    revenueChanged(id, 5000, 20000, List.of("A", "B", "C", "D", "E"), 5);

    drain(processor(3));

    assertThat(priority(id)).isEqualTo("0");
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void aFailingRecordIsIsolatedRetriedAndParkedWhileTheOthersFlow() {
    rules.add(vip("VIP"));
    List<Long> ids = leads(3);
    long poison = ids.get(1);
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE
              && method.equals("write")
              && ValueCodec.asIds(args.get(0)).contains(poison)) {
            throw new IllegalStateException("constraint failed on " + poison);
          }
        });
    for (long id : ids) {
      revenueChanged(id, 5000, 20000, List.of(), 0);
    }

    Processor processor = processor(2);
    processor.process(log.claim(1000, clock.instant())); // first attempt: the poison is due again
    assertThat(priority(ids.get(0))).isEqualTo("3");
    assertThat(priority(ids.get(2))).isEqualTo("3");
    assertThat(log.deadLetters()).isEmpty();
    processor.process(log.claim(1000, clock.instant())); // second and last attempt
    assertThat(log.claim(1000, clock.instant())).isEmpty();

    List<EventLog.Event> dead = log.deadLetters();
    assertThat(dead).extracting(EventLog.Event::recordId).containsExactly(poison);
    assertThat(dead.get(0).lastError())
        .contains("rule 'VIP', action 0")
        .contains("constraint failed");
    assertThat(dead.get(0).attempts()).isEqualTo(2);
    assertThat(priority(poison)).isEqualTo("0");
  }

  @Test
  void anActionTheSidecarCannotRunIsRefusedWhenItsRuleFileIsLoaded() throws java.io.IOException {
    Path rulesDir = java.nio.file.Files.createDirectories(dir.resolve("copy-rules"));
    Path file =
        java.nio.file.Files.writeString(
            rulesDir.resolve("mail.yaml"),
            "rules:\n  - {name: Mail, model: crm.lead, trigger: on_write,"
                + " actions: [{state: object_copy}]}\n");

    assertThatThrownBy(() -> io.odoosidecar.rule.RuleFiles.load(rulesDir))
        .hasMessageStartingWith(file + ": rule 'Mail': actions[0].state: ")
        .hasMessageContaining("got object_copy");
  }

  void message(long id, Map<String, Object> message) {
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory",
                "m" + id + "-" + System.nanoTime(),
                "crm.lead",
                id,
                "message",
                new ChangePayload(
                        "message", List.of(), Map.of(), Map.of(), 2, null, "push", 1, List.of(), 0,
                        message, null)
                    .toJson())),
        clock.instant());
  }

  @Test
  void messagesFireReceivedOrSentRulesAsOdooDecides() {
    for (Trigger trigger : List.of(Trigger.ON_MESSAGE_RECEIVED, Trigger.ON_MESSAGE_SENT)) {
      rules.add(
          new Rule(
              trigger.odooName(),
              "crm.lead",
              true,
              trigger,
              List.of(),
              null,
              null,
              Map.of(),
              List.of(
                  Map.of(
                      "state",
                      "object_write",
                      "update_path",
                      "priority",
                      "value",
                      trigger == Trigger.ON_MESSAGE_RECEIVED ? "1" : "2"))));
    }
    List<Long> ids = leads(4);
    odoo.records("crm.lead").values().forEach(r -> r.put("priority", "0"));
    message(ids.get(0), Map.of("message_type", "email", "author_share", true));
    message(ids.get(1), Map.of("message_type", "comment", "author_share", false));
    message(
        ids.get(2), Map.of("message_type", "comment", "author_share", false, "is_internal", true));
    message(ids.get(3), Map.of("message_type", "notification", "author_share", true));

    drain(processor(3));

    assertThat(priority(ids.get(0))).isEqualTo("1"); // from a customer: received
    assertThat(priority(ids.get(1))).isEqualTo("2"); // from an employee: sent
    assertThat(priority(ids.get(2))).isEqualTo("0"); // internal note: no automation
    assertThat(priority(ids.get(3))).isEqualTo("0"); // notification: no automation
  }

  @Test
  void codeActionsAndExpressionsRunOnPython() {
    rules.add(
        new Rule(
            "Code",
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of("expected_revenue"),
            null,
            null,
            Map.of(),
            List.of(
                Map.of(
                    "state",
                    "code",
                    "code",
                    "for rec in records:\n    rec.write({'color': 5 if rec.expected_revenue > 10000 else 1})"),
                Map.of(
                    "state",
                    "object_write",
                    "update_path",
                    "priority",
                    "evaluation_type",
                    "equation",
                    "value",
                    "'3' if record.expected_revenue > 10000 else '1'"))));
    List<Long> ids = leads(3);
    revenueChanged(ids.get(0), 5000, 20000, List.of(), 0);
    revenueChanged(ids.get(1), 5000, 30000, List.of(), 0);
    revenueChanged(ids.get(2), 5000, 500, List.of(), 0);

    processor(3).withPython(python).process(log.claim(100, clock.instant()));

    assertThat(log.counts()).containsOnlyKeys("done");
    assertThat(odoo.records("crm.lead").get(ids.get(0)).get("color")).isEqualTo(5L);
    assertThat(odoo.records("crm.lead").get(ids.get(2)).get("color")).isEqualTo(1L);
    assertThat(priority(ids.get(0))).isEqualTo("3");
    assertThat(priority(ids.get(1))).isEqualTo("3");
    assertThat(priority(ids.get(2))).isEqualTo("1");
  }

  static Rule code(String name, String code) {
    return new Rule(
        name,
        "crm.lead",
        true,
        Trigger.ON_WRITE,
        List.of("expected_revenue"),
        null,
        null,
        Map.of(),
        List.of(Map.of("state", "code", "code", code)));
  }

  /** The project tasks named so, by name. */
  Map<String, Long> tasksNamed(String prefix) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Map<String, Object> task : odoo.records("project.task").values()) {
      String name = String.valueOf(task.get("name"));
      if (name.startsWith(prefix)) {
        out.merge(name, 1L, Long::sum);
      }
    }
    return out;
  }

  /** Odoo refusing the first {@code times} writes of {@code vals} on {@code lead}. */
  void refuseWrites(long lead, Map<String, Object> vals, int times) {
    java.util.concurrent.atomic.AtomicInteger refused =
        new java.util.concurrent.atomic.AtomicInteger();
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE
              && method.equals("write")
              && ValueCodec.asIds(args.get(0)).contains(lead)
              && String.valueOf(args.get(1)).equals(String.valueOf(vals))
              && refused.getAndIncrement() < times) {
            throw new IllegalStateException("lock not available on " + lead);
          }
        });
  }

  /** A deletion of a lead as the addon pushes it: the filter's fields and the snapshot. */
  void leadDeleted(long id, Map<String, Object> old, Map<String, Object> snapshot) {
    odoo.records("crm.lead").remove(id);
    ChangePayload payload =
        new ChangePayload(
            "unlink", List.of(), old, Map.of(), 2, null, "push", id, List.of(), 0, Map.of(), null,
            snapshot);
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory", "outbox:" + id + ":" + id, "crm.lead", id, "unlink", payload.toJson())),
        clock.instant());
  }

  @Test
  void process_aDeletionMatchedOnItsOldValues_givesItsSnapshotToTheActionsAsTheRecordsValues() {
    rules.add(
        new Rule(
            "Gone",
            "crm.lead",
            true,
            Trigger.ON_UNLINK,
            List.of(),
            null,
            "[('name', 'ilike', 'doomed')]",
            Map.of(),
            List.of(
                Map.of(
                    "state",
                    "code",
                    "code",
                    "for rec in records:\n"
                        + "    env['project.task'].create("
                        + "{'name': 'deleted %s (%s)' % (rec.name, rec.expected_revenue)})"))));
    List<Long> ids = leads(2);
    leadDeleted(
        ids.get(0),
        Map.of("name", "Doomed lead"),
        Map.of("name", "Doomed lead", "expected_revenue", 1234.5));
    leadDeleted(
        ids.get(1),
        Map.of("name", "Kept rule out"),
        Map.of("name", "Kept rule out", "expected_revenue", 9.0));

    processor(3).withPython(python).process(log.claim(100, clock.instant()));

    assertThat(log.counts()).containsOnlyKeys("done");
    // the records are gone from Odoo: what the code read of them is the snapshot's
    assertThat(tasksNamed("deleted "))
        .containsExactly(Map.entry("deleted Doomed lead (1234.5)", 1L));
  }

  @Test
  void codeRunAgainRecordByRecordAfterFailingPartwayMakesNoCallTwice() {
    rules.add(
        code(
            "Tasks",
            "for rec in records:\n"
                + "    env['project.task'].create({'name': 'task %s' % rec.id})\n"
                + "    rec.write({'color': 7})"));
    List<Long> ids = leads(3);
    refuseWrites(ids.get(1), Map.of("color", 7), 1); // the batch stops at the second lead
    for (long id : ids) {
      revenueChanged(id, 5000, 20000, List.of(), 0);
    }

    processor(3).withPython(python).process(log.claim(100, clock.instant()));

    assertThat(log.counts()).containsOnlyKeys("done");
    Map<String, Long> expected = new java.util.TreeMap<>();
    for (long id : ids) {
      expected.put("task " + id, 1L);
      assertThat(odoo.records("crm.lead").get(id).get("color")).isEqualTo(7L);
    }
    assertThat(tasksNamed("task ")).isEqualTo(expected);
    // the batch made 3 calls (task, write, task) before it failed; no rerun repeats them
    assertThat(odoo.calls("create")).isEqualTo(3);
  }

  @Test
  void createsSentAsOneCallAreEachFoundWhenTheCodeRunsAgainRecordByRecord() {
    rules.add(
        code(
            "Batch",
            "for rec in records:\n"
                + "    env['project.task'].create({'name': 'batch %s' % rec.id})\n"
                + "records.write({'color': 9})"));
    List<Long> ids = leads(3);
    long last = ids.get(2);
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE
              && method.equals("write")
              && ValueCodec.asIds(args.get(0)).size() > 1) {
            throw new IllegalStateException("a write of several leads fails");
          }
        });
    for (long id : ids) {
      revenueChanged(id, 5000, 20000, List.of(), 0);
    }

    processor(3).withPython(python).process(log.claim(100, clock.instant()));

    assertThat(log.counts()).containsOnlyKeys("done");
    assertThat(tasksNamed("batch "))
        .containsOnlyKeys("batch " + ids.get(0), "batch " + ids.get(1), "batch " + last)
        .allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(1L));
    assertThat(odoo.calls("create")).isEqualTo(1); // the three tasks, in the batch's one call
    assertThat(odoo.records("crm.lead").get(last).get("color")).isEqualTo(9L);
  }

  @Test
  void theCallsOfAFailedAttemptAreNotMadeAgainAtTheNextOneEvenAfterARestart() {
    long id = leads(1).get(0);
    refuseWrites(id, Map.of("color", 4), 1);
    revenueChanged(id, 5000, 20000, List.of(), 0);
    rules.add(
        code(
            "Once",
            "env['project.task'].create({'name': 'once %s' % record.id})\n"
                + "record.write({'color': 4})"));
    processor(3).withPython(python).process(log.claim(100, clock.instant()));
    assertThat(log.counts()).containsEntry("pending", 1L); // failed, due again
    assertThat(tasksNamed("once ")).containsExactly(Map.entry("once " + id, 1L));

    journal.close(); // the sidecar stops and starts again
    log.close();
    log = EventLog.embedded(dir);
    journal = JournaledCalls.open(log.connectionSource());
    drain(processor(3).withPython(python));

    assertThat(log.counts()).containsOnlyKeys("done");
    assertThat(tasksNamed("once ")).containsExactly(Map.entry("once " + id, 1L));
    assertThat(odoo.records("crm.lead").get(id).get("color")).isEqualTo(4L);
    long event = log.page(0, false, 10, null).get(0).id();
    journal.refresh(); // what the store holds, not what this process remembers
    assertThat(journal.journal("Once#0", List.of(event)))
        .as("the done event's calls are forgotten")
        .isEmpty();
  }

  @Test
  void tenThousandChangedLeadsCostAtMostThirtyCalls() {
    rules.add(vip("VIP"));
    Map<Long, Map<String, Object>> records = odoo.records("crm.lead");
    Map<String, Object> template = records.values().iterator().next();
    List<EventLog.NewEvent> events = new ArrayList<>();
    for (long id = 100_000; id < 110_000; id++) {
      Map<String, Object> lead = new java.util.LinkedHashMap<>(template);
      lead.put("id", id);
      lead.put("priority", "0");
      double revenue = id % 2 == 0 ? 20000 : 500;
      lead.put("expected_revenue", revenue);
      records.put(id, lead);
      events.add(
          new EventLog.NewEvent(
              "memory",
              "big" + id,
              "crm.lead",
              id,
              "write",
              new ChangePayload(
                      "write",
                      List.of("expected_revenue"),
                      Map.of("expected_revenue", 1000.0),
                      Map.of(),
                      2,
                      null,
                      "push",
                      id,
                      List.of(),
                      0,
                      Map.of(),
                      null)
                  .toJson()));
    }
    log.append(events, clock.instant());
    odoo.resetCalls();

    drain(processor(3));

    long raised =
        records.values().stream()
            .filter(
                r -> ((Number) r.get("id")).longValue() >= 100_000 && "3".equals(r.get("priority")))
            .count();
    assertThat(raised).isEqualTo(5000);
    assertThat(odoo.calls(null)).isLessThanOrEqualTo(30);
    assertThat(log.counts()).containsOnlyKeys("done");
  }
}
