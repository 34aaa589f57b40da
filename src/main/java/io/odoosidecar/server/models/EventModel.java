package io.odoosidecar.server.models;

import io.odoosidecar.store.EventLog;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The model {@code sidecar.event}: the events of the {@link EventLog}, read a page at a time in id
 * order, so that a long log is never held in memory.
 *
 * <p>{@code status} is the log's: {@code pending}, {@code running} (claimed by this process),
 * {@code done}, {@code dead} (a dead letter) or {@code discarded}; a pending event whose last
 * attempt failed, waiting for its next one, is {@code failed}. {@code next_attempt} is False once
 * the event is finished.
 */
public final class EventModel extends SidecarModel {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.event";

  /** The statuses of an event. */
  public static final List<String> STATUSES =
      List.of("pending", "running", "done", "failed", "dead", "discarded");

  private static final Set<String> FINISHED = Set.of("done", "dead", "discarded");

  private static final List<Field> FIELDS =
      List.of(
          Field.of("id", "integer", "ID"),
          Field.of("database", "char", "Database"),
          Field.of("model", "char", "Model"),
          Field.of("record_id", "integer", "Record ID"),
          Field.of("operation", "char", "Operation"),
          Field.selection("status", "Status", STATUSES),
          Field.of("attempts", "integer", "Attempts"),
          Field.of("last_error", "text", "Last error"),
          Field.of("next_attempt", "datetime", "Next attempt"));

  private final EventLog log;

  public EventModel(EventLog log) {
    this(log, PAGE);
  }

  /**
   * @param pageSize the events read from the log at a time
   */
  public EventModel(EventLog log, int pageSize) {
    super(NAME, FIELDS, "id", pageSize);
    this.log = log;
  }

  /** {@code push} and {@code watch_list} are the addon's, answered by the push receiver behind. */
  @Override
  public boolean serves(String method) {
    return !ADDON_METHODS.contains(method);
  }

  /** The methods of {@code sidecar.event} the addon calls. */
  static final java.util.Set<String> ADDON_METHODS = java.util.Set.of("push", "watch_list");

  @Override
  protected Rows rows() {
    return new Rows() {
      @Override
      public List<Map<String, Object>> page(long from, boolean descending, int size) {
        return log.page(from, descending, size, null).stream().map(EventModel::row).toList();
      }

      @Override
      public List<Map<String, Object>> byIds(Collection<Long> ids) {
        return log.events(ids).stream().map(EventModel::row).toList();
      }
    };
  }

  private static Map<String, Object> row(EventLog.Event e) {
    String status = "pending".equals(e.status()) && e.attempts() > 0 ? "failed" : e.status();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", e.id());
    row.put("database", e.database());
    row.put("model", e.model());
    row.put("record_id", e.recordId());
    row.put("operation", e.operation());
    row.put("status", status);
    row.put("attempts", e.attempts());
    row.put("last_error", text(e.lastError()));
    row.put(
        "next_attempt", FINISHED.contains(status) ? Boolean.FALSE : datetime(e.nextAttemptAt()));
    return row;
  }
}
