package io.odoosidecar.sync;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model {@code sidecar.sync_log} of the sidecar's RPC endpoint: the running daemon's sync log,
 * for {@code sidecar sync log} while the daemon holds the embedded store. {@code
 * search_read([{config, record_id, failed, limit}])} lists the entries newest first, each criterion
 * optional.
 */
public final class SyncLogModel implements RpcModels.Model {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.sync_log";

  private final SyncLog log;

  public SyncLogModel(SyncLog log) {
    this.log = log;
  }

  @Override
  public Object call(String method, List<Object> args, Map<String, Object> kwargs) throws RpcFault {
    if (!"search_read".equals(method)) {
      throw RpcFault.malformed(NAME + " has no method " + method + "; it has search_read");
    }
    Map<?, ?> criteria = args.isEmpty() || args.get(0) == null ? Map.of() : map(args.get(0));
    return log.query(query(criteria)).stream().map(SyncLogModel::row).toList();
  }

  private static Map<?, ?> map(Object value) throws RpcFault {
    if (value instanceof Map<?, ?> map) {
      return map;
    }
    throw RpcFault.malformed(NAME + ".search_read takes {config, record_id, failed, limit}");
  }

  private static SyncLog.Query query(Map<?, ?> c) {
    Object config = c.get("config");
    Object record = c.get("record_id");
    Object limit = c.get("limit");
    return new SyncLog.Query(
        config instanceof String s ? s : null,
        record instanceof Number n ? n.longValue() : null,
        Boolean.TRUE.equals(c.get("failed")),
        limit instanceof Number n ? n.intValue() : 50);
  }

  /** An entry as the endpoint answers it; {@link #entry} reads it back. */
  static Map<String, Object> row(SyncLog.Entry e) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", e.id());
    row.put("at", e.at().toString());
    row.put("config", e.config());
    row.put("record_ids", e.recordIds());
    row.put("operation", e.operation());
    row.put("method", e.method());
    row.put("url", e.url());
    row.put("status", e.status());
    row.put("duration_ms", e.took().toMillis());
    row.put("request_headers", e.requestHeaders());
    row.put("request_body", e.requestBody());
    row.put("answer_body", e.answerBody());
    row.put("error", e.error() == null ? "" : e.error());
    row.put("idempotency_key", e.idempotencyKey() == null ? "" : e.idempotencyKey());
    row.put("attempt", e.attempt());
    row.put("success", e.success());
    return row;
  }

  /** An entry from a row of {@code search_read}. */
  public static SyncLog.Entry entry(Map<?, ?> r) {
    List<Long> ids = new ArrayList<>();
    if (r.get("record_ids") instanceof List<?> list) {
      list.forEach(id -> ids.add(((Number) id).longValue()));
    }
    String error = text(r.get("error"));
    String key = text(r.get("idempotency_key"));
    return new SyncLog.Entry(
        number(r.get("id")),
        java.time.Instant.parse(text(r.get("at"))),
        text(r.get("config")),
        ids,
        text(r.get("operation")),
        text(r.get("method")),
        text(r.get("url")),
        (int) number(r.get("status")),
        java.time.Duration.ofMillis(number(r.get("duration_ms"))),
        text(r.get("request_headers")),
        text(r.get("request_body")),
        text(r.get("answer_body")),
        error.isEmpty() ? null : error,
        key.isEmpty() ? null : key,
        (int) number(r.get("attempt")),
        Boolean.TRUE.equals(r.get("success")));
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
