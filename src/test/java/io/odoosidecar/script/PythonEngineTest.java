package io.odoosidecar.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Odoo code actions on GraalPy, against the in-memory Odoo. */
class PythonEngineTest {
  static PythonEngine engine;
  MemoryOdoo odoo;

  @BeforeAll
  static void start() {
    engine = new PythonEngine(1, 200_000, Duration.ofSeconds(20));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @BeforeEach
  void setUp() {
    odoo =
        MemoryOdoo.fromFixtures(
            Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18"));
  }

  List<Long> leads() {
    return new ArrayList<>(odoo.records("crm.lead").keySet());
  }

  static final String COMMISSION =
      """
      for rec in records:
          if rec.expected_revenue > 5000:
              commission = rec.expected_revenue * 0.05
              env['project.task'].create({
                  'name': f'Commission: {rec.name} for {rec.user_id.login or "nobody"}',
              })
              log(f"Created commission {commission:.2f} for {rec.name}")
      """;

  @Test
  void theCommissionExampleRunsUnchanged_withOneReadPerModelItTraverses() {
    List<Long> ids = leads();
    odoo.resetCalls();

    PythonEngine.Result result = engine.run(COMMISSION, odoo, 2, "crm.lead", ids);

    long expected =
        odoo.records("crm.lead").values().stream()
            .filter(r -> ((Number) r.get("expected_revenue")).doubleValue() > 5000)
            .count();
    assertThat(expected).isPositive();
    assertThat(odoo.records("project.task")).hasSize((int) expected);
    assertThat(result.logs())
        .hasSize((int) expected)
        .allMatch(l -> l.startsWith("info: Created commission "));
    assertThat(odoo.calls("read")).as("crm.lead and res.users, once each").isEqualTo(2);
    assertThat(odoo.calls("create")).as("the loop's creates, batched").isEqualTo(1);
    Map<String, Object> task = odoo.records("project.task").values().iterator().next();
    assertThat(String.valueOf(task.get("name"))).startsWith("Commission: ").contains(" for ");
  }

  /** The issue's example, character for character. */
  static final String ISSUE_EXAMPLE =
      """
      for rec in records:
          if rec.amount_total > 5000:
              commission = rec.amount_total * 0.05
              env['hr.expense'].create({
                  'name': f'Commission: {rec.name}',
                  'employee_id': rec.user_id.employee_id.id,
                  'total_amount': commission,
                  'product_id': env.ref('hr_expense.product_commission').id,
              })
              log(f"Created commission {commission} for {rec.name}")
      """;

  @Test
  void theIssuesExampleRunsUnchangedOnSaleOrders() {
    List<Long> orders = new ArrayList<>(odoo.records("sale.order").keySet());
    odoo.resetCalls();

    PythonEngine.Result result = engine.run(ISSUE_EXAMPLE, odoo, 2, "sale.order", orders);

    List<Map<String, Object>> big =
        odoo.records("sale.order").values().stream()
            .filter(r -> ((Number) r.get("amount_total")).doubleValue() > 5000)
            .toList();
    assertThat(big).isNotEmpty();
    assertThat(odoo.records("hr.expense")).hasSize(big.size());
    Map<String, Object> first = big.get(0);
    Map<String, Object> expense =
        odoo.records("hr.expense").values().stream()
            .filter(e -> e.get("name").equals("Commission: " + first.get("name")))
            .findFirst()
            .orElseThrow();
    assertThat(((Number) expense.get("total_amount")).doubleValue())
        .isCloseTo(
            ((Number) first.get("amount_total")).doubleValue() * 0.05,
            org.assertj.core.data.Offset.offset(1e-6));
    long product = odoo.records("product.product").keySet().iterator().next();
    assertThat(expense.get("product_id")).isEqualTo(List.of(product, ""));
    assertThat(result.logs()).hasSize(big.size());
    // one read per model the loop traverses (sale.order, res.users, the xml id), one create
    assertThat(odoo.calls("read")).isEqualTo(2);
    assertThat(odoo.calls("create")).isEqualTo(1);
  }

  @Test
  void recordsetsBehaveAsOdoosDo() {
    List<Long> ids = leads().subList(0, 5);
    PythonEngine.Result result =
        engine.run(
            """
            first = records[0]
            assert record == first and first in records and len(records) == 5
            assert records.filtered(lambda r: r.id == first.id) == first
            assert records.mapped('id') == records.ids
            assert sorted(records.sorted(key=lambda r: -r.id).ids, reverse=True) == records.sorted(key=lambda r: -r.id).ids
            assert records.browse(first.id).exists() == first
            assert not env['crm.lead'].browse([])
            total = sum(records.mapped('expected_revenue'))
            stamp = (datetime.date(2026, 1, 31) + relativedelta(months=1)).isoformat()
            action = {'total': total, 'stamp': stamp, 'uid': env.uid, 'cmd': Command.link(3)}
            """,
            odoo,
            2,
            "crm.lead",
            ids);
    Map<?, ?> action = (Map<?, ?>) result.action();
    assertThat(action.get("stamp")).isEqualTo("2026-02-28");
    assertThat(action.get("uid")).isEqualTo(2);
    assertThat(action.get("cmd")).isEqualTo(List.of(4, 3, 0));
  }

  @Test
  void writesInALoopGoAsOneWritePerValue_andReadsSeeThem() {
    List<Long> ids = leads().subList(0, 30);
    odoo.resetCalls();
    PythonEngine.Result result =
        engine.run(
            """
            for rec in records:
                rec.priority = '3' if rec.id % 2 else '1'
            action = records[0].priority
            """,
            odoo, 2, "crm.lead", ids);
    assertThat(result.action()).isEqualTo(ids.get(0) % 2 == 1 ? "3" : "1");
    // alternating values: each run of one value is one write; reading flushes them first
    assertThat(odoo.calls("write")).isLessThanOrEqualTo(30);
    for (long id : ids) {
      assertThat(odoo.records("crm.lead").get(id).get("priority"))
          .isEqualTo(id % 2 == 1 ? "3" : "1");
    }
    odoo.resetCalls();
    engine.run("for rec in records:\n    rec.write({'priority': '2'})", odoo, 2, "crm.lead", ids);
    assertThat(odoo.calls("write")).isEqualTo(1);
  }

  @Test
  void knownValuesAreTakenAsRead_andOtherFieldsAreStillRead() {
    List<Long> ids = leads().subList(0, 2);
    Map<Long, Map<String, Object>> known =
        Map.of(
            ids.get(0), Map.of("expected_revenue", 123.0, "name", "as the change left it"),
            ids.get(1), Map.of("expected_revenue", 456.0, "name", "the other one"));
    odoo.resetCalls();

    Map<Long, Object> values =
        engine.evaluate(
            "'%s: %d' % (record.name, record.expected_revenue)", odoo, 2, "crm.lead", ids, known);

    assertThat(values)
        .containsEntry(ids.get(0), "as the change left it: 123")
        .containsEntry(ids.get(1), "the other one: 456");
    assertThat(odoo.calls("read")).isZero();

    PythonEngine.Result result =
        engine.run("action = records[0].priority", odoo, 2, "crm.lead", ids, known);
    assertThat(result.action()).isEqualTo(odoo.records("crm.lead").get(ids.get(0)).get("priority"));
    assertThat(odoo.calls("read")).as("a field not known is read").isEqualTo(1);
  }

  @Test
  void aCreatedRecordIsMadeAsSoonAsItIsUsed() {
    List<Long> ids = leads().subList(0, 2);
    PythonEngine.Result result =
        engine.run(
            """
            task = env['project.task'].create({'name': 'first'})
            found = env['project.task'].search([('name', '=', 'first')])
            action = {'id': task.id, 'found': found.ids}
            """,
            odoo,
            2,
            "crm.lead",
            ids);
    Map<?, ?> action = (Map<?, ?>) result.action();
    assertThat(action.get("found")).isEqualTo(List.of(action.get("id")));
  }

  @Test
  void theSandboxRefusesImportsDunderNamesAndUnsafeBuiltins() {
    List<Long> ids = leads().subList(0, 1);
    assertThatThrownBy(() -> engine.run("import os\nos.system('id')", odoo, 2, "crm.lead", ids))
        .hasMessageContaining("import is not allowed");
    assertThatThrownBy(() -> engine.run("x = ().__class__.__bases__", odoo, 2, "crm.lead", ids))
        .hasMessageContaining("access to __")
        .hasMessageContaining("is not allowed");
    assertThatThrownBy(() -> engine.run("open('/etc/passwd').read()", odoo, 2, "crm.lead", ids))
        .hasMessageContaining("name 'open' is not allowed");
    assertThatThrownBy(() -> engine.run("eval('1+1')", odoo, 2, "crm.lead", ids))
        .hasMessageContaining("name 'eval' is not allowed");
    assertThatThrownBy(
            () -> engine.run("f = getattr\nf(records, '_rpc_call')", odoo, 2, "crm.lead", ids))
        .hasMessageContaining("name 'getattr' is not allowed");
    // the engine still works afterwards
    assertThat(engine.run("action = 1 + 1", odoo, 2, "crm.lead", ids).action()).isEqualTo(2);
  }

  @Test
  void runawayCodeIsStoppedAndUserErrorsNameTheLine() {
    List<Long> ids = leads().subList(0, 1);
    assertThatThrownBy(() -> engine.run("while True:\n    pass", odoo, 2, "crm.lead", ids))
        .isInstanceOf(PythonEngine.ScriptException.class)
        .hasMessageContaining("statement limit reached");
    assertThatThrownBy(
            () ->
                engine.run(
                    "x = 1\ny = 2\nraise UserError('no commission for ' + str(x))",
                    odoo,
                    2,
                    "crm.lead",
                    ids))
        .isInstanceOf(PythonEngine.ScriptException.class)
        .hasMessageContaining("at line 3")
        .hasMessageContaining("no commission for 1")
        .satisfies(e -> assertThat(((PythonEngine.ScriptException) e).line()).isEqualTo(3));
    assertThat(engine.run("action = 'alive'", odoo, 2, "crm.lead", ids).action())
        .isEqualTo("alive");
  }

  @Test
  void aWallClockTimeOutStopsCodeThatWaits() {
    try (PythonEngine quick = new PythonEngine(1, Long.MAX_VALUE / 2, Duration.ofMillis(300))) {
      List<Long> ids = leads().subList(0, 1);
      assertThatThrownBy(() -> quick.run("while True:\n    x = 1", odoo, 2, "crm.lead", ids))
          .isInstanceOf(PythonEngine.ScriptException.class)
          .hasMessageContaining("time-out");
      assertThat(quick.run("action = 3", odoo, 2, "crm.lead", ids).action()).isEqualTo(3);
    }
  }

  @Test
  void theSameCodeRunAgainReadsOnlyTheFieldsItReadBefore() {
    List<Long> ids = leads().subList(0, 10);
    List<List<Object>> reads = new ArrayList<>();
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE && method.equals("read")) {
            reads.add(new ArrayList<>((List<?>) args.get(1)));
          }
        });
    String code =
        "total = sum(records.mapped('expected_revenue'))\n"
            + "action = [total, records[0].name if total > 1e12 else None]";
    // a program of its own: no other test taught the engine what it reads
    code += "  # learn " + System.nanoTime();

