package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleBackend.Explanation;
import io.odoosidecar.console.ConsoleBackend.RuleStats;
import java.util.List;

/** Whether a rule would fire on a record now, leaf by leaf, with the values compared. */
public final class ExplainPage implements ConsolePage {

  /**
   * The page's data.
   *
   * @param rules the rules' names, for the choice
   * @param rule the rule asked about, or empty
   * @param record the record id asked about, or empty
   * @param explanation the answer, or null when nothing was asked or it failed
   * @param error why there is no answer, or empty
   */
  public record View(
      List<String> rules, String rule, String record, Explanation explanation, String error) {
    public View {
      rules = List.copyOf(rules);
    }
  }

  @Override
  public String name() {
    return "explain";
  }

  @Override
  public String route() {
    return "/explain";
  }

  @Override
  public String title() {
    return "Explain";
  }

  @Override
  public Answer render(PageRequest request) {
    List<String> rules = request.backend().rules().stream().map(RuleStats::name).toList();
    String rule = request.param("rule");
    String record = request.param("record");
    if (rule.isEmpty() || record.isEmpty()) {
      return request.render("explain.jte", new View(rules, rule, record, null, ""));
    }
    long id = request.number("record");
    try {
      Explanation explanation = request.backend().explain(rule, id);
      return request.render("explain.jte", new View(rules, rule, record, explanation, ""));
    } catch (IllegalArgumentException e) {
      return request.render(
          404,
          "explain.jte",
          request.chrome(),
          new View(rules, rule, record, null, String.valueOf(e.getMessage())));
    }
  }
}
