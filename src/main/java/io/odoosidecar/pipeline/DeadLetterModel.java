package io.odoosidecar.pipeline;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model {@code sidecar.dead_letter} of the sidecar's RPC endpoint: the dead letters of the
 * running daemon's event log, for {@code sidecar dead-letters} while the daemon holds the store.
 * {@code search_read([])} lists them, oldest first; {@code action_replay(ids)} puts them back in
 * line and answers the ids that were dead letters.
 */
public final class DeadLetterModel implements RpcModels.Model {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.dead_letter";

  /** The fields of a dead letter, as {@code search_read} answers them. */
  public static final List<String> FIELDS =
      List.of("id", "database", "model", "operation", "record_id", "attempts", "last_error");

  private final EventLog log;
  private final Runnable wake;
  private final Clock clock;

  /**
   * @param wake called after dead letters were put back in line
   */
  public DeadLetterModel(EventLog log, Runnable wake, Clock clock) {
    this.log = log;
    this.wake = wake;
    this.clock = clock;
  }

  @Override
  public Object call(String method, List<Object> args, Map<String, Object> kwargs) throws RpcFault {
    switch (method) {
      case "search_read":
        if (!args.isEmpty() && !(args.get(0) instanceof List<?> domain && domain.isEmpty())) {
          throw RpcFault.malformed(NAME + ".search_read takes an empty domain: []");
        }
        return searchRead();
      case "action_replay":
        return replay(ids(args));
      default:
        throw RpcFault.malformed(
            NAME + " has no method " + method + "; it has search_read and action_replay");
    }
  }

  private List<Map<String, Object>> searchRead() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (EventLog.Event e : log.deadLetters()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("database", e.database());
      row.put("model", e.model());
      row.put("operation", e.operation());
      row.put("record_id", e.recordId());
      row.put("attempts", e.attempts());
      row.put("last_error", e.lastError() == null ? "" : e.lastError());
      out.add(row);
    }
    return out;
  }

  private List<Long> replay(List<Long> ids) {
    List<Long> replayed = new ArrayList<>();
    for (long id : ids) {
      if (log.replay(id, clock.instant())) {
        replayed.add(id);
      }
    }
    if (!replayed.isEmpty()) {
      wake.run();
    }
    return replayed;
  }

  private static List<Long> ids(List<Object> args) throws RpcFault {
    if (args.isEmpty() || !(args.get(0) instanceof List<?> list)) {
      throw RpcFault.malformed(NAME + ".action_replay takes the ids: [[1, 2]]");
    }
    List<Long> ids = new ArrayList<>();
    for (Object id : list) {
      if (!(id instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() <= 0) {
        throw RpcFault.malformed(NAME + ".action_replay: not a dead letter id: " + id);
      }
      ids.add(n.longValue());
    }
    return ids;
  }
}
