package io.odoosidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.pipeline.PipelineListener;
import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.script.PythonEngine;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's metrics, in one Prometheus registry: what the pipeline tells (events received and
 * settled, push lag, rule runs and their actions), the Python executions, the Odoo calls of the
 * clients wrapped by {@link #meter(OdooClient)}, and gauges read from the integrator's suppliers at
 * each scrape.
 *
 * <p>Labels stay bounded: sources, databases, models, operations, results, rule names, action kinds
 * and Odoo method names, never an id. Every listener method returns quickly and never throws.
 */
public final class SidecarMetrics implements PipelineListener, PythonEngine.ExecutionListener {
  /** The gauge of the events waiting to be processed. */
  public static final String PENDING = "sidecar_events_pending";

  /** The gauge of the events being processed now. */
  public static final String IN_FLIGHT = "sidecar_events_in_flight";

  /** The gauge of the dead letters kept. */
  public static final String DEAD_LETTERS = "sidecar_dead_letters";

  private static final Logger LOG = LoggerFactory.getLogger(SidecarMetrics.class);

  /** A Prometheus metric name. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** Suffixes the Prometheus format gives other meanings, which a gauge's name may not end in. */
  private static final List<String> RESERVED =
      List.of("_total", "_created", "_bucket", "_count", "_sum", "_info", "_max");

  /** Buckets of a change's way from Odoo to the sidecar's store. */
  private static final Duration[] LAG_BUCKETS =
      seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600);

  /** Buckets of an action's, an Odoo call's or a Python execution's time. */
  static final Duration[] WORK_BUCKETS =
      seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);

  private final PrometheusMeterRegistry registry;
  private final Set<String> gauges = ConcurrentHashMap.newKeySet();

  /**
   * @param clock the sidecar's clock: the registry's wall time and the metered clients' timings
   */
  public SidecarMetrics(Clock clock) {
    this.registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), MetricsClock.of(clock));
  }

  /** The registry, for more meters of the integrator's own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  /** An Undertow handler answering {@code GET} with {@link #scrape()}. */
  public MetricsHandler handler() {
    return new MetricsHandler(this);
  }

  /**
   * {@code client} with every call timed and its failures counted (see {@link MeteredOdooClient}).
   */
  public OdooClient meter(OdooClient client) {
    return client instanceof MeteredOdooClient ? client : new MeteredOdooClient(client, this);
  }

  /**
   * Registers a gauge read from {@code supplier} at each scrape; a supplier that throws or answers
   * null reads as NaN.
   *
   * @param name its Prometheus name ({@link #PENDING}, ...), not ending in a suffix the format
   *     reserves ({@code _total}, {@code _count}, ...)
   * @param help what it measures, for the {@code # HELP} line
   * @throws IllegalArgumentException for a bad or already registered name, or an empty help
   */
  public void gauge(String name, String help, Supplier<? extends Number> supplier) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
    }
    for (String suffix : RESERVED) {
      if (name.endsWith(suffix)) {
        throw new IllegalArgumentException(
            "a gauge's name may not end in " + suffix + ": '" + name + "'");
      }
    }
    if (help == null || help.isBlank()) {
      throw new IllegalArgumentException("the gauge '" + name + "' needs a help text");
    }
    java.util.Objects.requireNonNull(supplier, "supplier");
    if (!gauges.add(name)) {
      throw new IllegalArgumentException("a gauge named '" + name + "' is registered already");
    }
    Gauge.builder(name, supplier, s -> read(name, s))
        .description(help)
        .strongReference(true)
        .register(registry);
  }

  private static double read(String name, Supplier<? extends Number> supplier) {
    try {
      Number value = supplier.get();
      return value == null ? Double.NaN : value.doubleValue();
    } catch (RuntimeException e) {
      LOG.debug("gauge {} could not be read: {}", name, e.toString());
      return Double.NaN;
    }
  }

  // ------------------------------------------------------------------- the pipeline

  @Override
  public void received(
      String source,
      String database,
      String model,
      String operation,
      int count,
      Instant changedAt,
      Instant storedAt) {
    guard(
        () -> {
          Counter.builder("sidecar.events.received")
              .description("Events stored, by source, database, model and operation")
              .tag("source", label(source))
              .tag("database", label(database))
              .tag("model", label(model))
              .tag("operation", label(operation))
              .register(registry)
              .increment(Math.max(0, count));
          if (changedAt != null && storedAt != null && count > 0) {
            Duration lag = Duration.between(changedAt, storedAt);
            Timer.builder("sidecar.push.lag")
                .description(
                    "From a change in Odoo to its events stored in the sidecar, once per"
                        + " notification (a change stamped after it was stored counts as no lag)")
                .tag("source", label(source))
                .serviceLevelObjectives(LAG_BUCKETS)
                .register(registry)
                .record(lag.isNegative() ? Duration.ZERO : lag);
          }
        });
  }

  /** The settled counters by their labels: one event after another, no meter lookup each. */
  private final java.util.Map<java.util.List<String>, Counter> settledCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public void settled(String database, String model, String operation, String result) {
    guard(
        () ->
            settledCounters
                .computeIfAbsent(
                    java.util.List.of(
                        label(database), label(model), label(operation), label(result)),
                    labels ->
                        Counter.builder("sidecar.events.settled")
                            .description(
                                "Events settled by a batch, by result: done, retry, waiting, parked"
                                    + " or held")
                            .tag("database", labels.get(0))
                            .tag("model", labels.get(1))
                            .tag("operation", labels.get(2))
                            .tag("result", labels.get(3))
                            .register(registry))
                .increment());
  }

  @Override
  public void ran(RuleRun run) {
    guard(
        () -> {
          String rule = label(run.rule());
          Counter.builder("sidecar.rule.firings")
              .description("Records a rule ran its actions on")
              .tag("rule", rule)
              .register(registry)
              .increment(run.records().size());
          Counter.builder("sidecar.rule.runs")
              .description("Runs of a rule, by result: done, failed, parked or waiting")
              .tag("rule", rule)
              .tag("result", label(run.result()))
              .register(registry)
              .increment();
          for (RuleRun.Action action : run.actions()) {
            action(action);
          }
        });
  }

  /** An action's time (unless skipped: done by an earlier attempt) and its failure. */
  private void action(RuleRun.Action action) {
    String kind = label(action.kind());
    String result = label(action.result());
    if (!"skipped".equals(result)) {
      Timer.builder("sidecar.action.duration")
          .description("Time an action took over the records of a run, by kind")
          .tag("kind", kind)
          .serviceLevelObjectives(WORK_BUCKETS)
          .register(registry)
          .record(Duration.ofNanos(Math.max(0, action.durationMicros()) * 1_000));
    }
    if ("failed".equals(result) || "parked".equals(result)) {
      Counter.builder("sidecar.action.failures")
          .description("Actions that failed (tried again) or parked their records, by kind")
          .tag("kind", kind)
          .tag("result", result)
          .register(registry)
          .increment();
    }
  }

  // ------------------------------------------------------------------- Python

  @Override
  public void executed(String kind, long nanos, String outcome) {
    guard(
        () -> {
          Counter.builder("sidecar.python.executions")
              .description("Python executions (code actions, expressions), by outcome")
              .tag("kind", label(kind))
              .tag("outcome", label(outcome))
              .register(registry)
              .increment();
          Timer.builder("sidecar.python")
              .description("Time of a Python execution, its Odoo calls included")
              .tag("kind", label(kind))
              .serviceLevelObjectives(WORK_BUCKETS)
              .register(registry)
              .record(Duration.ofNanos(Math.max(0, nanos)));
        });
  }

  // ------------------------------------------------------------------- helpers

  /** The registry the metered clients record on. */
  MeterRegistry meters() {
    return registry;
  }

  private static void guard(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      LOG.warn("metrics: {}", e.toString());
    }
  }

  /** A label's value: null as empty. */
  static String label(String value) {
    return value == null ? "" : value;
  }

  /** A label's value in lower case (an enum's name). */
  static String label(Enum<?> value) {
    return value == null ? "" : value.name().toLowerCase(Locale.ROOT);
  }

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return out;
  }
}
