package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.TestServers;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.Webhooks;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook's uuid is a capability: not derivable from the rule, kept across restarts; and a caller
 * repeating a call with its idempotency key fires the rule once.
 */
class WebhookHostileTest {
  @TempDir Path dir;
  MemoryOdoo odoo;
  EventLog log;
  Webhooks webhooks;
  HttpServer server;
  WebhookReceiver receiver;
  final Rule rule = WebhookTest.hook("Lead hook", null, "3");

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    start(dir.resolve("a"));
  }

  void start(Path data) {
    log = EventLog.embedded(data);
    webhooks = Webhooks.open(log.connectionSource(), Clock.systemUTC());
    receiver =
        new WebhookReceiver(
            () -> List.of(rule),
            "memory",
            odoo,
            log,
            webhooks,
            () -> {},
            Clock.systemUTC(),
            1 << 16);
    server = TestServers.started(Map.of("/web/hook/", receiver.handler()));
  }

  @AfterEach
  void tearDown() {
    server.stop();
    webhooks.close();
    log.close();
  }

  void restart(Path data) {
    tearDown();
    start(data);
  }

  @Test
  void uuid_randomNotDerivedFromTheName_keptAcrossARestart() {
    String uuid = receiver.uuid(rule);
    String byName =
        UUID.nameUUIDFromBytes(
                ("odoo-sidecar webhook " + rule.name()).getBytes(StandardCharsets.UTF_8))
            .toString();
    assertThat(uuid).isNotEqualTo(byName);
    assertThat(UUID.fromString(uuid).version()).as("random (version 4)").isEqualTo(4);

    restart(dir.resolve("a"));
    assertThat(receiver.uuid(rule)).as("the same log after a restart").isEqualTo(uuid);

    restart(dir.resolve("b"));
    assertThat(receiver.uuid(rule))
        .as("the same rule with another log: nothing about the rule gives its uuid")
        .isNotEqualTo(uuid);
  }

  @Test
  void ruleFileWithAGuessableWebhookUuid_refusedNamingTheKey() throws Exception {
    Path file = dir.resolve("hooks.yaml");
    Files.writeString(
        file,
        "rules:\n  - name: Hook\n    model: crm.lead\n    trigger: on_webhook\n"
            + "    webhook_uuid: hook1\n    actions: []\n");
    assertThatThrownBy(() -> RuleFiles.loadFile(file))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining("hooks.yaml")
        .hasMessageContaining("webhook_uuid");
  }

  @Test
  void repeatedIdempotencyKey_oneEvent_andTheSameAnswer() throws Exception {
    long id = odoo.records("crm.lead").keySet().iterator().next();
    String body = "{\"_model\": \"crm.lead\", \"_id\": " + id + "}";
    HttpResponse<String> first = call(body, "order-42");
    HttpResponse<String> again = call(body, "order-42");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(log.counts()).containsEntry("pending", 1L);

    restart(dir.resolve("a"));
    assertThat(call(body, "order-42").body())
        .as("remembered across a restart")
        .isEqualTo(first.body());
    assertThat(log.counts()).containsEntry("pending", 1L);
  }

  @Test
  void malformedIdempotencyKey_refusedWith400() throws Exception {
    long id = odoo.records("crm.lead").keySet().iterator().next();
    HttpResponse<String> refused =
        call("{\"_model\": \"crm.lead\", \"_id\": " + id + "}", "k".repeat(256));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("Idempotency-Key");
    assertThat(log.counts()).isEmpty();
  }

  HttpResponse<String> call(String json, String idempotencyKey) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/web/hook/" + receiver.uuid(rule)))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
