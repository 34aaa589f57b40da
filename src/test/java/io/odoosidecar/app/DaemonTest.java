package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.OdooStubs;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The daemon's lifecycle and health while Odoo is away and once it answers. */
class DaemonTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @Test
  void health_degradedWhileOdooIsAway_upOnceConnected_andStopsCleanly() throws Exception {
    java.util.List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
    odoo.resetAll();
    OdooSettings settings =
        OdooSettings.of("main", URI.create(odoo.baseUrl()), "odoo", "admin", Secret.of("pw"), null)
            .withTransport(TransportKind.JSONRPC)
            .withRetry(new RetryPolicy(1, Duration.ofMillis(20), Duration.ofMillis(40)));
    SidecarConfig config = config(settings, Path.of("data"));
    Daemon daemon =
        new Daemon(
            config,
            Clock.systemUTC(),
            wait -> {
              waits.add(wait);
              Thread.sleep(5); // record the backoff, but do not spin against the stub
            },
            null);
    daemon.start();
    try {
      assertThat(daemon.state()).isEqualTo(Daemon.State.RUNNING);
      HttpResponse<String> away = health(daemon);
      assertThat(away.statusCode()).isEqualTo(503);
      assertThat(away.body()).contains("\"status\":\"degraded\"");
      HttpResponse<String> notReady = get(daemon, "/health/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).contains("no Odoo connection is up").contains("main ");
      assertThat(get(daemon, "/health/live").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> waits.size() >= 2);
      assertThat(waits)
          .as("reconnection waits stay within the cap")
          .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofMinutes(1)));

      stub(
          "version",
          "{\"server_version\":\"18.0\",\"server_version_info\":[18,0,0,\"final\",0,\"\"]}");
      stub("authenticate", "2");
      await().atMost(Duration.ofSeconds(20)).until(() -> health(daemon).statusCode() == 200);
      assertThat(health(daemon).body())
          .contains("\"state\":\"connected\"")
          .contains("\"version\":\"18.0\"")
          .doesNotContain("pw");
      assertThat(get(daemon, "/health/ready").statusCode())
          .as("ready: the store open, no rules folder to load, one connection up")
          .isEqualTo(200);
    } finally {
      daemon.close();
    }
    assertThat(daemon.state()).isEqualTo(Daemon.State.STOPPED);
  }

  @Test
  void codeActionsRunWithThePythonSettingsOfTheConfiguration() throws Exception {
    OdooSettings settings =
        OdooSettings.of("main", URI.create(odoo.baseUrl()), "odoo", "admin", Secret.of("pw"), null)
            .withTransport(TransportKind.JSONRPC);
    SidecarConfig base = config(settings, Files.createTempDirectory("sidecar-daemon-test"));
    SidecarConfig config =
        new SidecarConfig(
            base.file(),
            base.connections(),
            base.defaultConnection(),
            base.server(),
            base.dataDir(),
            base.eventLog(),
            base.push(),
            base.pipeline(),
            base.poll(),
            new SidecarConfig.PythonConfig(12_345, Duration.ofSeconds(7)));
    Daemon daemon = new Daemon(config, Clock.systemUTC(), wait -> Thread.sleep(5), null);
    daemon.start();
    try {
      assertThat(daemon.python().statementLimit()).isEqualTo(12_345);
      assertThat(daemon.python().timeout()).isEqualTo(Duration.ofSeconds(7));
    } finally {
      daemon.close();
    }
  }

  /** One connection, main, to the stub; the server on a free port; defaults for the rest. */
  private static SidecarConfig config(OdooSettings settings, Path dataDir) {
    return new SidecarConfig(
        Path.of("test.yaml"),
        Map.of("main", settings),
        "main",
        new SidecarConfig.ServerConfig("127.0.0.1", 0),
        dataDir);
  }

  private static HttpResponse<String> health(Daemon daemon) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static void stub(String method, String result) {
    OdooStubs.stubCommon(odoo, method, result);
  }

  private static HttpResponse<String> get(Daemon daemon, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
