package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchListTest {
  static Rule rule(
      String name, String model, Trigger trigger, List<String> watched, String pre, String filter) {
    return new Rule(
        name,
        model,
        true,
        trigger,
        watched,
        pre,
        filter,
        Map.of(),
        List.of(Map.of("state", "object_write", "update_path", "priority", "value", "3")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> model(Map<String, Object> watch, String model) {
    return (Map<String, Object>) ((Map<String, Object>) watch.get("models")).get(model);
  }

  @Test
  void aWriteRuleAsksForEveryFieldItIsMatchedOn_soThePushIsEnough() {
    Map<String, Object> watch =
        WatchList.of(
            List.of(
                rule(
                    "W",
                    "crm.lead",
                    Trigger.ON_WRITE,
                    List.of("expected_revenue"),
                    "[('stage_id.is_won', '=', False)]",
                    "[('priority', '=', '3')]")));

    Map<String, Object> lead = model(watch, "crm.lead");
    assertThat(lead.get("operations")).isEqualTo(List.of("write"));
    // the first field of a dotted path, the watched and filtered fields, and active
    assertThat(lead.get("old_fields"))
        .isEqualTo(List.of("active", "expected_revenue", "priority", "stage_id"));
    assertThat(lead.get("messages")).isEqualTo(false);
  }

  @Test
  void createDeleteAndMessageRulesAskForWhatTheirOperationsNeed() {
    Map<String, Object> watch =
        WatchList.of(
            List.of(
                rule(
                    "C",
                    "res.partner",
                    Trigger.ON_CREATE,
                    List.of(),
                    null,
                    "[('email', '!=', False)]"),
                rule(
                    "D",
                    "res.partner",
                    Trigger.ON_UNLINK,
                    List.of(),
                    null,
                    "[('name', 'ilike', 'x')]"),
                rule("M", "res.partner", Trigger.ON_MESSAGE_RECEIVED, List.of(), null, null)));

    Map<String, Object> partner = model(watch, "res.partner");
    assertThat(partner.get("operations")).isEqualTo(List.of("create", "unlink"));
    assertThat(partner.get("old_fields")).isEqualTo(List.of("name"));
    assertThat(partner.get("messages")).isEqualTo(true);
  }
}
