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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In {@code hmac} mode: a bad signature is refused before the body is parsed, and a signed request
 * of any method is accepted once, also across a restart.
 */
class HmacHostileTest {
  static final String SECRET = PushEndpointTest.SECRET;

  @TempDir Path dir;
  EventLog log;
  PushNonces nonces;
  HttpServer server;
  final HttpClient http = HttpClient.newHttpClient();

  void start() {
    log = EventLog.embedded(dir);
    nonces = PushNonces.open(log.connectionSource());
    PushReceiver receiver =
        new PushReceiver(
            new PushReceiver.Settings(
                Secret.of(SECRET), PushReceiver.Auth.HMAC, Duration.ofMinutes(5), 100),
            log,
            nonces,
            java.util.Set.of("odoo"),
            () -> {},
            Clock.systemUTC(),
            () -> Map.of("models", Map.of("res.partner", Map.of())));
    RpcEndpoint endpoint = new RpcEndpoint(receiver, 1 << 20);
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

  static String stamp() {
    return String.valueOf(System.currentTimeMillis() / 1000.0);
  }

  static String sign(String stamp, String body) {
    return "sha256="
        + HexFormat.of()
            .formatHex(
                PushReceiver.hmac(
                    SECRET.getBytes(StandardCharsets.UTF_8),
                    stamp,
                    body.getBytes(StandardCharsets.UTF_8)));
  }

  HttpResponse<String> post(String path, String body, String stamp, String signature)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (stamp != null) {
      request.header("X-Sidecar-Timestamp", stamp).header("X-Sidecar-Signature", signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void request_withABadOrNoSignature_isRefusedWith401BeforeItsBodyIsParsed() throws Exception {
    start();
    String notXml = "this is not XML, nor JSON {";
    String zeros = "sha256=" + "0".repeat(64);

    for (String path : new String[] {"/xmlrpc/2/object", "/xmlrpc/2/common", "/jsonrpc"}) {
      assertThat(post(path, notXml, stamp(), zeros).statusCode()).as(path).isEqualTo(401);
      assertThat(post(path, notXml, null, null).statusCode()).as(path).isEqualTo(401);
      assertThat(post(path, notXml, stamp(), "sha256=xyz").statusCode()).as(path).isEqualTo(401);
    }
    // the same body well signed is parsed, and refused as what it is
    String stamp = stamp();
    assertThat(post("/jsonrpc", notXml, stamp, sign(stamp, notXml)).statusCode()).isEqualTo(400);
  }

  @Test
  void signedWatchListOrAuthenticate_sentTwice_isRefusedTheSecondTimeWith409() throws Exception {
    start();
    String watch =
        "<methodCall><methodName>execute_kw</methodName><params>"
            + "<param><value><string>odoo</string></value></param>"
            + "<param><value><int>1</int></value></param>"
            + "<param><value><string>-</string></value></param>"
            + "<param><value><string>sidecar.event</string></value></param>"
            + "<param><value><string>watch_list</string></value></param>"
            + "</params></methodCall>";
    String login =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"service\":\"common\",\"method\":"
            + "\"authenticate\",\"args\":[\"odoo\",\"addon\",\"-\",{}]}}";
    String stamp = stamp();

    HttpResponse<String> first = post("/xmlrpc/2/object", watch, stamp, sign(stamp, watch));
    HttpResponse<String> again = post("/xmlrpc/2/object", watch, stamp, sign(stamp, watch));
    HttpResponse<String> upper =
        post(
            "/xmlrpc/2/object",
            watch,
            stamp,
            sign(stamp, watch).toUpperCase().replace("SHA256=", "sha256="));
    HttpResponse<String> loginFirst = post("/jsonrpc", login, stamp, sign(stamp, login));
    HttpResponse<String> loginAgain = post("/jsonrpc", login, stamp, sign(stamp, login));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("res.partner");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("replayed request").doesNotContain("res.partner");
    assertThat(upper.statusCode()).isEqualTo(409);
    assertThat(loginFirst.statusCode()).isEqualTo(200);
    assertThat(loginFirst.body()).contains("\"result\":1");
    assertThat(loginAgain.statusCode()).isEqualTo(409);
  }

  @Test
  void signedRequest_replayedAfterARestart_isStillRefused() throws Exception {
    start();
    String login =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"service\":\"common\",\"method\":"
            + "\"authenticate\",\"args\":[\"odoo\",\"addon\",\"-\",{}]}}";
    String stamp = stamp();
    assertThat(post("/jsonrpc", login, stamp, sign(stamp, login)).statusCode()).isEqualTo(200);
    stop();

    start();

    assertThat(post("/jsonrpc", login, stamp, sign(stamp, login)).statusCode()).isEqualTo(409);
  }
}
