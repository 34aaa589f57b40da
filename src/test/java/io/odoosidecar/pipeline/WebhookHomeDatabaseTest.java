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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A webhook rule of another database than the main one is served against its own database. */
class WebhookHomeDatabaseTest {
  @TempDir Path dir;
  MemoryOdoo main;
  MemoryOdoo other;
  EventLog log;
  Webhooks webhooks;
  HttpServer server;
  WebhookReceiver receiver;
  Map<String, MemoryOdoo> connected;
  final Rule rule =
      new Rule(
          "Other's hook",
          "crm.lead",
          true,
          Trigger.ON_WEBHOOK,
          List.of(),
          null,
          null,
          Map.of("database", "other"),
          List.of(Map.of("state", "object_write", "update_path", "priority", "value", "3")));

  @BeforeEach
  void setUp() {
    main = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    other = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    other.records("crm.lead").values().forEach(r -> r.put("priority", "0"));
    main.records("crm.lead").values().forEach(r -> r.put("priority", "0"));
    connected = new java.util.HashMap<>(Map.of("memory", main, "other", other));
    log = EventLog.embedded(dir);
    webhooks = Webhooks.open(log.connectionSource(), Clock.systemUTC());
    receiver =
        new WebhookReceiver(
            () -> List.of(rule),
            "memory",
            connected::get,
            log,
            webhooks,
            () -> {},
            Clock.systemUTC(),
            1 << 16,
            Duration.ofSeconds(5));
    server = TestServers.started(Map.of("/web/hook/", receiver.handler()));
  }

  @AfterEach
  void tearDown() {
    server.stop();
    webhooks.close();
    log.close();
  }

  HttpResponse<String> call(long id) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/web/hook/" + receiver.uuid(rule)))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"_model\": \"crm.lead\", \"_id\": " + id + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void call_ruleOfAnotherDatabase_isStoredAndRunAgainstThatDatabase() throws Exception {
    long id = other.records("crm.lead").keySet().iterator().next();

    assertThat(call(id).statusCode()).isEqualTo(200);
    List<EventLog.Event> events = log.claim(10, Clock.systemUTC().instant());
    assertThat(events).extracting(EventLog.Event::database).containsExactly("other");
    new Processor(
            log,
            connected::get,
            () -> List.of(rule),
            new Processor.Settings(5, new RetryPolicy(2, Duration.ZERO, Duration.ZERO)),
            Clock.systemUTC(),
            null)
        .process(events);

    assertThat(other.records("crm.lead").get(id).get("priority")).isEqualTo("3");
    assertThat(main.records("crm.lead").get(id).get("priority")).isEqualTo("0");
  }

  @Test
  void call_databaseNotConnected_503AndNothingStored() throws Exception {
    connected.remove("other");
    long id = other.records("crm.lead").keySet().iterator().next();

    HttpResponse<String> answer = call(id);

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(log.counts()).isEmpty();
  }
}
