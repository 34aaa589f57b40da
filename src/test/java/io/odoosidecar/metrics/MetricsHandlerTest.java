package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics} on an Undertow server, fetched over HTTP. */
class MetricsHandlerTest {
  final SidecarMetrics metrics =
      new SidecarMetrics(new TestClock(Instant.parse("2026-03-01T10:00:00Z")));
  final HttpClient http = HttpClient.newHttpClient();
  Undertow server;
  URI uri;

  @BeforeEach
  void start() {
    server =
        Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(metrics.handler()).build();
    server.start();
    int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    uri = URI.create("http://127.0.0.1:" + port + "/metrics");
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void getAnswersTheScrapeInTheTextFormat() throws IOException, InterruptedException {
    int events = 6;
    metrics.received("push", "db", "crm.lead", "write", events, null, Instant.now());
    metrics.gauge(SidecarMetrics.PENDING, "Events waiting", () -> 17);
    metrics.gauge(
        SidecarMetrics.DEAD_LETTERS,
        "Dead letters",
        () -> {
          throw new IllegalStateException("the store is closed");
        });
    MemoryOdoo odoo = MemoryOdoo.empty();
    odoo.define("res.partner", Map.of("name", "char"));
    int searches = 4;
    for (int i = 0; i < searches; i++) {
      metrics.meter(odoo).search("res.partner", List.of());
    }

    HttpResponse<String> answer =
        http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    PrometheusText scrape = PrometheusText.parse(answer.body());
    assertThat(
            scrape.value(
                "sidecar_events_received_total",
                Map.of(
                    "source", "push", "database", "db", "model", "crm.lead", "operation", "write")))
        .isEqualTo(events);
    assertThat(scrape.value(SidecarMetrics.PENDING, Map.of())).isEqualTo(17);
    assertThat(scrape.value(SidecarMetrics.DEAD_LETTERS, Map.of())).isNaN();
    assertThat(
            scrape.value(
                "sidecar_odoo_calls_seconds_count",
                Map.of(
                    "connection",
                    "memory",
                    "model",
                    "res.partner",
                    "method",
                    "search",
                    "transport",
                    "jsonrpc")))
        .isEqualTo(searches);
    for (PrometheusText.Family family : scrape.families().values()) {
      assertThat(family.help).as(family.name + "'s help").isNotBlank();
      assertThat(family.type).as(family.name + "'s type").isNotEqualTo("untyped");
    }
  }

  @Test
  void otherMethodsAreRefusedWithAReason() throws IOException, InterruptedException {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(405);
    assertThat(answer.headers().firstValue("Allow")).hasValue("GET");
    assertThat(answer.body()).contains("POST").contains("use GET");
  }
}
