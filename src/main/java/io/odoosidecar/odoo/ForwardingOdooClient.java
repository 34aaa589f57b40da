package io.odoosidecar.odoo;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client that hands every call to the client behind it: the base of the decorators that watch
 * calls (record them for the run history, meter them) and override what they watch.
 */
public abstract class ForwardingOdooClient implements OdooClient {
  /** The client calls go to. */
  protected final OdooClient delegate;

  protected ForwardingOdooClient(OdooClient delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
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
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    return delegate.executeKw(model, method, args, kwargs);
  }

  @Override
  public Map<String, FieldInfo> fieldsGet(String model) {
    return delegate.fieldsGet(model);
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
