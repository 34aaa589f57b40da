package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.pipeline.RuleRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pipeline's work, the gauges and the Python executions, as a scrape shows them. */
class SidecarMetricsTest {
  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  final TestClock clock = new TestClock(NOW);
  final SidecarMetrics metrics = new SidecarMetrics(clock);

  record Received(String source, String model, String operation, int count, Duration lag) {}

  record Settled(String model, String operation, String result, int times) {}

  static final List<Received> RECEIVED =
      List.of(
          new Received("push", "crm.lead", "write", 3, Duration.ofMillis(1_500)),
          new Received("push", "crm.lead", "write", 2, Duration.ofMillis(80)),
          new Received("push", "crm.lead", "create", 1, Duration.ofSeconds(40)),
          new Received("poll", "crm.lead", "write", 7, null),
          new Received("webhook", "res.partner", "write", 1, null),
          new Received("timed", "crm.lead", "timed", 4, null));

  static final List<Settled> SETTLED =
      List.of(
          new Settled("crm.lead", "write", "done", 9),
          new Settled("crm.lead", "write", "retry", 2),
          new Settled("crm.lead", "create", "parked", 1),
          new Settled("res.partner", "write", "waiting", 3),
          new Settled("crm.lead", "timed", "held", 4),
          new Settled("crm.lead", "write", "done", 1));

  /** A rule name a label must escape: quotes, a backslash and a line feed. */
  static final String ODD_RULE = "Say \"hi\" \\ to\nthe team";

  static RuleRun run(String rule, int records, String result, RuleRun.Action... actions) {
    List<Long> ids = new ArrayList<>();
    for (long id = 1; id <= records; id++) {
      ids.add(id);
    }
    long micros = 0;
    for (RuleRun.Action action : actions) {
      micros += action.durationMicros();
    }
    return new RuleRun(
        rule,
        "on_create_or_write",
        "db",
        "crm.lead",
        ids,
        ids,
        NOW,
        micros,
        result,
        "",
        "",
        List.of(actions));
  }

  static RuleRun.Action action(int index, String kind, long micros, String result) {
    return new RuleRun.Action(index, kind, 1, micros, result, "", List.of());
  }

  static final List<RuleRun> RUNS =
      List.of(
          run(
              "Tag leads",
              3,
              "done",
              action(0, "object_write", 3_000, "done"),
              action(1, "code", 12_000, "done")),
          run("Tag leads", 2, "failed", action(0, "object_write", 100_000, "failed")),
          run(
              ODD_RULE,
              5,
              "parked",
              action(0, "code", 2_000_000, "parked"),
              action(1, "object_write", 700_000, "skipped")),
          run(ODD_RULE, 1, "waiting", action(0, "webhook", 40_000, "waiting")),
          run("Tag leads", 4, "done", action(0, "object_write", 45_000_000, "done")));

  @Test
  void theScrapeCountsEveryEventReceivedAndSettled() {
    for (Received r : RECEIVED) {
      Instant changedAt = r.lag() == null ? null : NOW.minus(r.lag());
      metrics.received(r.source(), "db", r.model(), r.operation(), r.count(), changedAt, NOW);
    }
    for (Settled s : SETTLED) {
      for (int i = 0; i < s.times(); i++) {
        metrics.settled("db", s.model(), s.operation(), s.result());
      }
    }

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    Map<Map<String, String>, Double> received = new HashMap<>();
    for (Received r : RECEIVED) {
      received.merge(
          Map.of(
              "source",
              r.source(),
              "database",
              "db",
              "model",
              r.model(),
              "operation",
              r.operation()),
          (double) r.count(),
          Double::sum);
    }
    assertThat(scrape.family("sidecar_events_received_total").type).isEqualTo("counter");
    assertThat(scrape.samples("sidecar_events_received_total")).hasSize(received.size());
    received.forEach(
        (labels, count) ->
            assertThat(scrape.value("sidecar_events_received_total", labels)).isEqualTo(count));

    Map<Map<String, String>, Double> settled = new HashMap<>();
    for (Settled s : SETTLED) {
      settled.merge(
          Map.of(
              "database",
              "db",
              "model",
              s.model(),
              "operation",
              s.operation(),
              "result",
              s.result()),
          (double) s.times(),
          Double::sum);
    }
    assertThat(scrape.samples("sidecar_events_settled_total")).hasSize(settled.size());
    settled.forEach(
        (labels, count) ->
            assertThat(scrape.value("sidecar_events_settled_total", labels)).isEqualTo(count));

    List<Duration> lags = RECEIVED.stream().map(Received::lag).filter(l -> l != null).toList();
    assertHistogram(scrape, "sidecar_push_lag_seconds", Map.of("source", "push"), lags);
    assertThat(scrape.samples("sidecar_push_lag_seconds_count"))
        .as("only the sources that know when the change was made")
        .hasSize(1);
  }

