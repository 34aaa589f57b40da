package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.Secret;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.TestServers;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PushNonces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes that would store more than they count, or numbers and names beyond what Odoo and the event
 * log hold: each is refused with a 4xx naming the key, and nothing is stored.
 */
class PushLimitsHostileTest {
  static final String SECRET = PushEndpointTest.SECRET;
  static final int MAX_BODY = 4 << 20;

  @TempDir Path dir;
  EventLog log;
  PushNonces nonces;
  HttpServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    log = EventLog.embedded(dir);
    nonces = PushNonces.open(log.connectionSource());
    PushReceiver receiver =
        new PushReceiver(
            new PushReceiver.Settings(
                Secret.of(SECRET),
                PushReceiver.Auth.SECRET,
                Duration.ofMinutes(5),
                100,
                50,
                MAX_BODY),
            log,
            nonces,
            java.util.Set.of("odoo"),
            () -> {},
            Clock.systemUTC(),
            () -> Map.of("models", Map.of()));
    RpcEndpoint endpoint = new RpcEndpoint(receiver, MAX_BODY);
    server =
        TestServers.started(
            Map.of("/xmlrpc/2/object", endpoint.xmlrpc("object"), "/jsonrpc", endpoint.jsonrpc()));
  }

  @AfterEach
  void stop() {
    server.stop();
    nonces.close();
    log.close();
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON-RPC push of one batch, its events written out as JSON. */
  static String push(String sentAt, String events) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"service\":\"object\",\"method\":"
        + "\"execute_kw\",\"args\":[\"odoo\",1,\""
        + SECRET
        + "\",\"sidecar.event\",\"push\",[{\"nonce\":\""
        + UUID.randomUUID()
        + "\",\"sent_at\":"
        + sentAt
        + ",\"events\":["
        + events
        + "]}]]}}";
  }

  static String now() {
    return String.valueOf(System.currentTimeMillis() / 1000.0);
  }

  /** One event, with the given keys replaced or added (values as JSON). */
  static String event(Map<String, String> overrides) {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("id", "1");
    keys.put("model", "\"res.partner\"");
    keys.put("op", "\"write\"");
    keys.put("ids", "[7]");
    keys.put("fields", "[\"name\"]");
    keys.put("uid", "2");
    keys.put("at", "\"2026-11-23 10:00:00\"");
    keys.putAll(overrides);
    StringBuilder out = new StringBuilder("{");
    keys.forEach(
        (k, v) ->
            out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return out.append('}').toString();
  }

  void assertRefused(String body, int status, String key) throws Exception {
    HttpResponse<String> response = post("/jsonrpc", body);
    assertThat(response.statusCode()).as(key).isEqualTo(status);
    assertThat(response.body()).as(key).contains(key);
    assertThat(log.counts()).as(key).isEmpty();
  }

  @Test
  void push_whoseEventsNameMoreRecordsThanTheLimit_isRefusedWith413NamingTheSetting()
      throws Exception {
    String ids =
        "["
            + String.join(
                ",",
                java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(String::valueOf).toList())
            + "]";
    String events =
        event(Map.of("id", "1", "ids", ids))
            + ","
            + event(Map.of("id", "2", "ids", ids))
            + ","
            + event(Map.of("id", "3", "ids", ids));

    assertRefused(push(now(), events), 413, "push.max-records");
  }

  static String idList(int count) {
    return "["
        + String.join(
            ",",
            java.util.stream.IntStream.rangeClosed(1, count).mapToObj(String::valueOf).toList())
        + "]";
  }

  static String nameList(int count, int length) {
    return "["
        + String.join(
            ",",
            java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> "\"" + ("f" + i + "_".repeat(length)).substring(0, length) + "\"")
                .toList())
        + "]";
  }

  @Test
  void push_namingARecordTwiceInAnEvent_isRefusedWith400NamingTheIds() throws Exception {
    assertRefused(push(now(), event(Map.of("ids", "[7,8,7]"))), 400, "events[0].ids");
  }

  @Test
  void push_withMoreFieldsThanTheLimit_isRefusedWith400NamingTheFields() throws Exception {
    assertRefused(
        push(now(), event(Map.of("fields", nameList(PushReceiver.MAX_FIELDS + 1, 1)))),
        400,
        "events[0].fields");
  }

  @Test
  void push_withAMessageLargerThanTheLimit_isRefusedWith400NamingTheMessage() throws Exception {
    String message = "{\"body\":\"" + "m".repeat(PushReceiver.MAX_MESSAGE_BYTES) + "\"}";

    assertRefused(
        push(now(), event(Map.of("op", "\"message\"", "message", message))),
        400,
        "events[0].message");
  }

  @Test
  void push_ofAMessageEventNamingSeveralRecords_isRefusedWith400NamingTheIds() throws Exception {
    assertRefused(
        push(
            now(),
            event(Map.of("op", "\"message\"", "ids", "[7,8]", "message", "{\"message_id\":3}"))),
        400,
        "events[0].ids");
  }

  @Test
  void push_whosePayloadsWouldStoreFarMoreThanItsBody_isRefusedWith413NamingTheSetting()
      throws Exception {
    // 50 records (within push.max-records) each copying 1000 long field names and a large
    // message: a body under 1 MB asking for tens of megabytes of payloads
    String message = "{\"body\":\"" + "m".repeat(700_000) + "\"}";
    String body =
        push(
            now(),
            event(Map.of("ids", idList(50), "fields", nameList(1000, 100), "message", message)));
    assertThat(body.length()).isLessThan(MAX_BODY);

    assertRefused(body, 413, "push.max-body-bytes");
  }

  @Test
  void push_withManyRecordsAndManyFieldsWithinTheBounds_isStored() throws Exception {
    String body = push(now(), event(Map.of("ids", idList(50), "fields", nameList(1000, 20))));

    HttpResponse<String> response = post("/jsonrpc", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"accepted\":50");
  }

  @Test
  void push_ofAMessageEventAsTheAddonSendsIt_isStored() throws Exception {
    String message =
        "{\"message_id\":41,\"message_type\":\"comment\",\"is_internal\":false,"
            + "\"subtype_internal\":false,\"author_share\":true}";

    HttpResponse<String> response =
        post(
            "/jsonrpc",
            push(now(), event(Map.of("op", "\"message\"", "fields", "[]", "message", message))));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"accepted\":1");
  }

  @Test
  void push_withNumbersBeyondOdoosIntegers_isRefusedNamingTheKeyInsteadOfWrapping()
      throws Exception {
    assertRefused(
        push(now(), event(Map.of("ids", "[18446744073709551623]"))), 400, "events[0].ids[0]");
    assertRefused(push(now(), event(Map.of("ids", "[2147483648]"))), 400, "events[0].ids[0]");
    assertRefused(push(now(), event(Map.of("ids", "[1e300]"))), 400, "events[0].ids[0]");
    assertRefused(push(now(), event(Map.of("id", "9223372036854775807"))), 400, "events[0].id");
    assertRefused(push(now(), event(Map.of("uid", "99999999999"))), 400, "events[0].uid");
    assertRefused(
        push(now(), event(Map.of("context", "{\"depth\":101}"))), 400, "events[0].context.depth");
    assertRefused(
        push(now(), event(Map.of("context", "{\"depth\":4294967296}"))),
        400,
        "events[0].context.depth");
    assertRefused(push("1e400", event(Map.of())), 400, "batch.sent_at");
  }

  @Test
  void push_withOverlongNames_isRefusedWith400NamingTheKey() throws Exception {
    String longName = "\"" + "a".repeat(300) + "\"";
    assertRefused(push(now(), event(Map.of("model", longName))), 400, "events[0].model");
    assertRefused(
        push(now(), event(Map.of("fields", "[" + longName + "]"))), 400, "events[0].fields[0]");
    assertRefused(
        push(now(), event(Map.of("old", "{\"7\":{" + longName + ":1}}"))), 400, "events[0].old.7");
    assertRefused(
        push(now(), event(Map.of("context", "{\"chain\":[\"" + "r".repeat(600) + "\"]}"))),
        400,
        "events[0].context.chain[0]");
    assertRefused(
        push(now(), event(Map.of("at", "\"" + "2".repeat(100) + "\""))), 400, "events[0].at");
    assertRefused(
        push(now(), event(Map.of("write_date", "{\"7\":\"" + "2".repeat(100) + "\"}"))),
        400,
        "events[0].write_date.7");
  }

  @Test
  void push_nestedDeeperThanTheLimit_isRefusedWith400() throws Exception {
    String deep = "[".repeat(200) + "]".repeat(200);

    assertRefused(
        push(now(), event(Map.of("old", "{\"7\":{\"name\":" + deep + "}}"))),
        400,
        "malformed JSON-RPC call");
  }

  @Test
  void xmlrpcPush_withADoubleOrAnI8BeyondTheRange_isRefusedNamingTheKey() throws Exception {
    for (String id : new String[] {"<double>1e300</double>", "<i8>4294967303</i8>"}) {
      String body =
          "<methodCall><methodName>execute_kw</methodName><params>"
              + "<param><value><string>odoo</string></value></param>"
              + "<param><value><int>1</int></value></param>"
              + "<param><value><string>"
              + SECRET
              + "</string></value></param>"
              + "<param><value><string>sidecar.event</string></value></param>"
              + "<param><value><string>push</string></value></param>"
              + "<param><value><array><data><value><struct>"
              + "<member><name>nonce</name><value><string>"
              + UUID.randomUUID()
              + "</string></value></member>"
              + "<member><name>sent_at</name><value><double>"
              + now()
              + "</double></value></member>"
              + "<member><name>events</name><value><array><data><value><struct>"
              + "<member><name>id</name><value><int>1</int></value></member>"
              + "<member><name>model</name><value><string>res.partner</string></value></member>"
              + "<member><name>op</name><value><string>create</string></value></member>"
              + "<member><name>ids</name><value><array><data><value>"
              + id
              + "</value></data></array></value></member>"
              + "</struct></value></data></array></value></member>"
              + "</struct></value></data></array></value></param>"
              + "</params></methodCall>";

      HttpResponse<String> response = post("/xmlrpc/2/object", body);

      assertThat(response.statusCode()).as(id).isEqualTo(400);
      assertThat(response.body()).as(id).contains("events[0].ids[0]");
    }
    assertThat(log.counts()).isEmpty();
  }

  /** A field map of {@code count} fields named f0, f1, ..., as JSON. */
  static String fieldValues(int count) {
    return "{"
        + String.join(
            ",",
            java.util.stream.IntStream.range(0, count).mapToObj(i -> "\"f" + i + "\":1").toList())
        + "}";
  }

  @Test
  void push_ofASnapshotOnAnotherOperationThanUnlink_isRefusedWith400NamingTheSnapshot()
      throws Exception {
    assertRefused(
        push(now(), event(Map.of("snapshot", "{\"7\":{\"name\":\"x\"}}"))),
        400,
        "events[0].snapshot");
  }

  @Test
  void push_ofASnapshotThatIsNoStructOfStructs_isRefusedWith400NamingTheKey() throws Exception {
    assertRefused(
        push(now(), event(Map.of("op", "\"unlink\"", "snapshot", "[1,2]"))),
        400,
        "events[0].snapshot");
    assertRefused(
        push(now(), event(Map.of("op", "\"unlink\"", "snapshot", "{\"7\":\"name\"}"))),
        400,
        "events[0].snapshot.7");
  }

  @Test
  void push_ofASnapshotWithTooManyFieldsOrOverlongNames_isRefusedWith400NamingTheRecord()
      throws Exception {
    assertRefused(
        push(
            now(),
            event(
                Map.of(
                    "op",
                    "\"unlink\"",
                    "snapshot",
                    "{\"7\":" + fieldValues(PushReceiver.MAX_FIELDS + 1) + "}"))),
        400,
        "events[0].snapshot.7");
    assertRefused(
        push(
            now(),
            event(
                Map.of(
                    "op",
                    "\"unlink\"",
                    "snapshot",
                    "{\"7\":{\"" + "a".repeat(PushReceiver.MAX_NAME + 1) + "\":1}}"))),
        400,
        "events[0].snapshot.7");
  }

  @Test
  void push_ofASnapshotOfAsManyFieldsAsAllowed_isStored() throws Exception {
    HttpResponse<String> response =
        post(
            "/jsonrpc",
            push(
                now(),
                event(
                    Map.of(
                        "op",
                        "\"unlink\"",
                        "snapshot",
                        "{\"7\":" + fieldValues(PushReceiver.MAX_FIELDS) + "}"))));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"accepted\":1");
  }

  @Test
  void push_whoseSnapshotsTipWhatItWouldStoreOverTheLimit_isRefusedWith413() throws Exception {
    // 50 records each copying a message of 330 kB: about 16.5 MB stored, under the 16 MiB limit
    String message = "{\"body\":\"" + "m".repeat(330_000) + "\"}";
    Map<String, String> deletion =
        Map.of("op", "\"unlink\"", "ids", idList(50), "fields", "[]", "message", message);
    Map<String, String> heavy = new LinkedHashMap<>(deletion);
    heavy.put("snapshot", "{\"7\":{\"comment\":\"" + "s".repeat(300_000) + "\"}}");

    assertRefused(push(now(), event(heavy)), 413, "push.max-body-bytes");

    Map<String, String> light = new LinkedHashMap<>(deletion);
    light.put("snapshot", "{\"7\":{\"comment\":\"s\"}}");
    HttpResponse<String> response = post("/jsonrpc", push(now(), event(light)));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"accepted\":50");
  }
}
