package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.odoo.OdooStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What the daemon tells the addon when it registers, and what it asks of it. */
class DaemonRegistrationTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  @Test
  void register_givesItsPushLimits_andAsksTheAddonToResumeDelivery() throws Exception {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc")).atPriority(10).willReturn(OdooStubs.jsonRpcResult("[]")));
    OdooStubs.stubCommon(
        odoo,
        "version",
        "{\"server_version\":\"18.0\",\"server_version_info\":[18,0,0,\"final\",0,\"\"]}");
    OdooStubs.stubCommon(odoo, "authenticate", "2");
    answer("search_count", "1");
    answer("set_param", "true");
    answer("action_resume", "3");
    Path file =
        Files.writeString(
            dir.resolve("sidecar.yaml"),
            "odoo:\n  connections:\n    main:\n      transport: jsonrpc\n"
                + "server: {host: 127.0.0.1, port: 0}\n"
                + "data-dir: "
                + dir.resolve("data")
                + "\npush: {public-url: 'http://127.0.0.1:8765/', max-records: 1234, max-events: 321}\n"
                + "poll: {enabled: false}\n");
    SidecarConfig config =
        SidecarConfig.load(
            file,
            Map.of(
                "ODOO_URL", odoo.baseUrl(),
                "ODOO_DB", "odoo",
                "ODOO_USER", "admin",
                "ODOO_PASSWORD", "pw",
                "SIDECAR_PUSH_SECRET", "registration-secret"));
    try (Daemon daemon = new Daemon(config, Clock.systemUTC(), wait -> Thread.sleep(5), null)) {
      daemon.start();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                odoo.verify(
                    postRequestedFor(urlPathEqualTo("/jsonrpc"))
                        .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("set_param")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.params.args[6].key", equalTo("sidecar_bridge.max_records")))
                        .withRequestBody(
                            matchingJsonPath("$.params.args[6].value", equalTo("1234"))));
                odoo.verify(
                    postRequestedFor(urlPathEqualTo("/jsonrpc"))
                        .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("set_param")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.params.args[6].key", equalTo("sidecar_bridge.max_events")))
                        .withRequestBody(
                            matchingJsonPath("$.params.args[6].value", equalTo("321"))));
                odoo.verify(
                    postRequestedFor(urlPathEqualTo("/jsonrpc"))
                        .withRequestBody(
                            matchingJsonPath("$.params.args[3]", equalTo("sidecar.outbox")))
                        .withRequestBody(
                            matchingJsonPath("$.params.args[4]", equalTo("action_resume"))));
              });
    }
  }

  private static void answer(String method, String result) {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)))
            .willReturn(OdooStubs.jsonRpcResult(result)));
  }
}
