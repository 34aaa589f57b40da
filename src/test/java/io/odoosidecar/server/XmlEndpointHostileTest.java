package io.odoosidecar.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.HostileXml;
import io.odoosidecar.odoo.XmlGuard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XML-RPC calls that name a DTD or an entity: refused with one reason, nothing fetched. */
class XmlEndpointHostileTest {
  @TempDir Path dir;
  HostileXml hostile;
  HttpServer server;
  final AtomicInteger served = new AtomicInteger();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    hostile = new HostileXml();
    RpcEndpoint.Service service =
        new RpcEndpoint.Service() {
          @Override
          public Map<String, Object> version() {
            served.incrementAndGet();
            return Map.of("server_version", "test");
          }

          @Override
          public OptionalLong authenticate(
              String database, String login, String password, RpcEndpoint.Request request) {
            return OptionalLong.empty();
          }

          @Override
          public Object execute(
              String database,
              long uid,
              String password,
              String model,
              String method,
              List<Object> args,
              Map<String, Object> kwargs,
              RpcEndpoint.Request request) {
            return Boolean.TRUE;
          }
        };
    RpcEndpoint endpoint = new RpcEndpoint(service, 1 << 20);
    server = TestServers.started(Map.of("/xmlrpc/2/common", endpoint.xmlrpc("common")));
  }

  @AfterEach
  void stop() {
    server.stop();
    hostile.close();
  }

  HttpResponse<String> post(byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/xmlrpc/2/common"))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void call_withADoctypeOfAnyKind_isRefusedWithOneReasonAndFetchesNothing() throws Exception {
    Path existing = Files.writeString(dir.resolve("secret.txt"), "root:x:0:0");
    Map<String, byte[]> variants = hostile.variants(true, existing, dir.resolve("missing.txt"));

    for (Map.Entry<String, byte[]> variant : variants.entrySet()) {
      HttpResponse<String> response = post(variant.getValue());
      assertThat(response.statusCode()).as(variant.getKey()).isEqualTo(400);
      assertThat(response.body()).as(variant.getKey()).contains(XmlGuard.REFUSED);
    }

    assertThat(hostile.hits()).isZero();
    assertThat(served).hasValue(0);
  }

  @Test
  void call_namingAnExistingOrAMissingFile_getsTheSameAnswerWithNothingOfTheFile()
      throws Exception {
    Path existing = Files.writeString(dir.resolve("secret.txt"), "root:x:0:0");
    Map<String, byte[]> variants = hostile.variants(true, existing, dir.resolve("missing.txt"));

    HttpResponse<String> there = post(variants.get("file DTD, existing file"));
    HttpResponse<String> absent = post(variants.get("file DTD, missing file"));

    assertThat(there.statusCode()).isEqualTo(absent.statusCode()).isEqualTo(400);
    assertThat(there.body()).isEqualTo(absent.body()).doesNotContain("'r'").doesNotContain("root");
    assertThat(there.headers().firstValue("content-length"))
        .isEqualTo(absent.headers().firstValue("content-length"));
  }

  @Test
  void call_nestedDeeperThanTheLimit_isRefusedWith400() throws Exception {
    int levels = XmlGuard.MAX_ELEMENT_DEPTH;
    String body =
        "<methodCall><methodName>version</methodName><params><param>"
            + "<value><array><data>".repeat(levels)
            + "</data></array></value>".repeat(levels)
            + "</param></params></methodCall>";

    HttpResponse<String> response = post(body.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(served).hasValue(0);
  }
}
