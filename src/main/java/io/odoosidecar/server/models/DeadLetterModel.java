package io.odoosidecar.server.models;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.RunHistory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The model {@code sidecar.dead_letter}: the dead letters of the event log (oldest first), each
 * with the traceback and rule of the last run that failed on it, as the {@link RunHistory} keeps
 * them; for the console, the addon and {@code sidecar dead-letters} while the daemon holds the
 * store.
 *
 * <p>{@code action_replay(ids)} puts dead letters back in line, attempts reset, and answers the ids
 * that were dead letters; {@code action_discard(ids)} gives up on them (kept in the log as {@code
 * discarded}) and answers the ids discarded.
 */
public final class DeadLetterModel extends SidecarModel {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.dead_letter";

  private static final String DEAD = "dead";

  private static final List<Field> FIELDS =
      List.of(
          Field.of("id", "integer", "ID"),
          Field.of("database", "char", "Database"),
          Field.of("model", "char", "Model"),
          Field.of("record_id", "integer", "Record ID"),
          Field.of("operation", "char", "Operation"),
          Field.of("attempts", "integer", "Attempts"),
          Field.of("last_error", "text", "Last error"),
          Field.of("traceback", "text", "Traceback"),
          Field.of("rule", "char", "Rule"),
          Field.of("failed_at", "datetime", "Failed at"));

  private final EventLog log;
  private final Function<Collection<Long>, Map<Long, RunHistory.Run>> failures;
  private final Runnable wake;
  private final Clock clock;

  /**
   * Dead letters with the last failing run of each, as {@code history} keeps them.
   *
   * @param wake called after dead letters were put back in line
   */
  public DeadLetterModel(EventLog log, RunHistory history, Runnable wake, Clock clock) {
    this(log, history::lastFailures, wake, clock, PAGE);
  }

  /** Dead letters without a run history: no traceback, rule nor failure time. */
  public DeadLetterModel(EventLog log, Runnable wake, Clock clock) {
    this(log, ids -> Map.of(), wake, clock, PAGE);
  }

  /**
   * @param failures the last failing run of each of some events that has one, by event id
   * @param pageSize the dead letters read from the log at a time
   */
  public DeadLetterModel(
      EventLog log,
      Function<Collection<Long>, Map<Long, RunHistory.Run>> failures,
      Runnable wake,
      Clock clock,
      int pageSize) {
    super(NAME, FIELDS, "id", pageSize);
    this.log = log;
    this.failures = failures;
    this.wake = wake;
    this.clock = clock;
  }

  @Override
  protected Rows rows() {
    return new Rows() {
      @Override
      public List<Map<String, Object>> page(long from, boolean descending, int size) {
        return rows(log.page(from, descending, size, DEAD));
      }

      @Override
      public List<Map<String, Object>> byIds(Collection<Long> ids) {
        return rows(log.events(ids).stream().filter(e -> DEAD.equals(e.status())).toList());
      }
    };
  }

  private List<Map<String, Object>> rows(List<EventLog.Event> events) {
    Map<Long, RunHistory.Run> last =
        events.isEmpty()
            ? Map.of()
            : failures.apply(events.stream().map(EventLog.Event::id).toList());
    List<Map<String, Object>> out = new ArrayList<>();
    for (EventLog.Event e : events) {
      RunHistory.Run run = last.get(e.id());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", e.id());
      row.put("database", e.database());
      row.put("model", e.model());
      row.put("record_id", e.recordId());
      row.put("operation", e.operation());
      row.put("attempts", e.attempts());
      row.put("last_error", text(e.lastError()));
      row.put("traceback", run == null ? "" : run.run().traceback());
      row.put("rule", run == null ? "" : run.run().rule());
      row.put(
          "failed_at",
          run == null
              ? Boolean.FALSE
              : datetime(run.run().started().plusNanos(run.run().durationMicros() * 1000)));
      out.add(row);
    }
    return out;
  }

  @Override
  protected List<String> actions() {
    return List.of("action_replay", "action_discard");
  }

  @Override
  protected Object action(String method, List<Object> args, Map<String, Object> kwargs)
      throws RpcFault {
    List<Long> ids = ids(method, bind(method, args, kwargs, "ids").get("ids"));
    if (method.equals("action_discard")) {
      return log.discard(ids, clock.instant(), "an RPC client");
    }
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
}
