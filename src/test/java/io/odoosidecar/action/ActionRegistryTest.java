package io.odoosidecar.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry of action kinds: its names, one kind more, and a kind it has no executor for. */
class ActionRegistryTest {
  final ActionKindsTest.RecordingOdoo odoo =
      new ActionKindsTest.RecordingOdoo(new ArrayList<>(), Map.of());

  static ActionTarget target(Map<String, Object> action) {
    Rule rule =
        new Rule(
            "R", "crm.lead", true, Trigger.ON_WRITE, List.of(), null, null, Map.of(), List.of());
    return new ActionTarget(rule, "0", action, "crm.lead", List.of(1L, 2L), Map.of());
  }

  @Test
  void standard_namesEveryKindTheSidecarRuns_sorted() {
    assertThat(ActionRegistry.standard().names())
        .containsExactly(
            "api_sync",
            "code",
            "followers",
            "mail_post",
            "multi",
            "next_activity",
            "object_create",
            "object_write",
            "remove_followers",
            "sms",
            "webhook");
    assertThat(ActionRegistry.standardNames()).isEqualTo(ActionRegistry.standard().names());
  }

  @Test
  void with_addsAKindToANewRegistry_theOriginalUnchanged() {
    ActionRegistry standard = ActionRegistry.standard();
    ActionRegistry more = standard.with("x_export", (context, target) -> "synced " + target.ids());

    assertThat(more.names()).contains("x_export").containsAll(standard.names());
    assertThat(List.copyOf(more.names())).isSorted();
    assertThat(standard.names()).doesNotContain("x_export");
    assertThat(standard.find("x_export")).isEmpty();
    ActionContext context =
        ActionContext.builder(odoo, new ExternalIds(odoo)).registry(more).build();
    assertThat(context.run(target(Map.of("state", "x_export")))).isEqualTo("synced [1, 2]");
  }

  @Test
  void with_aKindInsideMulti_runsThroughTheSameRegistry() {
    List<String> seen = new ArrayList<>();
    ActionRegistry more =
        ActionRegistry.standard()
            .with(
                "api_sync",
                (context, target) -> {
                  seen.add(target.index());
                  return "synced";
                });
    ActionContext context =
        ActionContext.builder(odoo, new ExternalIds(odoo)).registry(more).build();

    String result =
        context.run(
            target(
                Map.of(
                    "state",
                    "multi",
                    "child_ids",
                    List.of(Map.of("state", "api_sync"), Map.of("state", "api_sync")))));

    assertThat(result).isEqualTo("synced; synced");
    assertThat(seen).containsExactly("0.0", "0.1");
  }

  @Test
  void run_aKindWithoutAnExecutor_isRefusedNamingTheRuleActionAndKnownKinds() {
    ActionContext context = ActionContext.builder(odoo, new ExternalIds(odoo)).build();

    assertThatThrownBy(() -> context.run(target(Map.of("state", "object_copy"))))
        .isInstanceOf(UnsupportedActionException.class)
        .hasMessageContaining("rule 'R', action 0")
        .hasMessageContaining("'object_copy'")
        .hasMessageContaining("known kinds: " + String.join(", ", ActionRegistry.standardNames()));
    assertThat(odoo.calls).isEmpty();
  }

  @Test
  void with_aBlankName_isRefused() {
    assertThatThrownBy(() -> ActionRegistry.empty().with(" ", (context, target) -> ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ActionRegistry.empty().names()).isEmpty();
  }
}
