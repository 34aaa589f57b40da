package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleBackend.RuleStats;
import io.odoosidecar.pipeline.RuleRun;
import java.util.List;

/** A rule's recent runs: each action with its result, duration and Odoo calls; tracebacks. */
public final class RunsPage implements ConsolePage {
  /** How many runs are shown. */
  static final int LIMIT = 50;

  /** The page's data. */
  public record View(RuleStats rule, List<RuleRun> runs) {
    public View {
      runs = List.copyOf(runs);
    }
  }

  @Override
  public String name() {
    return "runs";
  }

  @Override
  public String route() {
    return "/runs";
  }

  @Override
  public String title() {
    return "Runs";
  }

  @Override
  public boolean inMenu() {
    return false;
  }

  @Override
  public Answer render(PageRequest request) {
    String name = request.required("rule");
    RuleStats rule =
        request.backend().rules().stream()
            .filter(r -> r.name().equals(name))
            .findFirst()
            .orElseThrow(() -> ConsoleError.notFound("no rule is named '" + name + "'"));
    return request.render(
        "runs.jte", "Runs of " + name, new View(rule, request.backend().runs(name, LIMIT)));
  }
}
