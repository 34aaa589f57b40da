package io.odoosidecar.sync;

import io.odoosidecar.odoo.OdooClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes onto the records what a sync learnt: the {@code response} lines' values from each answer
 * and the {@code status} fields ({@code synced} and the time after a success; {@code pending} and
 * the error after a failure the pipeline tries again, {@code failed} and the error after a final
 * refusal), one {@code write} per distinct set of values.
 */
final class WriteBack {
  static final String SYNCED = "synced";
  static final String FAILED = "failed";
  static final String PENDING = "pending";
  private static final DateTimeFormatter ODOO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final SyncConfig config;
  private final Map<Long, Map<String, Object>> values = new LinkedHashMap<>();

  WriteBack(SyncConfig config) {
    this.config = config;
  }

  /** A record the other side took: its answer's values and the success status. */
  void success(long id, Object answer, Instant now) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (SyncConfig.ResponseLine line : config.response()) {
      Object value = BodyBuilder.get(answer, line.key());
      if (value != null) {
        row.put(line.field(), value);
      }
    }
    SyncConfig.StatusFields status = config.status();
    putIf(row, status.state(), SYNCED);
    putIf(row, status.lastSuccess(), ODOO.format(now));
    putIf(row, status.lastError(), Boolean.FALSE);
    add(id, row);
  }

  /**
   * A record that failed: for good when the API refused it or nothing tries again ({@code failed}),
   * else for now ({@code pending}: every attempt of this try used, the pipeline tries the event
   * again).
   */
  void failure(long id, String error, boolean refused) {
    Map<String, Object> row = new LinkedHashMap<>();
    putIf(row, config.status().state(), refused ? FAILED : PENDING);
    putIf(row, config.status().lastError(), error);
    add(id, row);
  }

  /**
   * Writes the values gathered, grouped by identical values; returns the problem of each record
   * whose write failed.
   */
  Map<Long, String> flush(OdooClient client, String model) {
    Map<Map<String, Object>, List<Long>> groups = new LinkedHashMap<>();
    values.forEach((id, row) -> groups.computeIfAbsent(row, r -> new ArrayList<>()).add(id));
    Map<Long, String> problems = new LinkedHashMap<>();
    groups.forEach(
        (row, ids) -> {
          try {
            client.write(model, ids, row);
          } catch (RuntimeException e) {
            ids.forEach(id -> problems.put(id, "not written back to Odoo: " + e.getMessage()));
          }
        });
    return problems;
  }

  private void add(long id, Map<String, Object> row) {
    if (!row.isEmpty()) {
      values.put(id, row);
    }
  }

  private static void putIf(Map<String, Object> row, String field, Object value) {
    if (field != null) {
      row.put(field, value);
    }
  }
}
