package io.odoosidecar.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BJET's {@code bj.api.sync.config._make_outbound_http_request} in code actions. */
class OutboundSyncTest {
  static PythonEngine engine;
  MemoryOdoo odoo;
  FakeSync sync;

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
    sync = new FakeSync();
  }

  /** An {@link OutboundSync} that writes down its calls and answers as it is told. */
  static final class FakeSync implements OutboundSync {
    record Call(String model, List<Long> ids, Object configRef, Duration timeout) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    Function<Call, List<Answer>> answers =
        call ->
            call.ids().stream()
                .map(
                    id ->
                        new Answer(
                            id,
                            true,
                            201,
                            Map.of("external_id", "EXT-" + id, "lines", List.of(Map.of("n", id))),
                            null))
                .toList();

    @Override
    public List<Answer> call(String model, List<Long> ids, Object configRef, Duration timeout) {
      Call call = new Call(model, List.copyOf(ids), configRef, timeout);
      calls.add(call);
      return answers.apply(call);
    }
  }

  /** A journal in memory, as the event log keeps one per event. */
  static final class MemoryJournal implements CallJournal {
    final Map<String, Deque<String>> made = new HashMap<>();
    Map<String, Deque<String>> earlier = new HashMap<>();

    @Override
    public Optional<String> replay(String call) {
      Deque<String> answers = earlier.get(call);
      return answers == null ? Optional.empty() : Optional.ofNullable(answers.poll());
    }

    @Override
    public void made(String call, String answer) {
      made.computeIfAbsent(call, k -> new ArrayDeque<>()).add(answer);
    }

    /** The next attempt finds what this one made. */
    void nextAttempt() {
      earlier = new HashMap<>();
      made.forEach((call, answers) -> earlier.put(call, new ArrayDeque<>(answers)));
    }
  }

  List<Long> leads(int n) {
    return new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, n);
  }

  PythonEngine.Result run(String code, List<Long> ids) {
    return run(code, ids, CallJournal.NONE);
  }

  PythonEngine.Result run(String code, List<Long> ids, CallJournal journal) {
    return engine.run(code, odoo, 2, "crm.lead", ids, Map.of(), journal, sync);
  }

  static Map<?, ?> action(PythonEngine.Result result) {
    return (Map<?, ?>) result.action();
  }

  @Test
  void keywordForm_onARecordset_sendsItsModelAndIds_andAnswersPerRecordId() {
    List<Long> ids = leads(3);

    PythonEngine.Result result =
        run(
            """
            res = env['bj.api.sync.config']._make_outbound_http_request(
                record_ids=records, config_id_ref='customers')
            action = {
                'keys': sorted(res.keys()),
                'success': [res[rec.id]['success'] for rec in records],
                'status': res[record.id]['status_code'],
                'external': res[record.id]['response']['external_id'],
                'line': res[record.id]['response']['lines'][0]['n'],
                'error': res[record.id]['error'],
            }
            """,
            ids);

    assertThat(sync.calls).containsExactly(new FakeSync.Call("crm.lead", ids, "customers", null));
    Map<?, ?> action = action(result);
    assertThat(action.get("keys")).isEqualTo(ids.stream().map(Long::intValue).toList());
    assertThat(action.get("success")).isEqualTo(List.of(true, true, true));
    assertThat(action.get("status")).isEqualTo(201);
    assertThat(action.get("external")).isEqualTo("EXT-" + ids.get(0));
    assertThat(((Number) action.get("line")).longValue()).isEqualTo(ids.get(0));
    assertThat(action.get("error")).isNull();
  }

  @Test
  void positionalForm_withBareIds_leavesTheModelToTheConfig_andPassesTheTimeout() {
    List<Long> ids = leads(2);

    PythonEngine.Result result =
        run(
            """
            sync = env['bj.api.sync.config']
            many = sync._make_outbound_http_request(records.ids, 'customers', timeout=60)
            one = sync._make_outbound_http_request(record.id, 7, timeout=2.5)
            action = {'many': sorted(many), 'one': one.status_code, 'ok': one.success}
            """,
            ids);

    assertThat(sync.calls)
        .containsExactly(
            new FakeSync.Call(null, ids, "customers", Duration.ofSeconds(60)),
            new FakeSync.Call(null, ids.subList(0, 1), 7L, Duration.ofMillis(2500)));
    assertThat(action(result).get("many")).isEqualTo(ids.stream().map(Long::intValue).toList());
    assertThat(action(result).get("one"))
        .as("one record's answer, read as BJET's examples do")
        .isEqualTo(201);
    assertThat(action(result).get("ok")).isEqualTo(true);
  }

  @Test
  void aConfigRecordFoundOverRpc_sendsAsItself_andItsFieldsAreReadFromOdoo() {
    odoo.define(
        "bj.api.sync.config",
        Map.of("name", "char", "model_name", "char"),
        List.of(
            Map.of("id", 41L, "name", "vendors", "model_name", "res.partner"),
            Map.of("id", 42L, "name", "customers", "model_name", "crm.lead")));
    List<Long> ids = leads(1);
    odoo.resetCalls();

    PythonEngine.Result result =
        run(
            """
            config = env['bj.api.sync.config'].search([('name', '=', 'customers')], limit=1)
            for rec in records:
                config._make_outbound_http_request(rec, config.id, timeout=60)
            config._make_outbound_http_request(records)
            action = {'name': config.name, 'model': config.model_name, 'id': config.id,
                      'all': len(env['bj.api.sync.config'].search([]))}
            """,
            ids);

    assertThat(odoo.calls("search")).as("the search went to Odoo").isPositive();
    assertThat(action(result).get("name")).isEqualTo("customers");
    assertThat(action(result).get("model")).isEqualTo("crm.lead");
    assertThat(action(result).get("id")).isEqualTo(42);
    assertThat(sync.calls)
        .containsExactly(
            new FakeSync.Call("crm.lead", ids, 42L, Duration.ofSeconds(60)),
            new FakeSync.Call("crm.lead", ids, 42L, null));
  }

  @Test
  void aRecordTheFarSideRefused_isAnAnswerThatDidNotSucceed_withTheResponseText() {
    List<Long> ids = leads(2);
    sync.answers =
        call ->
            List.of(
                new OutboundSync.Answer(call.ids().get(0), true, 200, Map.of("ok", 1), null),
                new OutboundSync.Answer(call.ids().get(1), false, 422, "bad vat", "rejected: 422"));

    PythonEngine.Result result =
        run(
            """
            res = env['bj.api.sync.config']._make_outbound_http_request(records, 'customers')
            bad = [i for i, a in res.items() if not a['success']]
            action = {'bad': bad, 'text': res[bad[0]]['response'], 'code': res[bad[0]].status_code,
                      'why': res[bad[0]]['error']}
            """,
            ids);

    Map<?, ?> action = action(result);
    assertThat(action.get("bad")).isEqualTo(List.of(ids.get(1).intValue()));
    assertThat(action.get("text")).isEqualTo("bad vat");
    assertThat(action.get("code")).isEqualTo(422);
    assertThat(action.get("why")).isEqualTo("rejected: 422");
  }

  @Test
  void theSyncsOwnFailure_isAUserErrorTheCodeCanCatch_orTheActionsFailure() {
    sync.answers =
        call -> {
          throw new IllegalArgumentException("no sync config named " + call.configRef());
        };
    List<Long> ids = leads(1);

    PythonEngine.Result caught =
        run(
            """
            try:
                env['bj.api.sync.config']._make_outbound_http_request(records, 'nope')
                action = 'sent'
            except UserError as e:
                action = str(e)
            """,
            ids);

    assertThat((String) caught.action()).contains("no sync config named nope");
    assertThatThrownBy(
            () ->
                run(
                    "env['bj.api.sync.config']._make_outbound_http_request(records, 'nope')\n",
                    ids))
        .isInstanceOf(PythonEngine.ScriptException.class)
        .hasMessageContaining("no sync config named nope")
        .satisfies(
            e ->
                assertThat(((PythonEngine.ScriptException) e).changes())
                    .as("the call may have sent something")
                    .isEqualTo(1));
  }

  @Test
  void withoutASync_theCallFailsSayingNoneIsConfigured_andSendsNothing() {
    String code = "env['bj.api.sync.config']._make_outbound_http_request(records, 'customers')\n";

    assertThatThrownBy(() -> engine.run(code, odoo, 2, "crm.lead", leads(1)))
        .isInstanceOf(PythonEngine.ScriptException.class)
        .hasMessageContaining("UserError")
        .hasMessageContaining("no outbound API sync is configured");
    PythonEngine.Result caught =
        engine.run(
            "try:\n    " + code + "except UserError as e:\n    action = str(e)\n",
            odoo,
            2,
            "crm.lead",
            leads(1));
    assertThat((String) caught.action()).contains("no outbound API sync is configured");
  }

  @Test
  void theEnginesSync_servesRunsThatNameNone() {
    engine.withOutboundSync(sync);
    try {
      engine.run(
          "env['bj.api.sync.config']._make_outbound_http_request(records, 'customers')\n",
          odoo,
          2,
          "crm.lead",
          leads(1));
    } finally {
      engine.withOutboundSync(OutboundSync.NONE);
    }
    assertThat(sync.calls)
        .containsExactly(new FakeSync.Call("crm.lead", leads(1), "customers", null));
  }

  @Test
  void theWritesTheCodeDeferred_reachOdooBeforeTheSyncReadsTheRecord() {
    List<Long> ids = leads(1);
    List<Object> seen = new ArrayList<>();
    sync.answers =
        call -> {
          seen.add(odoo.records("crm.lead").get(call.ids().get(0)).get("name"));
          return List.of(new OutboundSync.Answer(call.ids().get(0), true, 200, null, null));
        };

    run(
        """
        record.name = 'Renamed before the sync'
        env['bj.api.sync.config']._make_outbound_http_request(record, 'customers')
        """,
        ids);

    assertThat(seen).containsExactly("Renamed before the sync");
  }

  @Test
  void aRecordSentBeforeAFailure_isNotSentAgainByTheNextAttempt_butAFailedOneIs() {
    List<Long> ids = leads(2);
    sync.answers =
        call ->
            call.ids().stream()
                .map(
                    id ->
                        new OutboundSync.Answer(
                            id, id.equals(ids.get(0)), id.equals(ids.get(0)) ? 200 : 503, "", null))
                .toList();
    MemoryJournal journal = new MemoryJournal();
    String code =
        """
        res = env['bj.api.sync.config']._make_outbound_http_request(records, 'customers')
        action = {'ok': sorted(i for i, a in res.items() if a['success'])}
        if not all(a['success'] for a in res.values()):
            raise UserError('not every record was sent')
        """;

    assertThatThrownBy(() -> run(code, ids, journal))
        .hasMessageContaining("not every record was sent");
    journal.nextAttempt();
    sync.answers =
        call ->
            call.ids().stream()
                .map(id -> new OutboundSync.Answer(id, true, 200, "", null))
                .toList();
    PythonEngine.Result again = run(code, ids, journal);

    assertThat(sync.calls).extracting(FakeSync.Call::ids).containsExactly(ids, List.of(ids.get(1)));
    assertThat(action(again).get("ok")).isEqualTo(ids.stream().map(Long::intValue).toList());
  }

  @Test
  void fromAnEnvWithAContext_theCallIsTheSame_andOtherModelsHaveNoSuchMethod() {
    List<Long> ids = leads(1);

    PythonEngine.Result result =
        run(
            """
            sync = env(context={'lang': 'fr_FR'})['bj.api.sync.config']
            res = sync._make_outbound_http_request(records.with_context(active_test=False), 'c')
            try:
                records._make_outbound_http_request(records, 'c')
                other = 'sent'
            except AttributeError:
                other = 'no such method'
            action = {'ok': res[record.id]['success'], 'other': other}
            """,
            ids);

    assertThat(sync.calls).containsExactly(new FakeSync.Call("crm.lead", ids, "c", null));
    assertThat(action(result).get("ok")).isEqualTo(true);
    assertThat(action(result).get("other")).isEqualTo("no such method");
  }

  @Test
  void anEmptyRecordset_sendsNothing_andAnswersAnEmptyDict() {
    PythonEngine.Result result =
        run(
            """
            res = env['bj.api.sync.config']._make_outbound_http_request(
                record_ids=records.browse([]), config_id_ref='customers')
            action = {'n': len(res)}
            """,
            leads(1));

    assertThat(sync.calls).isEmpty();
    assertThat(action(result).get("n")).isEqualTo(0);
  }

  @Test
  void theLoadTimeCheck_acceptsBothForms_andStillRefusesOtherPrivateNames() {
    assertThat(
            PythonCheck.problem(
                "env['bj.api.sync.config']._make_outbound_http_request(record_ids=records,"
                    + " config_id_ref='customers')",
                false))
        .isEmpty();
    assertThat(
            PythonCheck.problem(
                "res = env['bj.api.sync.config']._make_outbound_http_request(records, 'customers',"
                    + " timeout=60)\nok = res[record.id]['success']",
                false))
        .isEmpty();
    assertThat(PythonCheck.problem("env['bj.api.sync.config']._other_method(records)", false))
        .contains("_other_method");
  }
}
