package io.odoosidecar.schedule;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The model {@code sidecar.schedule} of the sidecar's RPC endpoint: the running daemon's schedules
 * and timed rules, for {@code sidecar schedules list}. {@code search_read([{kind}])} answers one
 * row per schedule ({@link #row}), the criterion optional; times are ISO UTC instants, or empty.
 */
public final class ScheduleModel implements RpcModels.Model {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.schedule";

  private final Supplier<List<ScheduleStatus>> status;

  /**
   * @param status the schedules' state now (the runner's and the timed rules')
   */
  public ScheduleModel(Supplier<List<ScheduleStatus>> status) {
    this.status = status;
  }

  @Override
  public Object call(String method, List<Object> args, Map<String, Object> kwargs) throws RpcFault {
    if (!"search_read".equals(method)) {
      throw RpcFault.malformed(NAME + " has no method " + method + "; it has search_read");
    }
    Object criteria = args.isEmpty() ? null : args.get(0);
    if (criteria != null && !(criteria instanceof Map<?, ?>)) {
      throw RpcFault.malformed(NAME + ".search_read takes {kind}");
    }
    Object kind = criteria == null ? null : ((Map<?, ?>) criteria).get("kind");
    return status.get().stream()
        .filter(s -> kind == null || kind.equals(s.kind()))
        .map(ScheduleModel::row)
        .toList();
  }

  /** A schedule's state as the endpoint answers it; {@link #status} reads it back. */
  public static Map<String, Object> row(ScheduleStatus s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", s.kind());
    row.put("name", s.name());
    row.put("database", s.database() == null ? "" : s.database());
    row.put("next_fire", s.nextFire() == null ? "" : s.nextFire().toString());
    row.put("last_run", s.lastRun() == null ? "" : s.lastRun().toString());
    row.put("last_result", s.lastResult() == null ? "" : s.lastResult());
    row.put("pending", s.pending());
    row.put("running", s.running());
    return row;
  }

  /** A schedule's state from a row of {@code search_read}. */
  public static ScheduleStatus status(Map<?, ?> r) {
    String database = text(r.get("database"));
    String result = text(r.get("last_result"));
    return new ScheduleStatus(
        text(r.get("kind")),
        text(r.get("name")),
        database.isEmpty() ? null : database,
        instant(r.get("next_fire")),
        instant(r.get("last_run")),
        result.isEmpty() ? null : result,
        r.get("pending") instanceof Number n ? n.longValue() : 0,
        Boolean.TRUE.equals(r.get("running")));
  }

  private static Instant instant(Object value) {
    String text = text(value);
    return text.isEmpty() ? null : Instant.parse(text);
  }

  private static String text(Object value) {
    return value == null ? "" : String.valueOf(value);
  }
}
