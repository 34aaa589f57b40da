package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.TestServers;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on_webhook trigger: Odoo's /web/hook/<uuid> with its record_getter. */
class WebhookTest {
  @TempDir Path dir;
  MemoryOdoo odoo;
  EventLog log;
  Webhooks webhooks;
  HttpServer server;
  final List<Rule> rules = new ArrayList<>();
  WebhookReceiver receiver;

  static Rule hook(String name, String getter, String priority) {
    Map<String, Object> parameters = new java.util.LinkedHashMap<>();
    if (getter != null) {
      parameters.put("record_getter", getter);
    }
    return new Rule(
        name,
        "crm.lead",
        true,
        Trigger.ON_WEBHOOK,
        List.of(),
        null,
        null,
        parameters,
        List.of(Map.of("state", "object_write", "update_path", "priority", "value", priority)));
  }

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    odoo.records("crm.lead").values().forEach(r -> r.put("priority", "0"));
    log = EventLog.embedded(dir);
    webhooks = Webhooks.open(log.connectionSource(), Clock.systemUTC());
    rules.add(hook("Default getter", null, "3"));
    rules.add(hook("By name", "model.search([('name', '=', payload.get('ref'))], limit=1)", "2"));
    rules.add(hook("Broken getter", "model.browse(int(payload['missing']))", "1"));
    receiver =
        new WebhookReceiver(
            () -> rules, "memory", odoo, log, webhooks, () -> {}, Clock.systemUTC(), 1 << 16);
    server = TestServers.started(Map.of("/web/hook/", receiver.handler()));
  }

  @AfterEach
  void tearDown() {
    server.stop();
    webhooks.close();
    log.close();
  }

  HttpResponse<String> call(Rule rule, String method, String query, String json) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:" + server.port() + "/web/hook/" + receiver.uuid(rule) + query));
    if (method.equals("POST")) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json));
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  void process() {
    new Processor(
            log,
            db -> odoo,
            () -> rules,
            new Processor.Settings(5, new RetryPolicy(2, Duration.ZERO, Duration.ZERO)),
            Clock.systemUTC(),
            null)
        .process(log.claim(100, Clock.systemUTC().instant()));
  }

  String priority(long id) {
    return String.valueOf(odoo.records("crm.lead").get(id).get("priority"));
  }

  @Test
  void theDefaultGetterFindsTheRecordFromTheJsonBodyAndTheActionsRun() throws Exception {
    long id = odoo.records("crm.lead").keySet().iterator().next();
    HttpResponse<String> response =
        call(rules.get(0), "POST", "", "{\"_model\": \"crm.lead\", \"_id\": " + id + "}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"ok\"").contains("[" + id + "]");
    process();
    assertThat(priority(id)).isEqualTo("3");
  }

  @Test
  void aCustomGetterSearchesWithQueryParameters() throws Exception {
    Map.Entry<Long, Map<String, Object>> lead =
        odoo.records("crm.lead").entrySet().iterator().next();
    String name = String.valueOf(lead.getValue().get("name"));
    HttpResponse<String> response =
        call(rules.get(1), "GET", "?ref=" + java.net.URLEncoder.encode(name, "UTF-8"), null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    process();
    assertThat(priority(lead.getKey())).isEqualTo("2");
  }

  @Test
  void badCallsAreRefusedWithAReasonAndStoreNothing() throws Exception {
    HttpResponse<String> unknown =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/web/hook/nope"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    HttpResponse<String> broken = call(rules.get(2), "POST", "", "{\"x\": 1}");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("record_getter failed").contains("KeyError");
    HttpResponse<String> none =
        call(rules.get(0), "POST", "", "{\"_model\": \"crm.lead\", \"_id\": 999999}");
    assertThat(none.statusCode()).isEqualTo(422);
    assertThat(none.body()).contains("No record to run the automation on was found.");
    HttpResponse<String> notJson = call(rules.get(0), "POST", "", "{not json");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("not JSON");
    assertThat(log.counts()).isEmpty();
  }

  @Test
  void uuidGivenByTheRule_isTheOneServed() {
    Rule hook = rules.get(0);
    Map<String, Object> parameters = new java.util.LinkedHashMap<>(hook.parameters());
    String odoos = UUID.randomUUID().toString();
    parameters.put("webhook_uuid", odoos);
    Rule imported =
        new Rule(
            hook.name(),
            hook.model(),
            true,
            Trigger.ON_WEBHOOK,
            List.of(),
            null,
            null,
            parameters,
            hook.actions());
    assertThat(receiver.uuid(imported)).isEqualTo(odoos);
  }

  @Test
  void differentIdempotencyKeys_twoEvents() throws Exception {
    long id = odoo.records("crm.lead").keySet().iterator().next();
    String body = "{\"_model\": \"crm.lead\", \"_id\": " + id + "}";
    assertThat(keyed(body, "order-42").statusCode()).isEqualTo(200);
    assertThat(keyed(body, "order-43").statusCode()).isEqualTo(200);
    assertThat(log.counts()).containsEntry("pending", 2L);
  }

  HttpResponse<String> keyed(String json, String idempotencyKey) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + server.port()
                            + "/web/hook/"
                            + receiver.uuid(rules.get(0))))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
