package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.odoo.OdooAuthenticationException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.TestServers;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PushNonces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The push endpoint, called by Odoo RPC clients (the sidecar's own) and by hand. */
class PushEndpointTest {
  static final String SECRET = "s3cret-push-key";

  @TempDir Path dir;
  EventLog log;
  PushNonces nonces;
  HttpServer server;
  final AtomicInteger wakes = new AtomicInteger();

  final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();

  void start(PushReceiver.Auth auth, int maxBody) {
    log = EventLog.embedded(dir);
    nonces = PushNonces.open(log.connectionSource());
    PushReceiver receiver =
        new PushReceiver(
            new PushReceiver.Settings(Secret.of(SECRET), auth, Duration.ofMinutes(5), 100),
            log,
            nonces,
            java.util.Set.of("odoo"),
            wakes::incrementAndGet,
            Clock.systemUTC(),
            () -> Map.of("models", Map.of()));
    receiver.withListener(
        new PipelineListener() {
          @Override
          public void received(
              String source,
              String database,
              String model,
              String operation,
              int count,
              java.time.Instant changedAt,
              java.time.Instant storedAt) {
            received.add(
                String.join(
                    "/",
                    source,
                    database,
                    model,
                    operation,
                    Integer.toString(count),
                    String.valueOf(changedAt)));
          }
        });
    RpcEndpoint endpoint = new RpcEndpoint(receiver, maxBody);
    server = TestServers.started(TestServers.rpcRoutes(endpoint));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
    if (log != null) {
      nonces.close();
      log.close();
    }
  }

  OdooClient client(TransportKind transport, String secret) {
    return OdooClients.create(
        OdooSettings.of(
                "sidecar",
                URI.create("http://127.0.0.1:" + server.port()),
                "odoo",
                "addon",
                Secret.of(secret),
                null)
            .withTransport(transport)
            .withRetry(RetryPolicy.NONE));
  }

  static Map<String, Object> batch(String nonce, double sentAt, List<Map<String, Object>> events) {
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("nonce", nonce);
    batch.put("sent_at", sentAt);
    batch.put("events", events);
    return batch;
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  static Map<String, Object> write(long outbox, List<Long> ids) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", outbox);
    event.put("model", "crm.lead");
    event.put("op", "write");
    event.put("ids", ids);
    event.put("fields", List.of("expected_revenue"));
    Map<String, Object> old = new LinkedHashMap<>();
    for (Long id : ids) {
      old.put(id.toString(), Map.of("expected_revenue", 5000.0));
    }
    event.put("old", old);
    event.put("uid", 2);
    event.put("at", "2026-11-23 10:00:00");
    event.put("context", Map.of("chain", List.of("VIP"), "depth", 1));
    return event;
  }

  /** A deletion of partners as the addon pushes it: old values and the snapshot of each. */
  static Map<String, Object> deletion(long outbox, List<Long> ids) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", outbox);
    event.put("model", "res.partner");
    event.put("op", "unlink");
    event.put("ids", ids);
    event.put("fields", List.of());
    Map<String, Object> old = new LinkedHashMap<>();
    Map<String, Object> snapshot = new LinkedHashMap<>();
    for (Long id : ids) {
      old.put(id.toString(), Map.of("name", "Partner " + id));
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("name", "Partner " + id);
      values.put("email", "p" + id + "@example.com");
      values.put("parent_id", 3);
      values.put("category_id", List.of(4, 5));
      values.put("create_date", "2026-11-23 09:00:00");
      values.put("phone", false);
      snapshot.put(id.toString(), values);
    }
    event.put("old", old);
    event.put("snapshot", snapshot);
    event.put("uid", 2);
    event.put("at", "2026-11-23 10:00:00");
    return event;
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"XMLRPC", "JSONRPC"})
  void push_ofADeletion_keepsEachRecordsSnapshotWithItsEvent(TransportKind transport) {
    start(PushReceiver.Auth.SECRET, 1 << 20);

    Map<String, Object> answer =
        push(
            client(transport, SECRET),
            batch(UUID.randomUUID().toString(), now(), List.of(deletion(9, List.of(21L, 22L)))));

    assertThat(answer).containsEntry("accepted", 2L);
    List<EventLog.Event> events = log.claim(10, Clock.systemUTC().instant());
    assertThat(events).extracting(EventLog.Event::operation).containsOnly("unlink");
    ChangePayload second = ChangePayload.parse(events.get(1).payload());
    assertThat(second.old()).isEqualTo(Map.of("name", "Partner 22"));
    assertThat(second.snapshot())
        .containsEntry("name", "Partner 22")
        .containsEntry("email", "p22@example.com")
        .containsEntry("create_date", "2026-11-23 09:00:00")
        .containsEntry("phone", false)
        .hasSize(6);
    // numbers as the transport decoded them (a long, or an int once read back as JSON)
    assertThat(io.odoosidecar.odoo.ValueCodec.asLong(second.snapshot().get("parent_id")))
        .isEqualTo(3L);
    assertThat(io.odoosidecar.odoo.ValueCodec.asIds(second.snapshot().get("category_id")))
        .containsExactly(4L, 5L);
    assertThat(ChangePayload.parse(events.get(0).payload()).snapshot())
        .containsEntry("email", "p21@example.com");
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> push(OdooClient client, Map<String, Object> batch) {
    return (Map<String, Object>)
        client.executeKw("sidecar.event", "push", List.of(batch), Map.of());
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"XMLRPC", "JSONRPC"})
  void anOdooClientPushesAndEveryRecordIsStoredOnceWithItsOldValues(TransportKind transport) {
    start(PushReceiver.Auth.SECRET, 1 << 20);
    OdooClient client = client(transport, SECRET);
    assertThat(client.authenticate()).isEqualTo(1);

    Map<String, Object> answer =
        push(
            client,
            batch(
                UUID.randomUUID().toString(),
                now(),
                List.of(write(7, List.of(11L, 12L)), write(8, List.of(13L)))));

    assertThat(answer)
        .containsEntry("accepted", 3L)
        .containsEntry("duplicates", 0L)
        .containsEntry("last_outbox_id", 8L);
    assertThat(wakes).hasValue(1);
    List<EventLog.Event> events = log.claim(10, Clock.systemUTC().instant());
    assertThat(events).extracting(EventLog.Event::recordId).containsExactly(11L, 12L, 13L);
    ChangePayload payload = ChangePayload.parse(events.get(1).payload());
    assertThat(payload.old()).containsEntry("expected_revenue", 5000.0);
    assertThat(payload.chain()).containsExactly("VIP");
    assertThat(payload.depth()).isEqualTo(1);
    assertThat(payload.outboxId()).isEqualTo(7);

    // the addon retries after a lost answer: a new nonce, the same outbox rows
    Map<String, Object> again =
        push(
            client,
            batch(
                UUID.randomUUID().toString(),
                now(),
                List.of(write(7, List.of(11L, 12L)), write(8, List.of(13L)))));
    assertThat(again).containsEntry("accepted", 0L).containsEntry("duplicates", 3L);
  }

  @Test
  void aReplayedOrStalePushIsRefusedAndStoresNothing() throws Exception {
    start(PushReceiver.Auth.SECRET, 1 << 20);
    OdooClient client = client(TransportKind.XMLRPC, SECRET);
    String nonce = UUID.randomUUID().toString();
    push(client, batch(nonce, now(), List.of(write(1, List.of(1L)))));

    assertThatThrownBy(() -> push(client, batch(nonce, now(), List.of(write(2, List.of(2L))))))
        .isInstanceOf(OdooException.class)
        .hasMessageContaining("HTTP 409")
        .hasMessageContaining("replayed pu");
    assertThatThrownBy(
            () ->
                push(
                    client,
                    batch(
                        UUID.randomUUID().toString(),
                        now() - 3600,
                        List.of(write(3, List.of(3L))))))
        .isInstanceOf(OdooException.class)
        .hasMessageContaining("HTTP 409");
    HttpResponse<String> stale =
        post(
            "/jsonrpc",
            "{\"jsonrpc\":\"2.0\",\"params\":{\"service\":\"object\",\"method\":\"execute_kw\","
                + "\"args\":[\"odoo\",1,\""
                + SECRET
                + "\",\"sidecar.event\",\"push\",[{\"nonce\":\""
                + UUID.randomUUID()
                + "\",\"sent_at\":1000.0,\"events\":[]}]]}}",
            Map.of());
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.body()).contains("batch.sent_at").contains("outside the window of 300 s");
    assertThat(log.counts()).containsOnly(Map.entry("pending", 1L));
  }

  @Test
  void aWrongSecretIsRefused() throws Exception {
    start(PushReceiver.Auth.SECRET, 1 << 20);
    OdooClient client = client(TransportKind.XMLRPC, "not-the-secret");
    assertThatThrownBy(client::authenticate).isInstanceOf(OdooAuthenticationException.class);
    assertThatThrownBy(
            () ->
                push(
                    client,
                    batch(UUID.randomUUID().toString(), now(), List.of(write(1, List.of(1L))))))
        .isInstanceOf(OdooAuthenticationException.class)
        .hasMessageContaining("AccessDenied");
    HttpResponse<String> raw =
        post(
            "/jsonrpc",
            "{\"jsonrpc\":\"2.0\",\"params\":{\"service\":\"object\",\"method\":\"execute_kw\","
                + "\"args\":[\"odoo\",1,\"wrong\",\"sidecar.event\",\"push\",[{}]]}}",
            Map.of());
    assertThat(raw.statusCode()).isEqualTo(401);
    assertThat(raw.body()).contains("odoo.exceptions.AccessDenied");
    assertThat(log.counts()).isEmpty();
  }

  @Test
  void aMalformedEventIsNamedAndTheWholeBatchIsRefused() {
    start(PushReceiver.Auth.SECRET, 1 << 20);
    OdooClient client = client(TransportKind.JSONRPC, SECRET);
    Map<String, Object> broken = write(2, List.of(5L));
    broken.put("ids", List.of());
    assertThatThrownBy(
            () ->
                push(
                    client,
                    batch(
                        UUID.randomUUID().toString(),
                        now(),
                        List.of(write(1, List.of(1L)), broken))))
        .isInstanceOf(OdooException.class)
        .hasMessageContaining("events[1].ids: must be a non-empty list of record ids");
    Map<String, Object> badOp = write(3, List.of(5L));
    badOp.put("op", "drop");
    assertThatThrownBy(
            () -> push(client, batch(UUID.randomUUID().toString(), now(), List.of(badOp))))
        .hasMessageContaining("events[0].op");
    assertThat(log.counts()).isEmpty();
  }

  @Test
  void anOversizedBodyIsRefusedWith413() throws Exception {
    start(PushReceiver.Auth.SECRET, 4096);
    String body = "{\"jsonrpc\":\"2.0\",\"params\":{\"pad\":\"" + "x".repeat(10_000) + "\"}}";
    HttpResponse<String> response = post("/jsonrpc", body, Map.of());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("larger than the limit of 4096 bytes");
    HttpResponse<String> garbage = post("/xmlrpc/2/object", "<methodCall><oops>", Map.of());
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).contains("malformed XML-RPC call");
    assertThat(log.counts()).isEmpty();
  }

  @Test
  void hmacModeAcceptsASignedBodyOnlyAndNeverNeedsTheSecretOnTheWire() throws Exception {
    start(PushReceiver.Auth.HMAC, 1 << 20);
    String body =
        "{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"id\":1,\"params\":{\"service\":\"object\","
            + "\"method\":\"execute_kw\",\"args\":[\"odoo\",1,\"-\",\"sidecar.event\",\"push\",[{"
            + "\"nonce\":\""
            + UUID.randomUUID()
            + "\",\"sent_at\":"
            + now()
            + ",\"events\":[{"
            + "\"id\":1,\"model\":\"res.partner\",\"op\":\"create\",\"ids\":[9]}]}]]}}";
    String stamp = String.valueOf(now());
    String signature =
        "sha256="
            + HexFormat.of()
                .formatHex(
                    PushReceiver.hmac(
                        SECRET.getBytes(StandardCharsets.UTF_8),
                        stamp,
                        body.getBytes(StandardCharsets.UTF_8)));

    HttpResponse<String> signed =
        post(
            "/jsonrpc",
            body,
            Map.of("X-Sidecar-Timestamp", stamp, "X-Sidecar-Signature", signature));
    HttpResponse<String> tampered =
        post(
            "/jsonrpc",
            body.replace("[9]", "[10]"),
            Map.of("X-Sidecar-Timestamp", stamp, "X-Sidecar-Signature", signature));
    HttpResponse<String> unsigned = post("/jsonrpc", body, Map.of());

    assertThat(signed.statusCode()).isEqualTo(200);
    assertThat(signed.body()).contains("\"accepted\":1");
    assertThat(tampered.statusCode()).isEqualTo(401);
    assertThat(tampered.body()).contains("bad signature");
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(log.counts()).containsOnly(Map.entry("pending", 1L));
  }

  @Test
  void call_thatIsNotAPushAtAll_isA4xxNeverA500() throws Exception {
    start(PushReceiver.Auth.SECRET, 1 << 20);
    String[] bodies = {
      "null",
      "[]",
      "\"text\"",
      "{\"params\":5}",
      "{\"params\":{\"service\":\"object\",\"method\":\"execute_kw\",\"args\":5}}",
      "{\"params\":{\"service\":\"object\",\"method\":\"execute_kw\",\"args\":[null,null,null,null,null,null,null]}}",
      "{\"params\":{\"service\":\"object\",\"method\":\"execute_kw\",\"args\":[\"odoo\",1,\""
          + SECRET
          + "\",\"sidecar.event\",\"push\",[{\"nonce\":[],\"sent_at\":{},\"events\":7}]]}}",
      "{\"params\":{\"service\":\"common\",\"method\":\"login\",\"args\":[1,2,3]}}",
      "{\"id\":" + "9".repeat(500) + "}",
    };
    for (String body : bodies) {
      HttpResponse<String> response = post("/jsonrpc", body, Map.of());
      assertThat(response.statusCode()).as(body).isBetween(200, 499);
    }
    String[] xml = {
      "<methodCall><methodName>execute_kw</methodName><params><param><value><int>99999999999"
          + "</int></value></param></params></methodCall>",
      "<methodCall><methodName>execute_kw</methodName><params><param><value><dateTime.iso8601>"
          + "garbage</dateTime.iso8601></value></param></params></methodCall>",
      "<methodCall><methodName>execute_kw</methodName><params><param><value><base64>!!!"
          + "</base64></value></param></params></methodCall>",
      "<methodCall><params></params></methodCall>",
    };
    for (String body : xml) {
      HttpResponse<String> response = post("/xmlrpc/2/object", body, Map.of());
      assertThat(response.statusCode()).as(body).isBetween(200, 499);
    }
    assertThat(log.counts()).isEmpty();
  }

  HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theListenerHearsWhatEachPushStoredWithTheTimeOfItsChangeAndNotItsDuplicates() {
    start(PushReceiver.Auth.SECRET, 1 << 20);
    try (OdooClient client = client(TransportKind.JSONRPC, SECRET)) {
      push(client, batch("nonce-listener-1", now(), List.of(write(71, List.of(1L, 2L)))));
      push(client, batch("nonce-listener-2", now(), List.of(write(71, List.of(1L, 2L)))));
    }
    assertThat(received)
        .as("two records stored once; the second push held only duplicates")
        .containsExactly("push/odoo/crm.lead/write/2/2026-11-23T10:00:00Z");
  }
}
