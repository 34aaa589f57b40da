package io.odoosidecar.pipeline;

import io.odoosidecar.rule.Rule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** What one rule's run did, noted action by action, for {@link PipelineListener#ran}. */
final class RunTrace {
  /** The longest traceback kept. */
  static final int MAX_TRACEBACK = 16 * 1024;

  private static final List<String> WORST_FIRST = List.of("parked", "failed", "waiting", "done");

  private final Rule rule;
  private final String database;
  private final String model;
  private final Map<Long, Long> eventOf;
  private final Instant started;
  private final List<RuleRun.Action> actions = new ArrayList<>();
  private String error = "";
  private String traceback = "";
  private String actionError = "";
  private long micros;

  RunTrace(Rule rule, String database, String model, Map<Long, Long> eventOf, Instant started) {
    this.rule = rule;
    this.database = database;
    this.model = model;
    this.eventOf = eventOf;
    this.started = started;
  }

  /** Notes a failure of the action under way (the run keeps its first). */
  void failure(Throwable e) {
    String message =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    if (actionError.isEmpty()) {
      actionError = message;
    }
    if (error.isEmpty()) {
      error = message;
      traceback = traceback(e);
    }
  }

  /**
   * Notes an action done over {@code records}, its result read from how their events were settled
   * ({@code settledAs} answers null for an event it left unsettled).
   */
  void action(
      int index,
      Map<String, Object> action,
      Collection<Long> records,
      long nanos,
      LongFunction<String> settledAs,
      List<RuleRun.Call> calls) {
    String result = "done";
    for (Long record : records) {
      String settled = settledAs.apply(eventOf.get(record));
      if (settled != null && WORST_FIRST.indexOf(settled) < WORST_FIRST.indexOf(result)) {
        result = settled;
      }
    }
    Object kind = action.get("state");
    actions.add(
        new RuleRun.Action(
            index,
            kind == null ? "" : kind.toString(),
            records.size(),
            nanos / 1000,
            result,
            result.equals("done") ? "" : actionError,
            calls));
    micros += nanos / 1000;
    actionError = "";
  }

  /** Whether any action ran. */
  boolean ran() {
    return !actions.isEmpty();
  }

  /** The run, its result the worst of its actions'. */
  RuleRun finish() {
    String result = "done";
    for (RuleRun.Action action : actions) {
      if (WORST_FIRST.indexOf(action.result()) < WORST_FIRST.indexOf(result)) {
        result = action.result();
      }
    }
    List<Long> records = new ArrayList<>(eventOf.keySet());
    List<Long> events = new ArrayList<>(records.size());
    records.forEach(r -> events.add(eventOf.get(r)));
    return new RuleRun(
        rule.name(),
        rule.trigger().odooName(),
        database,
        model,
        events,
        records,
        started,
        micros,
        result,
        result.equals("done") ? "" : error,
        result.equals("done") ? "" : traceback,
        actions);
  }

  /** Python's traceback for code (its message carries it), the exception chain otherwise. */
  static String traceback(Throwable e) {
    String text;
    if (e instanceof io.odoosidecar.script.PythonEngine.ScriptException) {
      text = String.valueOf(e.getMessage());
    } else {
      StringWriter out = new StringWriter();
      e.printStackTrace(new PrintWriter(out));
      text = out.toString();
    }
    return text.length() <= MAX_TRACEBACK ? text : text.substring(0, MAX_TRACEBACK) + "\n…";
  }
}
