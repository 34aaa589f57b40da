package io.odoosidecar.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.odoosidecar.action.ActionContext;
import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.action.ActionTarget;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.script.PythonEngine;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.IdempotencyKeys;
import io.odoosidecar.sync.SyncConfigLookup;
import io.odoosidecar.sync.SyncEngine;
import io.odoosidecar.sync.SyncOutbound;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The {@code api_sync} action through the Processor, against an API stood in by WireMock. */
class ApiSyncPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = "customers";

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  final Clock clock = Clock.systemUTC();
  final AtomicLong outbox = new AtomicLong();
  MemoryOdoo odoo;
  EventLog log;
  RuleFiles.Contents contents;
  SyncEngine engine;

  @BeforeEach
  void setUp() {
    odoo =
        MemoryOdoo.empty()
            .defineAttributes(
                "res.partner",
                Map.of(
                    "name", Map.of("type", "char"),
                    "ref", Map.of("type", "char"),
                    "email", Map.of("type", "char"),
                    "sync_state", Map.of("type", "char"),
                    "parent_id", Map.of("type", "many2one", "relation", "res.partner")));
    for (long id = 1; id <= 4; id++) {
      odoo.put(
          "res.partner", id, Map.of("name", "Partner " + id, "ref", "C-" + id, "email", id + "@x"));
    }
    log = EventLog.embedded(dir.resolve("store"));
    engine = engine();
  }

  @AfterEach
  void tearDown() {
    engine.close();
    log.close();
  }

  private SyncEngine engine() {
    RetryingSender sender = new RetryingSender(clock, wait -> {}, new Random(3));
    return new SyncEngine(odoo, sender, null, null, clock);
  }

  /** The config: POST to create, PUT and DELETE by the identifier, three mapped fields. */
  private String config(String extra) {
    String base = api.baseUrl();
    return "sync:\n"
        + "  - name: "
        + CONFIG
        + "\n"
        + "    model: res.partner\n"
        + "    url:\n"
        + "      create: "
        + base
        + "/customers\n"
        + "      write: "
        + base
        + "/customers/{identifier}\n"
        + "      unlink: "
        + base
        + "/customers/{identifier}\n"
        + "    retry: {attempts: 2, initial: 1s, max: 1s}\n"
        + "    mapping:\n"
        + "      - {field: ref, key: id, identifier: true}\n"
        + "      - {field: name, key: name}\n"
        + "      - {field: email, key: email}\n"
        + extra;
  }

  private void rules(String yaml) throws IOException {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("sync.yaml"), yaml);
    contents = RuleFiles.loadAll(rules);
  }

  private Processor processor(int attempts) {
    return new Processor(
            log,
            db -> db.equals("memory") ? odoo : null,
            () -> contents.rules(),
            new Processor.Settings(5, new RetryPolicy(attempts, Duration.ZERO, Duration.ZERO)),
            clock,
            null)
        .withSync(engine)
        .withSyncConfigs(SyncConfigLookup.of(contents.syncConfigs()));
  }

  private long change(String operation, long id, List<String> fields, Map<String, Object> snap) {
    return change(operation, id, fields, Map.of(), snap);
  }

  private long change(
      String operation,
      long id,
      List<String> fields,
      Map<String, Object> values,
      Map<String, Object> snap) {
    return change(operation, id, fields, Map.of(), values, snap);
  }

  private long change(
      String operation,
      long id,
      List<String> fields,
      Map<String, Object> old,
      Map<String, Object> values,
      Map<String, Object> snap) {
    ChangePayload payload =
        new ChangePayload(
            operation,
            fields,
            old,
            values,
            2,
            null,
            "push",
            outbox.incrementAndGet(),
            List.of(),
            0,
            Map.of(),
            null,
            snap);
    return log.append(
            List.of(
                new EventLog.NewEvent(
                    "memory",
                    "outbox:" + outbox.get(),
                    "res.partner",
                    id,
                    operation,
                    payload.toJson())),
            clock.instant())
        .get(0);
  }

  private long created(long id) {
    return change("create", id, List.of("name", "ref", "email"), Map.of());
  }

  private long deleted(long id, Map<String, Object> snapshot) {
    odoo.records("res.partner").remove(id);
    return change("unlink", id, List.of(), snapshot);
  }

  /** Processes until nothing is due (one record's events one batch after the other). */
  private void drain(Processor processor) {
    for (List<EventLog.Event> batch = log.claim(100, clock.instant());
        !batch.isEmpty();
        batch = log.claim(100, clock.instant())) {
      processor.process(batch);
    }
  }

  private static List<LoggedRequest> sent() {
    List<LoggedRequest> all = new ArrayList<>(api.findAll(anyRequestedFor(anyUrl())));
    all.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
    return all;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(LoggedRequest request) throws IOException {
    return JSON.readValue(request.getBodyAsString(), Map.class);
  }

  private static String key(LoggedRequest request) {
    return request.getHeader("Idempotency-Key");
  }

  private List<Map<String, Object>> deadLetterList() throws Exception {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows =
        (List<Map<String, Object>>)
            new io.odoosidecar.server.models.DeadLetterModel(log, () -> {}, clock)
                .call("search_read", List.of(), Map.of());
    return rows;
  }

  @Test
  void apiSync_aRuleFires_theRecordReachesTheApiMappedWithItsEventsKey() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withBody("{}")));
    rules(
        config("")
            + "rules:\n"
            + "  - name: Push customers\n"
            + "    model: res.partner\n"
            + "    trigger: on_create\n"
            + "    actions:\n"
            + "      - {state: api_sync, sync_config: customers}\n");
    long event = created(2);

    drain(processor(3));

    assertThat(sent()).hasSize(1);
    LoggedRequest request = sent().get(0);
    assertThat(request.getMethod().getName()).isEqualTo("POST");
    assertThat(request.getUrl()).isEqualTo("/customers");
    assertThat(body(request))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("id", "C-2", "name", "Partner 2", "email", "2@x"));
    assertThat(key(request)).isEqualTo(IdempotencyKeys.of(event, CONFIG, 2));
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void onCreateWriteUnlink_oneRecordsChangesArriveInOrder_otherRecordsInParallel()
      throws Exception {
    api.stubFor(
        any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}").withFixedDelay(500)));
    rules(config("    on: [create, write, unlink]\n"));
    created(1);
    created(2);
    created(3);
    created(4);
    long write = change("write", 1, List.of("email"), Map.of());
    long unlink =
        change("unlink", 1, List.of(), Map.of("ref", "C-1", "name", "P1", "email", "n@x"));
    Processor processor = processor(3);
    List<Integer> batches = new ArrayList<>();
    for (List<EventLog.Event> batch = log.claim(100, clock.instant());
        !batch.isEmpty();
        batch = log.claim(100, clock.instant())) {
      batches.add(batch.size()); // a record's later events wait for its earlier one
      if (batch.get(0).id() == unlink) {
        odoo.records("res.partner").remove(1L); // as Odoo has it when the deletion is processed
      } else if (batch.get(0).id() == write) {
        odoo.records("res.partner").get(1L).put("email", "new@x");
      }
      processor.process(batch);
    }

    List<LoggedRequest> all = sent();
    assertThat(all).hasSize(6);
    List<String> first =
        all.stream()
            .filter(r -> r.getUrl().equals("/customers/C-1") || r.getBodyAsString().contains("C-1"))
            .map(r -> r.getMethod().getName() + " " + r.getUrl())
            .toList();
    assertThat(first)
        .containsExactly("POST /customers", "PUT /customers/C-1", "DELETE /customers/C-1");
    List<LoggedRequest> creates =
        all.stream().filter(r -> r.getMethod().getName().equals("POST")).toList();
    assertThat(creates).hasSize(4);
    long spread =
        creates.get(3).getLoggedDate().getTime() - creates.get(0).getLoggedDate().getTime();
    // sent one after the other they would be at least 3 delays apart
    assertThat(spread).isLessThan(500);
    LoggedRequest put =
        all.stream().filter(r -> r.getMethod().getName().equals("PUT")).findFirst().orElseThrow();
    assertThat(body(put)).containsEntry("email", "new@x");
    assertThat(batches).containsExactly(4, 1, 1);
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void apiSync_a503ThenA200_isRetriedWithTheSameKey() throws Exception {
    api.stubFor(
        post(urlEqualTo("/customers"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    api.stubFor(
        post(urlEqualTo("/customers"))
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200).withBody("{}")));
    rules(config("    on: [create]\n"));
    long event = created(1);

    drain(processor(3));

    assertThat(sent()).hasSize(2);
    assertThat(sent())
        .extracting(ApiSyncPipelineTest::key)
        .containsOnly(IdempotencyKeys.of(event, CONFIG, 1));
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void apiSync_exhaustedRetries_retriedByThePipelineAcrossARestart_thenReplayed_oneKey()
      throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(503)));
    rules(config("    on: [create]\n"));
    long event = created(1);

    processor(2).process(log.claim(10, clock.instant()));

    // the sync's two tries used: the event waits for the pipeline's next attempt
    assertThat(sent()).hasSize(2);
    assertThat(log.deadLetters()).isEmpty();
    List<EventLog.Event> again = log.claim(10, clock.instant());
    assertThat(again).singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(event));
    assertThat(again.get(0).attempts()).isEqualTo(1);
    assertThat(again.get(0).lastError()).contains("every attempt failed").contains("HTTP 503");

    // a restart: the event log reopened on the same directory, a new engine and processor
    log.close();
    engine.close();
    log = EventLog.embedded(dir.resolve("store"));
    engine = engine();
    drain(processor(2));

    assertThat(sent()).hasSize(4);
    assertThat(deadLetterList())
        .singleElement()
        .satisfies(
            row ->
                assertThat(String.valueOf(row.get("last_error")))
                    .contains("sync 'customers' create")
                    .contains("HTTP 503"));

    assertThat(sent())
        .extracting(ApiSyncPipelineTest::key)
        .containsOnly(IdempotencyKeys.of(event, CONFIG, 1));

    // the dead letter replayed once the API is back
    api.resetAll();
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    assertThat(log.replay(event, clock.instant())).isTrue();
    drain(processor(2));

    assertThat(sent()).hasSize(1);
    assertThat(key(sent().get(0))).isEqualTo(IdempotencyKeys.of(event, CONFIG, 1));
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void apiSync_aFinal422_isParkedAtOnceWithTheAnswer_theOtherRecordsDone() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    api.stubFor(
        post(urlEqualTo("/customers"))
            .withRequestBody(matchingJsonPath("$.id", equalTo("C-2")))
            .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"email is invalid\"}")));
    rules(config("    on: [create]\n"));
    created(1);
    long refused = created(2);

    drain(processor(5));

    assertThat(sent()).hasSize(2); // one request each: a final answer is not tried again
    assertThat(log.deadLetters())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.id()).isEqualTo(refused);
              assertThat(e.attempts()).isEqualTo(1);
            });
    assertThat(deadLetterList())
        .singleElement()
        .satisfies(
            row ->
                assertThat(String.valueOf(row.get("last_error")))
                    .contains("rule 'sync 'customers' on_create'")
                    .contains("rejected with HTTP 422")
                    .contains("email is invalid"));
    assertThat(log.counts()).containsEntry("done", 1L);
  }

  @Test
  void onUnlink_apiSyncSendsItsDeleteFromTheSnapshot_withoutReadingTheDeletedRecord()
      throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
    rules(config("    on: [unlink]\n"));
    deleted(3, Map.of("ref", "C-9", "name", "Gone partner", "email", "gone@x"));
    odoo.resetCalls();

    drain(processor(3));

    LoggedRequest delete = sent().get(0);
    assertThat(sent()).hasSize(1);
    assertThat(delete.getMethod().getName()).isEqualTo("DELETE");
    assertThat(delete.getUrl()).isEqualTo("/customers/C-9");
    assertThat(body(delete)).containsEntry("id", "C-9").containsEntry("name", "Gone partner");
    assertThat(odoo.calls("read")).isZero();
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void onUnlink_webhookPostsTheSnapshotsFields() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    rules(
        "rules:\n"
            + "  - name: Gone\n"
            + "    model: res.partner\n"
            + "    trigger: on_unlink\n"
            + "    actions:\n"
            + "      - state: webhook\n"
            + "        webhook_url: "
            + api.baseUrl()
            + "/hook\n"
            + "        webhook_field_ids: [name, email]\n");
    deleted(2, Map.of("name", "Gone partner", "email", "gone@x", "ref", "C-2"));

    drain(processor(3));

    assertThat(sent()).hasSize(1);
    assertThat(body(sent().get(0)))
        .containsEntry("name", "Gone partner")
        .containsEntry("email", "gone@x")
        .containsEntry("_id", 2)
        .doesNotContainKey("ref");
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void onUnlink_anObjectWriteOnTheDeletedRecord_isSkippedWithALogLine_theNextActionRuns()
      throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    rules(
        "rules:\n"
            + "  - name: Gone\n"
            + "    model: res.partner\n"
            + "    trigger: on_unlink\n"
            + "    actions:\n"
            + "      - {state: object_write, update_path: name, value: archived}\n"
            + "      - state: webhook\n"
            + "        webhook_url: "
            + api.baseUrl()
            + "/hook\n"
            + "        webhook_field_ids: [name]\n");
    deleted(4, Map.of("name", "Gone partner"));
    Logger logger = (Logger) LoggerFactory.getLogger(ActionContext.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    ch.qos.logback.classic.Level level = logger.getLevel();
    logger.setLevel(ch.qos.logback.classic.Level.INFO); // whatever other tests left
    try {
      drain(processor(3));
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }

    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(
            line ->
                assertThat(line)
                    .contains("rule 'Gone', action 0")
                    .contains("object_write")
                    .contains("res.partner [4]")
                    .contains("skipped"));
    assertThat(odoo.calls("write")).isZero();
    assertThat(body(sent().get(0))).containsEntry("name", "Gone partner");
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void apiSync_theOperationIsTheEvents_createUnlinkOrElseWrite() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    rules(config(""));
    Rule rule =
        new Rule(
            "R",
            "res.partner",
            true,
            io.odoosidecar.rule.Trigger.ON_TIME,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(Map.of("state", "api_sync", "sync_config", CONFIG)));
    ActionContext context =
        ActionContext.builder(odoo, new ExternalIds(odoo))
            .registry(ActionRegistry.standard())
            .service(SyncEngine.class, engine)
            .service(SyncConfigLookup.class, SyncConfigLookup.of(contents.syncConfigs()))
            .build();

    String result =
        context.run(
            new ActionTarget(
                rule,
                "0",
                rule.actions().get(0),
                "res.partner",
                List.of(1L, 2L, 3L, 4L),
                Map.of(1L, 11L, 2L, 12L, 3L, 13L),
                Map.of(1L, "timed", 2L, "create", 3L, "message")));

    assertThat(result).isEqualTo("synced 4 res.partner with 'customers'");
    assertThat(sent())
        .extracting(r -> r.getMethod().getName() + " " + r.getUrl())
        .containsExactlyInAnyOrder(
            "PUT /customers/C-1", "POST /customers", "PUT /customers/C-3", "PUT /customers/C-4");
    assertThat(sent())
        .filteredOn(r -> r.getUrl().equals("/customers/C-1"))
        .extracting(ApiSyncPipelineTest::key)
        .containsExactly(IdempotencyKeys.of(11, CONFIG, 1));
  }

  @Test
  void apiSync_aPushedWriteCarryingTheMappedFields_isSentWithoutReadingOdoo() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    rules(config("    on: [write]\n"));
    change(
        "write",
        1,
        List.of("email"),
        Map.of("name", "Partner 1", "ref", "C-1", "email", "pushed@x"),
        Map.of());
    odoo.resetCalls();

    drain(processor(3));

    assertThat(sent()).hasSize(1);
    assertThat(body(sent().get(0))).containsEntry("email", "pushed@x");
    assertThat(odoo.calls("read")).isZero();
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void apiSync_theWriteBackGoesThroughTheFiringsClient_markedAsTheSidecars() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withBody("{}")));
    rules(config("    status: {state: sync_state}\n    on: [create]\n"));
    created(2);

    drain(processor(3));

    assertThat(odoo.records("res.partner").get(2L)).containsEntry("sync_state", "synced");
    assertThat(odoo.writeContexts())
        .isNotEmpty()
        .allSatisfy(context -> assertThat(context).containsKey(Processor.CONTEXT_KEY));
  }

  @Test
  void onUnlink_anObjectWriteThroughARelation_reachesTheRelatedRecordByTheSnapshot()
      throws Exception {
    rules(
        "rules:\n"
            + "  - name: Gone\n"
            + "    model: res.partner\n"
            + "    trigger: on_unlink\n"
            + "    actions:\n"
            + "      - {state: object_write, update_path: parent_id.email, value: lost@x}\n");
    deleted(4, Map.of("name", "Gone partner", "parent_id", 2));

    drain(processor(3));

    assertThat(odoo.records("res.partner").get(2L)).containsEntry("email", "lost@x");
    assertThat(odoo.records("res.partner").get(1L)).containsEntry("email", "1@x");
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void codeAction_bjetsOutboundCall_syncsThroughTheFiring_markedAndKeyedByItsEvent()
      throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withBody("{\"id\": 7}")));
    rules(
        config("    status: {state: sync_state}\n")
            + "rules:\n"
            + "  - name: Push by code\n"
            + "    model: res.partner\n"
            + "    trigger: on_create\n"
            + "    actions:\n"
            + "      - state: code\n"
            + "        code: |\n"
            + "          res = env['bj.api.sync.config']._make_outbound_http_request(\n"
            + "              record_ids=records, config_id_ref='customers')\n"
            + "          if not res[record.id]['success']:\n"
            + "              raise UserError('not synced')\n");
    long event = created(2);
    try (PythonEngine python = new PythonEngine(1, 100_000, Duration.ofSeconds(20))) {
      SyncOutbound outbound = new SyncOutbound(contents::syncConfigs, engine, odoo);

      drain(processor(3).withPython(python).withOutboundSync(outbound));
    }

    assertThat(sent()).hasSize(1);
    assertThat(sent().get(0).getMethod().getName()).isEqualTo("PUT");
    assertThat(key(sent().get(0))).isEqualTo(IdempotencyKeys.of(event, CONFIG, 2));
    assertThat(odoo.records("res.partner").get(2L)).containsEntry("sync_state", "synced");
    assertThat(odoo.writeContexts())
        .isNotEmpty()
        .allSatisfy(context -> assertThat(context).containsKey(Processor.CONTEXT_KEY));
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  private long deletedWithOld(long id, Map<String, Object> old) {
    odoo.records("res.partner").remove(id);
    return change("unlink", id, List.of(), old, Map.of(), old);
  }

  @Test
  void onUnlink_configsFilterDomain_aRecordNeverCoveredSendsNoDelete() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
    rules(config("    filter_domain: \"[('email', '=', 'in@x')]\"\n    on: [unlink]\n"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> models =
        (Map<String, Map<String, Object>>) WatchList.of(contents.rules()).get("models");
    assertThat(String.valueOf(models.get("res.partner").get("old_fields"))).contains("email");

    deletedWithOld(2, Map.of("ref", "C-2", "name", "Out", "email", "out@x"));
    deletedWithOld(3, Map.of("ref", "C-3", "name", "In", "email", "in@x"));
    drain(processor(3));

    assertThat(sent())
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl()).isEqualTo("/customers/C-3"));
    assertThat(sent().get(0).getMethod().getName()).isEqualTo("DELETE");
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void onUnlink_deleteAnswered404or410_isDoneNotADeadLetter() throws Exception {
    api.stubFor(
        any(urlEqualTo("/customers/C-2")).willReturn(aResponse().withStatus(404).withBody("no")));
    api.stubFor(any(urlEqualTo("/customers/C-3")).willReturn(aResponse().withStatus(410)));
    rules(config("    on: [unlink]\n"));

    deletedWithOld(2, Map.of("ref", "C-2", "name", "Two", "email", "2@x"));
    deletedWithOld(3, Map.of("ref", "C-3", "name", "Three", "email", "3@x"));
    drain(processor(3));

    assertThat(sent()).hasSize(2);
    assertThat(log.counts()).containsOnlyKeys("done");
    assertThat(deadLetterList()).isEmpty();
  }

  @Test
  void onUnlink_nonStoredSnapshotFieldsSent_aMappedFieldMissingFailsNamingIt() throws Exception {
    odoo.defineAttributes(
        "res.partner",
        Map.of(
            "name", Map.of("type", "char"),
            "ref", Map.of("type", "char"),
            "email", Map.of("type", "char"),
            "display_name", Map.of("type", "char", "store", false)));
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    rules(config("      - {field: display_name, key: label}\n    on: [unlink]\n"));

    deletedWithOld(
        2, Map.of("ref", "C-2", "name", "Two", "email", "2@x", "display_name", "Mr Two"));
    long lacking = deletedWithOld(3, Map.of("ref", "C-3", "name", "Three", "display_name", "3"));
    drain(processor(1));

    assertThat(sent())
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl()).isEqualTo("/customers/C-2"));
    assertThat(body(sent().get(0))).containsEntry("label", "Mr Two").containsEntry("email", "2@x");
    assertThat(deadLetterList())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("id")).isEqualTo(lacking);
              assertThat(String.valueOf(row.get("last_error"))).contains("'email'");
            });
  }

  @Test
  void apiSync_odooUnreachableWhileReading_eventPostponedWithoutSpendingAnAttempt()
      throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    rules(config("    on: [write]\n"));
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE && method.equals("read")) {
            throw new io.odoosidecar.odoo.OdooTransportException(
                "connection refused", false, 0, true, null);
          }
        });
    change("write", 2, List.of("email"), Map.of());

    processor(1).process(log.claim(100, clock.instant()));

    assertThat(sent()).isEmpty();
    assertThat(deadLetterList()).isEmpty();
    assertThat(log.counts()).doesNotContainKey("done").doesNotContainKey("dead");
  }
}
