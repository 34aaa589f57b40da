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

  /** One action as it ran; its result is read once the batch is settled. */
  private record Ran(
      int index,
      String kind,
      List<Long> records,
      long micros,
      String error,
      List<RuleRun.Call> calls) {}

  private final List<Ran> ran = new ArrayList<>();

  /** Notes an action run over {@code records}. */
  void action(
      int index,
      Map<String, Object> action,
      Collection<Long> records,
      long nanos,
      List<RuleRun.Call> calls) {
    Object kind = action.get("state");
    ran.add(
        new Ran(
            index,
            kind == null ? "" : kind.toString(),
            List.copyOf(records),
            nanos / 1000,
            actionError,
            calls));
    micros += nanos / 1000;
    actionError = "";
  }

  /** Whether any action ran. */
  boolean ran() {
    return !ran.isEmpty();
  }

  /**
   * The run, once its batch is settled: each action's result read from how the events of its
   * records ended ({@code settledAs} answers null for an event that did not fail), the run's the
   * worst of its actions'.
   */
  RuleRun finish(LongFunction<String> settledAs) {
    List<RuleRun.Action> actions = new ArrayList<>();
    String result = "done";
    for (Ran action : ran) {
      String own = "done";
      for (Long record : action.records()) {
        Long event = eventOf.get(record);
        String settled = event == null ? null : settledAs.apply(event);
        if (settled != null && worse(settled, own)) {
          own = settled;
        }
      }
      actions.add(
          new RuleRun.Action(
              action.index(),
              action.kind(),
              action.records().size(),
              action.micros(),
              own,
              own.equals("done") ? "" : action.error(),
              action.calls()));
      if (worse(own, result)) {
        result = own;
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

  private static boolean worse(String a, String b) {
    return WORST_FIRST.indexOf(a) < WORST_FIRST.indexOf(b);
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
