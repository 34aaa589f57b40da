package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoosidecar.app.TestSidecar;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running sidecar's {@code /metrics}, scraped and parsed, against the work it was given. */
class DaemonMetricsTest {
  static final Path FIXTURES =
      Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18");

  static final String RULES =
      "rules:\n"
          + "  - name: VIP\n"
          + "    model: crm.lead\n"
          + "    trigger: on_create_or_write\n"
          + "    trigger_field_ids: [expected_revenue]\n"
          + "    filter_domain: \"[('expected_revenue', '>', 10000)]\"\n"
          + "    actions:\n"
          + "      - state: object_write\n"
          + "        update_path: priority\n"
          + "        value: \"3\"\n";

  @TempDir Path dir;

  @Test
  void theScrapeCountsThePushedEventsTheirSettlingTheFiringsTheActionsAndTheOdooCalls()
      throws Exception {
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(FIXTURES);
    List<Long> leads = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, 4);
    for (long id : leads) {
      odoo.records("crm.lead").get(id).put("expected_revenue", 20000.0);
      odoo.records("crm.lead").get(id).put("priority", "0");
    }
    try (TestSidecar sidecar = TestSidecar.start(dir, odoo, RULES, "")) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> sidecar.get("/health/ready").statusCode() == 200);
      odoo.resetCalls();
      sidecar.pushWrite(1, "crm.lead", leads.subList(0, 3), "expected_revenue", 5000.0);
      sidecar.pushWrite(2, "crm.lead", leads.subList(3, 4), "expected_revenue", 5000.0);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  leads.stream()
                      .allMatch(
                          id -> "3".equals(odoo.records("crm.lead").get(id).get("priority"))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> settled(PrometheusText.parse(sidecar.get("/metrics").body())) == 4);

      var scrape = sidecar.get("/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      PrometheusText metrics = PrometheusText.parse(scrape.body());

      assertThat(
              metrics.value(
                  "sidecar_events_received_total",
                  Map.of(
                      "source",
                      "push",
                      "database",
                      "memory",
                      "model",
                      "crm.lead",
                      "operation",
                      "write")))
          .isEqualTo(4.0);
      assertThat(
              metrics.value(
                  "sidecar_events_settled_total",
                  Map.of(
                      "database",
                      "memory",
                      "model",
                      "crm.lead",
                      "operation",
                      "write",
                      "result",
                      "done")))
          .isEqualTo(4.0);
      assertThat(metrics.sum("sidecar_rule_firings_total", Map.of("rule", "VIP"))).isEqualTo(4.0);
      double runs = metrics.sum("sidecar_rule_runs_total", Map.of("rule", "VIP", "result", "done"));
      assertThat(runs).isBetween(1.0, 2.0);
      assertThat(
              metrics.sum("sidecar_action_duration_seconds_count", Map.of("kind", "object_write")))
          .as("one action run per rule run")
          .isEqualTo(runs);
      assertThat(metrics.sum("sidecar_odoo_calls_seconds_count", Map.of("method", "write")))
          .as("every write the double saw went through the metered client")
          .isEqualTo(odoo.calls("write"));
      assertThat(metrics.sum("sidecar_push_lag_seconds_count", Map.of())).isEqualTo(2.0);
      assertThat(metrics.value(SidecarMetrics.PENDING, Map.of())).isZero();
      assertThat(metrics.value(SidecarMetrics.DEAD_LETTERS, Map.of())).isZero();
      assertThat(scrape.body())
          .doesNotContain(TestSidecar.SECRET)
          .doesNotContain("odoo-admin-password-7c2");
    }
  }

  private static double settled(PrometheusText metrics) {
    return metrics.sum("sidecar_events_settled_total", Map.of("result", "done"));
  }
}