  @Test
  void theScrapeCountsFiringsRunsActionTimesAndFailures() {
    RUNS.forEach(metrics::ran);

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    Map<String, Double> firings = new HashMap<>();
    Map<Map<String, String>, Double> runs = new HashMap<>();
    Map<String, List<Duration>> durations = new LinkedHashMap<>();
    Map<Map<String, String>, Double> failures = new HashMap<>();
    for (RuleRun run : RUNS) {
      firings.merge(run.rule(), (double) run.records().size(), Double::sum);
      runs.merge(Map.of("rule", run.rule(), "result", run.result()), 1.0, Double::sum);
      for (RuleRun.Action a : run.actions()) {
        if (!a.result().equals("skipped")) {
          durations
              .computeIfAbsent(a.kind(), k -> new ArrayList<>())
              .add(Duration.ofNanos(a.durationMicros() * 1_000));
        }
        if (a.result().equals("failed") || a.result().equals("parked")) {
          failures.merge(Map.of("kind", a.kind(), "result", a.result()), 1.0, Double::sum);
        }
      }
    }
    assertThat(scrape.samples("sidecar_rule_firings_total")).hasSize(firings.size());
    firings.forEach(
        (rule, n) ->
            assertThat(scrape.value("sidecar_rule_firings_total", Map.of("rule", rule)))
                .isEqualTo(n));
    assertThat(firings).containsKey(ODD_RULE);
    assertThat(scrape.samples("sidecar_rule_runs_total")).hasSize(runs.size());
    runs.forEach(
        (labels, n) -> assertThat(scrape.value("sidecar_rule_runs_total", labels)).isEqualTo(n));
    assertThat(scrape.samples("sidecar_action_duration_seconds_count")).hasSize(durations.size());
    durations.forEach(
        (kind, list) ->
            assertHistogram(scrape, "sidecar_action_duration_seconds", Map.of("kind", kind), list));
    assertThat(scrape.samples("sidecar_action_failures_total")).hasSize(failures.size());
    failures.forEach(
        (labels, n) ->
            assertThat(scrape.value("sidecar_action_failures_total", labels)).isEqualTo(n));
  }

  @Test
  void gaugesReadTheirSuppliersAtEachScrape_andAFailingOneReadsNaN() {
    AtomicInteger pending = new AtomicInteger(12);
    metrics.gauge(SidecarMetrics.PENDING, "Events waiting\nto be processed (a \\ b)", pending::get);
    metrics.gauge(SidecarMetrics.IN_FLIGHT, "Events being processed", () -> 3L);
    metrics.gauge(
        SidecarMetrics.DEAD_LETTERS,
        "Dead letters kept",
        () -> {
          throw new IllegalStateException("the store is closed");
        });
    metrics.gauge("sidecar_answer_unknown", "A supplier that has no answer", () -> null);

    PrometheusText first = PrometheusText.parse(metrics.scrape());
    pending.set(5);
    PrometheusText second = PrometheusText.parse(metrics.scrape());

    assertThat(first.value(SidecarMetrics.PENDING, Map.of())).isEqualTo(12);
    assertThat(second.value(SidecarMetrics.PENDING, Map.of())).isEqualTo(5);
    assertThat(second.value(SidecarMetrics.IN_FLIGHT, Map.of())).isEqualTo(3);
    assertThat(second.value(SidecarMetrics.DEAD_LETTERS, Map.of())).isNaN();
    assertThat(second.value("sidecar_answer_unknown", Map.of())).isNaN();
    assertThat(second.family(SidecarMetrics.PENDING).type).isEqualTo("gauge");
    assertThat(second.family(SidecarMetrics.PENDING).help)
        .isEqualTo("Events waiting\nto be processed (a \\ b)");
  }