    Object first = engine.run(code, odoo, 2, "crm.lead", ids).action();
    Object second = engine.run(code, odoo, 2, "crm.lead", ids).action();

    assertThat(second).isEqualTo(first);
    assertThat(reads).hasSize(2);
    assertThat(reads.get(0)).as("first run: every stored field").hasSizeGreaterThan(5);
    assertThat(reads.get(1))
        .as("second run: what the first read")
        .containsExactly((Object) "expected_revenue");

    // a field the earlier runs did not read is read when used, and learned for the next run
    long firstId = ids.get(0);
    odoo.records("crm.lead").get(firstId).put("expected_revenue", 2e12);
    reads.clear();
    Object third = engine.run(code, odoo, 2, "crm.lead", ids).action();
    assertThat(third).isEqualTo(List.of(sum(ids), name(firstId)));
    assertThat(reads).hasSize(2);
    assertThat(reads.get(1)).contains("name");
    reads.clear();
    engine.run(code, odoo, 2, "crm.lead", ids);
    assertThat(reads).hasSize(1);
    assertThat(reads.get(0)).containsExactlyInAnyOrder("expected_revenue", "name");
  }

  @Test
  void aSearchByCodeThatRanBeforeBringsTheFieldsItReadThen() {
    List<Long> ids = leads().subList(0, 1);
    String code =
        "leads = env['crm.lead'].search([('expected_revenue', '>', 0)])\n"
            + "action = sum(leads.mapped('expected_revenue'))  # "
            + System.nanoTime();
    Object first = engine.run(code, odoo, 2, "crm.lead", ids).action();
    assertThat(odoo.calls("search")).isEqualTo(1);
    assertThat(odoo.calls("read")).isEqualTo(1);
    odoo.resetCalls();

    Object second = engine.run(code, odoo, 2, "crm.lead", ids).action();

    assertThat(second).isEqualTo(first);
    assertThat(((Number) second).doubleValue()).isPositive();
    assertThat(odoo.calls(null)).isEqualTo(odoo.calls("search_read")).isEqualTo(1);
  }

  double sum(List<Long> ids) {
    return ids.stream()
        .mapToDouble(
            id -> ((Number) odoo.records("crm.lead").get(id).get("expected_revenue")).doubleValue())
        .sum();
  }

  Object name(long id) {
    return odoo.records("crm.lead").get(id).get("name");
  }

  @Test
  void aFailureTellsHowManyCallsThatChangeDataTheCodeMadeBefore() {
    List<Long> ids = leads().subList(0, 2);
    assertThatThrownBy(
            () ->
                engine.run(
                    "records.read(['priority'])\nraise UserError('before any change')",
                    odoo,
                    2,
                    "crm.lead",
                    ids))
        .isInstanceOfSatisfying(
            PythonEngine.ScriptException.class, e -> assertThat(e.changes()).isZero());
    assertThat(odoo.calls("write")).isZero();
    assertThatThrownBy(
            () ->
                engine.run(
                    "records.write({'priority': '2'})\nrecords.read(['priority'])\n"
                        + "raise UserError('after one write')",
                    odoo,
                    2,
                    "crm.lead",
                    ids))
        .isInstanceOfSatisfying(
            PythonEngine.ScriptException.class, e -> assertThat(e.changes()).isEqualTo(1));
    assertThat(odoo.calls("write")).isEqualTo(1);
  }

  @Test
  void timeSpentWaitingForOdooDoesNotCountTowardsTheTimeOut() {
    try (PythonEngine quick = new PythonEngine(1, Long.MAX_VALUE / 2, Duration.ofMillis(300))) {
      List<Long> ids = leads().subList(0, 8);
      odoo.fault(
          (point, model, method, args) -> {
            if (point == MemoryOdoo.Point.BEFORE && method.equals("write")) {
              try {
                Thread.sleep(100); // a slow Odoo: 8 writes take 800 ms, more than the time-out
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
      PythonEngine.Result result =
          quick.run(
              "for lead in records:\n    lead.write({'priority': '2'})\n    lead.read(['priority'])\n"
                  + "action = len(records)",
              odoo,
              2,
              "crm.lead",
              ids);
      assertThat(result.action()).isEqualTo(8);
      assertThat(odoo.calls("write")).isEqualTo(8);
      // the code's own time still counts
      assertThatThrownBy(() -> quick.run("while True:\n    x = 1", odoo, 2, "crm.lead", ids))
          .hasMessageContaining("time-out");
    }
  }

  /**
   * A journal that writes nothing down (the sidecar dies before it could) and keys each post by its
   * text and its place among identical calls, as the pipeline's journal does.
   */
  static final class KeyingJournal implements CallJournal {
    final Map<String, Integer> asked = new java.util.HashMap<>();
    final List<String> keyed = new ArrayList<>();

    @Override
    public java.util.Optional<String> replay(String call) {
      asked.merge(call, 1, Integer::sum);
      return java.util.Optional.empty();
    }

    @Override
    public void made(String call, String answer) {}

    @Override
    public java.util.Optional<String> postKey(String call) {
      keyed.add(call);
      return java.util.Optional.of("k" + call.hashCode() + "-" + asked.get(call));
    }
  }

  static final String POSTING_CODE =
      """
      for rec in records:
          rec.write({'priority': '2'})
          rec.with_context(lang='fr_FR').message_post(body='hello %s' % rec.id)
          rec.message_post(body='hello %s' % rec.id)
          rec.message_post(body='hello %s' % rec.id)
      """;

  long messages(long lead) {
    return odoo.records("mail.message").values().stream()
        .filter(m -> ((Number) m.get("res_id")).longValue() == lead)
        .count();
  }

  @Test
  void postsFromCodeCarryTheJournalsKey_soCodeRunAgainAfterACrashPostsOnce() {
    odoo.withPostKeys();
    List<Long> ids = leads().subList(0, 2);
    KeyingJournal first = new KeyingJournal();
    engine.run(POSTING_CODE, odoo, 2, "crm.lead", ids, Map.of(), first);
    engine.run(POSTING_CODE, odoo, 2, "crm.lead", ids, Map.of(), new KeyingJournal());

    assertThat(first.keyed).hasSize(6).allMatch(call -> call.contains("\"message_post\""));
    for (long id : ids) {
      assertThat(messages(id)).as("three posts on lead %d, once each", id).isEqualTo(3);
    }
    assertThat(odoo.writeContexts())
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).doesNotContainKey(CallJournal.POST_KEY));
    assertThat(odoo.postContexts())
        .anySatisfy(
            c -> assertThat(c).containsEntry("lang", "fr_FR").containsKey(CallJournal.POST_KEY))
        .allSatisfy(c -> assertThat(c).containsKey(CallJournal.POST_KEY));
  }

  @Test
  void withoutTheAddonTheSameCodeRunAgainPostsAgain() {
    List<Long> ids = leads().subList(0, 2);
    engine.run(POSTING_CODE, odoo, 2, "crm.lead", ids, Map.of(), new KeyingJournal());
    engine.run(POSTING_CODE, odoo, 2, "crm.lead", ids, Map.of(), new KeyingJournal());
    for (long id : ids) {
      assertThat(messages(id)).isEqualTo(6);
    }
  }
}
