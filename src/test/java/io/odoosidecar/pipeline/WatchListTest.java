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

  static Rule deletion(String name, String model, String filter, Map<String, Object> action) {
    return new Rule(
        name, model, true, Trigger.ON_UNLINK, List.of(), null, filter, Map.of(), List.of(action));
  }

  static Map<String, Object> webhook(String... fields) {
    return Map.of(
        "state", "webhook", "webhook_url", "http://x", "webhook_field_ids", List.of(fields));
  }

  @Test
  void of_aDeletionRuleWithAWebhook_asksForTheWebhooksFieldsInTheSnapshot() {
    Map<String, Object> partner =
        model(
            WatchList.of(
                List.of(
                    deletion(
                        "D",
                        "res.partner",
                        "[('is_company', '=', True)]",
                        webhook("name", "email")))),
            "res.partner");

    assertThat(partner.get("operations")).isEqualTo(List.of("unlink"));
    assertThat(partner.get("unlink_fields")).isEqualTo(List.of("email", "name"));
    // the filter's fields still come as the old values, for the matching
    assertThat(partner.get("old_fields")).isEqualTo(List.of("is_company"));
  }

  @Test
  void of_aDeletionRuleWithCode_asksForEveryStoredField_andKeepsOtherRulesNamesBesideIt() {
    Map<String, Object> partner =
        model(
            WatchList.of(
                List.of(
                    deletion("W", "res.partner", null, webhook("name")),
                    deletion(
                        "C",
                        "res.partner",
                        null,
                        Map.of("state", "code", "code", "log(record.name)")))),
            "res.partner");

    // "*" leaves out what is not stored, one2many and files: a name asked for stays beside it
    assertThat(partner.get("unlink_fields")).isEqualTo(List.of(WatchList.ALL_FIELDS, "name"));
  }

  @Test
  void of_multiActionsGiveTheirChildrensNeeds_andOtherKindsNone() {
    Map<String, Object> multi =
        Map.of(
            "state",
            "multi",
            "child_ids",
            List.of(
                webhook("phone"),
                Map.of("state", "object_write", "update_path", "name", "value", "x")));
    Map<String, Object> watch =
        WatchList.of(
            List.of(
                deletion("M", "res.partner", null, multi),
                deletion(
                    "F",
                    "crm.lead",
                    "[('stage_id', '!=', False)]",
                    Map.of("state", "followers", "partner_ids", List.of(3)))));

    assertThat(model(watch, "res.partner").get("unlink_fields")).isEqualTo(List.of("phone"));
    assertThat(model(watch, "crm.lead").get("unlink_fields")).isEqualTo(List.of());
    assertThat(model(watch, "crm.lead").get("old_fields")).isEqualTo(List.of("stage_id"));
  }

  @Test
  void of_anObjectWriteThroughARelation_asksForTheRelationInTheSnapshot() {
    Map<String, Object> watch =
        WatchList.of(
            List.of(
                deletion(
                    "P",
                    "res.partner",
                    null,
                    Map.of(
                        "state", "object_write", "update_path", "parent_id.email", "value", "x"))));

    assertThat(model(watch, "res.partner").get("unlink_fields")).isEqualTo(List.of("parent_id"));
  }

  @Test
  void of_rulesOfOtherTriggersOrInactive_askForNoSnapshot() {
    Rule inactive =
        new Rule(
            "Off",
            "res.partner",
            false,
            Trigger.ON_UNLINK,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(webhook("name")));
    Rule onWrite =
        new Rule(
            "W",
            "res.partner",
            true,
            Trigger.ON_WRITE,
            List.of("email"),
            null,
            null,
            Map.of(),
            List.of(Map.of("state", "code", "code", "pass")));

    Map<String, Object> partner = model(WatchList.of(List.of(inactive, onWrite)), "res.partner");

    assertThat(partner.get("operations")).isEqualTo(List.of("write"));
    assertThat(partner.get("unlink_fields")).isEqualTo(List.of());
  }

  @Test
  void of_otherNeedsOfDeletedRecords_watchTheirModelForDeletionsAndJoinTheRulesFields() {
    Map<String, Object> watch =
        WatchList.of(
            List.of(deletion("D", "res.partner", null, webhook("name"))),
            Map.of(
                "res.partner", java.util.Set.of("ref", "email"),
                "product.product", java.util.Set.of("default_code")));

    assertThat(model(watch, "res.partner").get("unlink_fields"))
        .isEqualTo(List.of("email", "name", "ref"));
    Map<String, Object> product = model(watch, "product.product");
    assertThat(product.get("operations")).isEqualTo(List.of("unlink"));
    assertThat(product.get("old_fields")).isEqualTo(List.of());
    assertThat(product.get("unlink_fields")).isEqualTo(List.of("default_code"));
    assertThat(product.get("messages")).isEqualTo(false);
  }
}