  @Test
  void aGaugeNeedsAGoodNameAHelpAndNoTwin() {
    metrics.gauge(SidecarMetrics.PENDING, "Pending events", () -> 1);
    assertThatThrownBy(() -> metrics.gauge(SidecarMetrics.PENDING, "again", () -> 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registered already");
    assertThatThrownBy(() -> metrics.gauge("sidecar-queue", "bad", () -> 2))
        .hasMessageContaining("not a Prometheus metric name");
    assertThatThrownBy(() -> metrics.gauge("sidecar_queue_total", "bad", () -> 2))
        .hasMessageContaining("may not end in _total");
    assertThatThrownBy(() -> metrics.gauge("sidecar_queue", " ", () -> 2))
        .hasMessageContaining("needs a help text");
  }

  @Test
  void pythonExecutionsAreCountedByOutcomeAndTimed() {
    record Execution(String kind, long nanos, String outcome) {}
    List<Execution> executions =
        List.of(
            new Execution("code", 2_000_000, "done"),
            new Execution("code", 30_000_000, "done"),
            new Execution("code", 700_000_000, "failed"),
            new Execution("code", 20_000_000_000L, "timeout"),
            new Execution("expression", 400_000, "done"),
            new Execution("expression", 9_000_000, "limit"));
    executions.forEach(e -> metrics.executed(e.kind(), e.nanos(), e.outcome()));

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    Map<Map<String, String>, Double> counts = new HashMap<>();
    Map<String, List<Duration>> times = new HashMap<>();
    for (Execution e : executions) {
      counts.merge(Map.of("kind", e.kind(), "outcome", e.outcome()), 1.0, Double::sum);
      times.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(Duration.ofNanos(e.nanos()));
    }
    assertThat(scrape.samples("sidecar_python_executions_total")).hasSize(counts.size());
    counts.forEach(
        (labels, n) ->
            assertThat(scrape.value("sidecar_python_executions_total", labels)).isEqualTo(n));
    times.forEach(
        (kind, list) ->
            assertHistogram(scrape, "sidecar_python_seconds", Map.of("kind", kind), list));
  }

  @Test
  void theListenerNeverThrows_missingNamesBecomeEmptyLabels() {
    assertThatCode(
            () -> {
              metrics.received(null, null, null, null, 2, null, null);
              metrics.settled(null, null, null, null);
              metrics.executed(null, -5, null);
            })
        .doesNotThrowAnyException();

    PrometheusText scrape = PrometheusText.parse(metrics.scrape());

    assertThat(
            scrape.value(
                "sidecar_events_received_total",
                Map.of("source", "", "database", "", "model", "", "operation", "")))
        .isEqualTo(2);
    assertThat(
            scrape.value(
                "sidecar_events_settled_total",
                Map.of("database", "", "model", "", "operation", "", "result", "")))
        .isEqualTo(1);
    assertThat(scrape.value("sidecar_python_seconds_sum", Map.of("kind", ""))).isZero();
  }

  /**
   * A histogram's series holds exactly these durations: its count, its sum, and in each bucket the
   * durations up to its bound.
   */
  static void assertHistogram(
      PrometheusText scrape, String name, Map<String, String> labels, List<Duration> durations) {
    assertThat(scrape.family(name).type).isEqualTo("histogram");
    assertThat(scrape.value(name + "_count", labels)).isEqualTo(durations.size());
    double seconds = durations.stream().mapToLong(Duration::toNanos).sum() / 1e9;
    assertThat(scrape.value(name + "_sum", labels)).isCloseTo(seconds, within(1e-9));
    List<PrometheusText.Sample> buckets =
        scrape.samples(name + "_bucket").stream()
            .filter(s -> without(s.labels(), "le").equals(labels))
            .toList();
    assertThat(buckets).hasSizeGreaterThan(2);
    for (PrometheusText.Sample bucket : buckets) {
      double le = PrometheusText.parseFloat(bucket.labels().get("le"));
      long within =
          durations.stream()
              .filter(d -> le == Double.POSITIVE_INFINITY || d.toNanos() <= Math.round(le * 1e9))
              .count();
      assertThat(bucket.value()).as(name + labels + " le=" + le).isEqualTo(within);
    }
  }

  static Map<String, String> without(Map<String, String> labels, String key) {
    Map<String, String> out = new HashMap<>(labels);
    out.remove(key);
    return out;
  }
}
