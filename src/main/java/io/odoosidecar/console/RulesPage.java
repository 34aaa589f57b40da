package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleBackend.DeadLetter;
import io.odoosidecar.console.ConsoleBackend.RuleStats;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every rule with its runs' figures, and the switch that pauses and resumes it. */
public final class RulesPage implements ConsolePage {

  /** The page's data. */
  public record View(List<Row> rows) {
    public View {
      rows = List.copyOf(rows);
    }
  }

  /** A rule and how many dead letters its runs left. */
  public record Row(RuleStats rule, long deadLetters) {}

  @Override
  public String name() {
    return "rules";
  }

  @Override
  public String route() {
    return "/rules";
  }

  @Override
  public String title() {
    return "Rules";
  }

  @Override
  public Answer render(PageRequest request) {
    Map<String, Long> dead =
        request.backend().deadLetters().stream()
            .collect(Collectors.groupingBy(DeadLetter::rule, Collectors.counting()));
    List<Row> rows =
        request.backend().rules().stream()
            .map(rule -> new Row(rule, dead.getOrDefault(rule.name(), 0L)))
            .toList();
    return request.render("rules.jte", new View(rows));
  }

  @Override
  public Map<String, FormAction> actions() {
    return Map.of(
        "/rules/pause", switchTo("Paused", r -> r::pause),
        "/rules/resume", switchTo("Resumed", r -> r::resume));
  }

  private interface Switch {
    void apply(String rule, String user);
  }

  private static FormAction switchTo(String done, Function<ConsoleBackend, Switch> what) {
    return request -> {
      String rule = request.required("rule");
      what.apply(request.backend()).apply(rule, request.user());
      return Answer.redirect("/rules", done + " the rule '" + rule + "'.");
    };
  }
}
