package io.odoosidecar.pipeline;

import io.odoosidecar.odoo.OdooClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client that notes each call its actions make to Odoo (model, method, time, failure), for the
 * run history; every call goes to the client behind it. Calls may come from other threads (code
 * runs on the Python engine's), so the notes are kept under a lock.
 */
final class CallRecorder extends io.odoosidecar.odoo.ForwardingOdooClient {
  private final Notes notes;

  /** The calls noted since the last {@link #take}, shared by the views made with a context. */
  private static final class Notes {
    private final List<RuleRun.Call> calls = new ArrayList<>();
  }

  CallRecorder(OdooClient delegate) {
    this(delegate, new Notes());
  }

  private CallRecorder(OdooClient delegate, Notes notes) {
    super(delegate);
    this.notes = notes;
  }

  /** The calls noted since the last take, in order; forgets them. */
  List<RuleRun.Call> take() {
    synchronized (notes) {
      List<RuleRun.Call> out = List.copyOf(notes.calls);
      notes.calls.clear();
      return out;
    }
  }

  @Override
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    long start = System.nanoTime();
    String error = "";
    try {
      return delegate.executeKw(model, method, args, kwargs);
    } catch (RuntimeException e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      throw e;
    } finally {
      long micros = (System.nanoTime() - start) / 1000;
      synchronized (notes) {
        notes.calls.add(new RuleRun.Call(model, method, micros, error));
      }
    }
  }

  @Override
  public OdooClient withContext(Map<String, ?> context) {
    return new CallRecorder(delegate.withContext(context), notes);
  }

  @Override
  public void close() {
    // the client behind it is the pipeline's, closed with it
  }
}
