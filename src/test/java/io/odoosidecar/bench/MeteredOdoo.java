package io.odoosidecar.bench;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ServerVersion;
import io.odoosidecar.odoo.TransportKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A client that counts its calls and the time spent waiting on them, and reports each call. */
final class MeteredOdoo implements OdooClient {
  final AtomicLong calls;
  final AtomicLong nanos;
  static final java.util.Map<String, AtomicLong> BY_METHOD = new ConcurrentHashMap<>();
  private final Set<String> fieldModels;
  private final OdooClient delegate;
  private final Consumer<String> listener;

  MeteredOdoo(OdooClient delegate, Consumer<String> listener) {
    this(delegate, new AtomicLong(), new AtomicLong(), ConcurrentHashMap.newKeySet(), listener);
  }

  private MeteredOdoo(
      OdooClient delegate,
      AtomicLong calls,
      AtomicLong nanos,
      Set<String> fieldModels,
      Consumer<String> listener) {
    this.delegate = delegate;
    this.calls = calls;
    this.nanos = nanos;
    this.fieldModels = fieldModels;
    this.listener = listener;
  }

  @Override
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    long start = System.nanoTime();
    try {
      return delegate.executeKw(model, method, args, kwargs);
    } finally {
      nanos.addAndGet(System.nanoTime() - start);
      BY_METHOD.computeIfAbsent(method, k -> new AtomicLong()).addAndGet(System.nanoTime() - start);
      PythonBench.COUNTS.merge(model + "." + method, 1, Integer::sum);
      calls.incrementAndGet();
      listener.accept(method);
    }
  }

  @Override
  public Map<String, FieldInfo> fieldsGet(String model) {
    long start = System.nanoTime();
    try {
      return delegate.fieldsGet(model);
    } finally {
      if (fieldModels.add(model)) { // the first is a call, the rest come from the cache
        calls.incrementAndGet();
        nanos.addAndGet(System.nanoTime() - start);
      }
    }
  }

  @Override
  public OdooClient withContext(Map<String, ?> context) {
    return new MeteredOdoo(delegate.withContext(context), calls, nanos, fieldModels, listener);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String database() {
    return delegate.database();
  }

  @Override
  public TransportKind transport() {
    return delegate.transport();
  }

  @Override
  public ServerVersion version() {
    return delegate.version();
  }

  @Override
  public long authenticate() {
    return delegate.authenticate();
  }

  @Override
  public void invalidateFields(String model) {
    delegate.invalidateFields(model);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
