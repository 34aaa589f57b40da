package io.odoosidecar.domain;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ServerVersion;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory Odoo behind the client interface: {@code search_read} over the recorded records, its
 * domain evaluated by the engine (whose agreement with Odoo the conformance suite proves). Counts
 * the calls it answers.
 */
final class FixtureOdoo implements OdooClient {
  final AtomicInteger calls;
  private final Conformance data;
  private final Map<String, Object> context;

  FixtureOdoo(Conformance data) {
    this(data, new AtomicInteger(), Map.of());
  }

  private FixtureOdoo(Conformance data, AtomicInteger calls, Map<String, Object> context) {
    this.data = data;
    this.calls = calls;
    this.context = context;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    if (!method.equals("search_read")) {
      throw new IllegalArgumentException(
          "the fixture Odoo answers search_read only, not " + method);
    }
    calls.incrementAndGet();
    boolean activeTest = !Boolean.FALSE.equals(context.get("active_test"));
    List<Object> domain = (List<Object>) ValueCodec.encode(args.get(0));
    List<String> fields = (List<String>) kwargs.get("fields");
    List<Object> rows = new ArrayList<>();
    for (Long id : data.engine().search(model, Domain.of(domain), activeTest)) {
      Map<String, Object> record = data.store().get(model, id);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      for (String field : fields) {
        if (record.containsKey(field)) {
          row.put(field, record.get(field));
        }
      }
      rows.add(row);
    }
    return rows;
  }

  @Override
  public OdooClient withContext(Map<String, ?> extra) {
    Map<String, Object> merged = new LinkedHashMap<>(context);
    merged.putAll(extra);
    return new FixtureOdoo(data, calls, merged);
  }

  @Override
  public String name() {
    return "fixtures";
  }

  @Override
  public String database() {
    return "fixtures";
  }

  @Override
  public TransportKind transport() {
    return TransportKind.JSONRPC;
  }

  @Override
  public ServerVersion version() {
    return new ServerVersion("18.0", 18, 0, "18.0");
  }

  @Override
  public long authenticate() {
    return 2;
  }

  @Override
  public Map<String, FieldInfo> fieldsGet(String model) {
    throw new IllegalArgumentException("the fixture Odoo has no fields_get");
  }

  @Override
  public void invalidateFields(String model) {
    // nothing cached
  }

  @Override
  public void close() {
    // nothing to release
  }
}
