package io.odoosidecar.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.OdooTransportException;
import io.odoosidecar.odoo.ServerVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link OdooClient} whose calls are timed ({@code sidecar_odoo_calls_seconds}, a histogram by
 * connection, model, method and transport) and whose failures are counted ({@code
 * sidecar_odoo_call_failures_total}, by connection, model, method and kind: the {@link
 * io.odoosidecar.odoo.OdooErrorKind} of a fault in lower case, {@code transport} for no answer,
 * {@code other} for anything else).
 *
 * <p>Every {@link #executeKw} is one call under its Odoo method's name (the typed helpers go
 * through it); {@link #version()}, {@link #authenticate()} and {@link #fieldsGet(String)} are timed
 * under {@code version}, {@code authenticate} and {@code fieldsGet} (the client's own, answered
 * from its cache after the first). The transport is read from the client once a call has succeeded
 * (it is then known without asking the server); until then it reads {@code unknown}.
 */
public final class MeteredOdooClient extends io.odoosidecar.odoo.ForwardingOdooClient {
  private static final Logger LOG = LoggerFactory.getLogger(MeteredOdooClient.class);
  private final MeterRegistry registry;
  private final AtomicReference<String> transport;

  /** Meters {@code delegate}'s calls on {@code metrics}' registry. */
  public MeteredOdooClient(OdooClient delegate, SidecarMetrics metrics) {
    this(delegate, metrics.meters(), new AtomicReference<>());
  }

  private MeteredOdooClient(
      OdooClient delegate, MeterRegistry registry, AtomicReference<String> transport) {
    super(delegate);
    this.registry = registry;
    this.transport = transport;
  }

  /** The client whose calls this one meters. */
  public OdooClient delegate() {
    return delegate;
  }

  @Override
  public ServerVersion version() {
    return timed("", "version", delegate::version);
  }

  @Override
  public long authenticate() {
    return timed("", "authenticate", delegate::authenticate);
  }

  @Override
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    return timed(model, method, () -> delegate.executeKw(model, method, args, kwargs));
  }

  @Override
  public OdooClient withContext(Map<String, ?> context) {
    return new MeteredOdooClient(delegate.withContext(context), registry, transport);
  }

  @Override
  public Map<String, FieldInfo> fieldsGet(String model) {
    return timed(model, "fieldsGet", () -> delegate.fieldsGet(model));
  }

  private <T> T timed(String model, String method, Supplier<T> call) {
    Timer.Sample sample = Timer.start(registry);
    RuntimeException failure = null;
    try {
      T result = call.get();
      known();
      return result;
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      record(sample, model, method, failure);
    }
  }

  /** Reads the transport after a call succeeded: the client knows it then. */
  private void known() {
    if (transport.get() == null) {
      try {
        transport.compareAndSet(null, delegate.transport().configName());
      } catch (RuntimeException e) {
        LOG.debug("transport of {} not known yet: {}", delegate.name(), e.toString());
      }
    }
  }

  private void record(Timer.Sample sample, String model, String method, RuntimeException failure) {
    try {
      String via = transport.get();
      sample.stop(
          Timer.builder("sidecar.odoo.calls")
              .description("Time of a call to Odoo, failed ones included")
              .tag("connection", SidecarMetrics.label(delegate.name()))
              .tag("model", SidecarMetrics.label(model))
              .tag("method", SidecarMetrics.label(method))
              .tag("transport", via == null ? "unknown" : via)
              .serviceLevelObjectives(SidecarMetrics.WORK_BUCKETS)
              .register(registry));
      if (failure != null) {
        Counter.builder("sidecar.odoo.call.failures")
            .description(
                "Calls to Odoo that failed, by kind: an Odoo error kind, transport or other")
            .tag("connection", SidecarMetrics.label(delegate.name()))
            .tag("model", SidecarMetrics.label(model))
            .tag("method", SidecarMetrics.label(method))
            .tag("kind", kind(failure))
            .register(registry)
            .increment();
      }
    } catch (RuntimeException e) {
      LOG.warn("metrics of a call to {}: {}", delegate.name(), e.toString()); // never fails it
    }
  }

  /** The label of a failure's kind. */
  static String kind(RuntimeException failure) {
    if (failure instanceof OdooFaultException fault) {
      return SidecarMetrics.label(fault.kind());
    }
    if (failure instanceof OdooTransportException) {
      return "transport";
    }
    return "other";
  }
}
