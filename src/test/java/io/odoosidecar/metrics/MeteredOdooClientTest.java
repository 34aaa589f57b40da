package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooErrorKind;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.OdooTransportException;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through the metered client to the in-memory Odoo, each made to take a known time on the
 * test's clock (the fault hook moves it) and some made to fail.
 */
class MeteredOdooClientTest {
  final TestClock clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
  final SidecarMetrics metrics = new SidecarMetrics(clock);
  final MemoryOdoo odoo = MemoryOdoo.empty();

  /** What the next call costs, and how it fails (null: it answers). */
  Duration nextTakes = Duration.ZERO;

  RuntimeException nextFails;

  record Call(String model, String method, String transport, Duration took, String failure) {}

  final List<Call> made = new ArrayList<>();

  @BeforeEach
  void setUp() {
    odoo.define("res.partner", Map.of("name", "char"));
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE) {
            clock.advance(nextTakes);
            RuntimeException failure = nextFails;
            nextFails = null;
            if (failure != null) {
              throw failure;
            }
          }
        });
  }

  /** Makes a call that takes {@code took} and fails with {@code failure} (null: it answers). */
  void call(
      OdooClient client,
      String model,
      String method,
      String transport,
      Duration took,
      RuntimeException failure,
      String kind,
      Runnable work) {
    nextTakes = took;
    nextFails = failure;
    if (failure == null) {
      work.run();
    } else {
      assertThatThrownBy(work::run).isSameAs(failure);
    }
    made.add(new Call(model, method, transport, took, kind));
  }

  @Test
  void everyCallIsTimedByMethodAndEveryFailureCountedByKind() {
    OdooClient client = metrics.meter(odoo);
    OdooTransportException refused =
        new OdooTransportException("connection refused", false, 0, true, null);
    OdooFaultException invalid =
        new OdooFaultException(
            OdooErrorKind.VALIDATION_ERROR,
            "odoo.exceptions.ValidationError",
            "name is required",
            "",
            2);
    call(
        client,
        "res.partner",
        "search_read",
        "unknown",
        Duration.ofMillis(30),
        refused,
        "transport",
        () -> client.searchRead("res.partner", List.of(), List.of("name"), SearchOptions.ALL));
    call(
        client,
        "res.partner",
        "create",
        "jsonrpc",
        Duration.ofMillis(120),
        null,
        null,
        () -> client.create("res.partner", Map.of("name", "Azure")));
    call(
        client,
        "res.partner",
        "search",
        "jsonrpc",
        Duration.ofMillis(8),
        null,
        null,
        () -> client.search("res.partner", List.of()));
    call(
        client,
        "res.partner",
        "search",
        "jsonrpc",
        Duration.ofMillis(3_000),
        null,
        null,
        () -> client.search("res.partner", List.of()));
    OdooClient sudo = client.withContext(Map.of("active_test", false));
    assertThat(sudo).isInstanceOf(MeteredOdooClient.class);
    call(
        sudo,
        "res.partner",
        "write",
        "jsonrpc",
        Duration.ofMillis(250),
        invalid,
        "validation_error",
        () -> sudo.write("res.partner", List.of(1_000_000L), Map.of("name", "")));
    call(
        sudo,
        "res.partner",
        "search",
        "jsonrpc",
        Duration.ofMillis(100),
        null,
        null,
        () -> sudo.search("res.partner", List.of()));
    call(
        client,
        "res.partner",
        "copy",
        "jsonrpc",
        Duration.ofMillis(4),
        null,
        "other",
        () ->
            assertThatThrownBy(() -> client.execute("res.partner", "copy", 1))
                .isInstanceOf(IllegalArgumentException.class));
    call(client, "", "version", "jsonrpc", Duration.ZERO, null, null, client::version);
    call(client, "", "authenticate", "jsonrpc", Duration.ZERO, null, null, client::authenticate);
    call(
        client,
        "res.partner",
        "fieldsGet",
        "jsonrpc",
        Duration.ZERO,
        null,
        null,
        () -> client.fieldsGet("res.partner"));
    assertThat(odoo.calls(null)).as("the calls reached the double").isEqualTo(4);

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    Map<Map<String, String>, List<Duration>> timed = new HashMap<>();
    Map<Map<String, String>, Double> failed = new HashMap<>();
    for (Call c : made) {
      timed
          .computeIfAbsent(
              Map.of(
                  "connection",
                  "memory",
                  "model",
                  c.model(),
                  "method",
                  c.method(),
                  "transport",
                  c.transport()),
              k -> new ArrayList<>())
          .add(c.took());
      if (c.failure() != null) {
        failed.merge(
            Map.of(
                "connection",
                "memory",
                "model",
                c.model(),
                "method",
                c.method(),
                "kind",
                c.failure()),
            1.0,
            Double::sum);
      }
    }
    assertThat(scrape.samples("sidecar_odoo_calls_seconds_count")).hasSize(timed.size());
    timed.forEach(
        (labels, took) ->
            SidecarMetricsTest.assertHistogram(scrape, "sidecar_odoo_calls_seconds", labels, took));
    assertThat(scrape.family("sidecar_odoo_call_failures_total").type).isEqualTo("counter");
    assertThat(scrape.samples("sidecar_odoo_call_failures_total")).hasSize(failed.size());
    failed.forEach(
        (labels, n) ->
            assertThat(scrape.value("sidecar_odoo_call_failures_total", labels)).isEqualTo(n));
  }

  @Test
  void aClientIsMeteredOnce_andTheDecoratorPassesTheRestThrough() {
    OdooClient client = metrics.meter(odoo);
    assertThat(metrics.meter(client)).isSameAs(client);
    assertThat(((MeteredOdooClient) client).delegate()).isSameAs(odoo);
    assertThat(client.name()).isEqualTo(odoo.name());
    assertThat(client.database()).isEqualTo(odoo.database());
    assertThat(client.transport()).isEqualTo(odoo.transport());

    long id = client.create("res.partner", Map.of("name", "Azure"));

    assertThat(odoo.records("res.partner").get(id)).containsEntry("name", "Azure");
  }
}
