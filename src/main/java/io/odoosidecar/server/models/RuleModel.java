package io.odoosidecar.server.models;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.store.RuleStates;
import io.odoosidecar.store.RunHistory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The model {@code sidecar.rule}: the rules in force, each with its stable id, pause, cumulative
 * count of firings, last run and last error from the {@link RuleStates}, and its durations over the
 * runs the {@link RunHistory} keeps.
 *
 * <p>A rule is from {@code odoo} when it was imported from a database ("Run in sidecar", its {@code
 * database} parameter set), else from a {@code file}. {@code automation_id} is False: an imported
 * rule does not carry its {@code base.automation} id.
 */
public final class RuleModel extends SidecarModel {
  /** The model's name on the endpoint. */
  public static final String NAME = "sidecar.rule";

  private static final List<Field> FIELDS =
      List.of(
          Field.of("id", "integer", "ID"),
          Field.of("name", "char", "Name"),
          Field.of("model", "char", "Model"),
          Field.selection("trigger", "Trigger", RunModel.triggers()),
          Field.selection("source", "Source", List.of("file", "odoo")),
          Field.of("file", "char", "File"),
          Field.of("database", "char", "Database"),
          Field.of("active", "boolean", "Active"),
          Field.of("paused", "boolean", "Paused"),
          Field.of("fired", "integer", "Fired"),
          Field.of("last_run", "datetime", "Last run"),
          Field.of("last_error", "text", "Last error"),
          Field.of("p50_ms", "float", "Median duration (ms)"),
          Field.of("p95_ms", "float", "95th percentile duration (ms)"),
          Field.of("automation_id", "integer", "Automation rule ID"));

  private final Supplier<List<Rule>> rules;
  private final RuleStates states;
  private final RunHistory history;
  private final Function<String, String> fileOf;

  /** Rules whose files are not known ({@code file} empty). */
  public RuleModel(Supplier<List<Rule>> rules, RuleStates states, RunHistory history) {
    this(rules, states, history, name -> "");
  }

  /**
   * @param rules the rules in force
   * @param fileOf the file a rule (by name) comes from, or empty
   */
  public RuleModel(
      Supplier<List<Rule>> rules,
      RuleStates states,
      RunHistory history,
      Function<String, String> fileOf) {
    super(NAME, FIELDS, "id", PAGE);
    this.rules = rules;
    this.states = states;
    this.history = history;
    this.fileOf = fileOf;
  }

  @Override
  protected Rows rows() {
    Map<String, RunHistory.Stats> stats = history.stats();
    List<Map<String, Object>> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Rule rule : rules.get()) {
      if (seen.add(rule.name())) {
        out.add(row(rule, stats.get(rule.name())));
      }
    }
    return inMemory(out);
  }

  private Map<String, Object> row(Rule rule, RunHistory.Stats stats) {
    long id = states.id(rule.name());
    RuleStates.State state = states.state(rule.name()).orElse(null);
    Object database = rule.parameters().get("database");
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", rule.name());
    row.put("model", rule.model());
    row.put("trigger", rule.trigger().odooName());
    row.put("source", database == null ? "file" : "odoo");
    row.put("file", text(fileOf.apply(rule.name())));
    row.put("database", database == null ? "" : String.valueOf(database));
    row.put("active", rule.active());
    row.put("paused", states.isPaused(rule.name()));
    row.put("fired", state == null ? 0L : state.fired());
    row.put("last_run", datetime(lastRun(state, stats)));
    row.put("last_error", lastError(state, stats));
    row.put("p50_ms", stats == null ? 0.0 : stats.p50Ms());
    row.put("p95_ms", stats == null ? 0.0 : stats.p95Ms());
    row.put("automation_id", Boolean.FALSE);
    return row;
  }

  private static java.time.Instant lastRun(RuleStates.State state, RunHistory.Stats stats) {
    if (state != null && state.lastRun() != null) {
      return state.lastRun();
    }
    return stats == null ? null : stats.lastRun();
  }

  private static String lastError(RuleStates.State state, RunHistory.Stats stats) {
    if (state != null && !state.lastError().isEmpty()) {
      return state.lastError();
    }
    return stats == null ? "" : stats.lastError();
  }
}
