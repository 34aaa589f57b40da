package io.odoosidecar.server.models;

import io.odoosidecar.pipeline.RuleRun;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.RuleStates;
import io.odoosidecar.store.RunHistory;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model {@code sidecar.run}: the rules' runs kept in the {@link RunHistory}, newest first, with
 * each rule's stable id from the {@link RuleStates}.
 */
public final class RunModel extends SidecarModel {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.run";

  /** The results of a run. */
  public static final List<String> RESULTS = List.of("done", "failed", "parked", "waiting");

  private static final List<Field> FIELDS =
      List.of(
          Field.of("id", "integer", "ID"),
          Field.of("rule", "char", "Rule"),
          Field.of("rule_id", "integer", "Rule ID"),
          Field.of("database", "char", "Database"),
          Field.of("model", "char", "Model"),
          Field.selection("trigger", "Trigger", triggers()),
          Field.of("event_ids", "char", "Events"),
          Field.of("record_ids", "char", "Records"),
          Field.of("records", "integer", "Record count"),
          Field.of("started", "datetime", "Started"),
          Field.of("duration_ms", "float", "Duration (ms)"),
          Field.selection("result", "Result", RESULTS),
          Field.of("error", "text", "Error"),
          Field.of("traceback", "text", "Traceback"),
          Field.of("actions", "text", "Actions"),
          Field.of("calls", "integer", "Odoo calls"));

  private final RunHistory history;
  private final RuleStates states;

  public RunModel(RunHistory history, RuleStates states) {
    this(history, states, PAGE);
  }

  /**
   * @param pageSize the runs read from the history at a time
   */
  public RunModel(RunHistory history, RuleStates states, int pageSize) {
    super(NAME, FIELDS, "id desc", pageSize);
    this.history = history;
    this.states = states;
  }

  /** Odoo's names of the triggers, for the selection fields. */
  static List<String> triggers() {
    return Arrays.stream(Trigger.values()).map(Trigger::odooName).toList();
  }

  @Override
  protected Rows rows() {
    Map<String, Long> ruleIds = new HashMap<>();
    return new Rows() {
      @Override
      public List<Map<String, Object>> page(long from, boolean descending, int size) {
        return history.page(from, descending, size).stream().map(r -> row(r, ruleIds)).toList();
      }

      @Override
      public List<Map<String, Object>> byIds(Collection<Long> ids) {
        return history.runs(ids).stream().map(r -> row(r, ruleIds)).toList();
      }
    };
  }

  private Map<String, Object> row(RunHistory.Run kept, Map<String, Long> ruleIds) {
    RuleRun run = kept.run();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", kept.id());
    row.put("rule", run.rule());
    row.put("rule_id", ruleIds.computeIfAbsent(run.rule(), states::id));
    row.put("database", run.database());
    row.put("model", run.model());
    row.put("trigger", run.trigger());
    row.put("event_ids", joined(run.events()));
    row.put("record_ids", joined(run.records()));
    row.put("records", run.records().size());
    row.put("started", datetime(run.started()));
    row.put("duration_ms", run.durationMicros() / 1000.0);
    row.put("result", run.result());
    row.put("error", text(run.error()));
    row.put("traceback", text(run.traceback()));
    row.put("actions", kept.actionsJson());
    row.put("calls", kept.calls());
    return row;
  }
}
