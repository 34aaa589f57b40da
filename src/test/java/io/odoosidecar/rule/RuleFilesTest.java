package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleFilesTest {
  @TempDir Path dir;

  @Test
  void shippedExamples_load_withOdoosComputedTriggerDomains() {
    List<Rule> rules = RuleFiles.load(Path.of("config/rules"));
    assertThat(rules)
        .extracting(Rule::name)
        .contains("VIP lead: raise priority", "Won lead: create task", "Commission on big orders");
    Rule won =
        rules.stream()
            .filter(r -> r.name().equals("Won lead: create task"))
            .findFirst()
            .orElseThrow();
    assertThat(won.trigger()).isEqualTo(Trigger.ON_STAGE_SET);
    assertThat(won.triggerFields()).containsExactly("stage_id");
    assertThat(won.filterDomain()).isEqualTo("[('stage_id', '=', ref('crm.stage_lead4'))]");
    assertThat(won.actions())
        .extracting(a -> a.get("state"))
        .containsExactly("object_create", "next_activity");
    Rule commission =
        rules.stream()
            .filter(r -> r.name().equals("Commission on big orders"))
            .findFirst()
            .orElseThrow();
    assertThat(commission.filterDomain()).isEqualTo("[('state', '=', 'sale')]");
    assertThat(commission.triggerFields()).containsExactly("state");
  }

  @Test
  void tagSet_getsOdoosBeforeAndAfterDomains() throws IOException {
    write(
        "a.yaml",
        "rules:\n  - {name: t, model: project.task, trigger: on_tag_set, trg_field_ref: 8}\n");
    Rule rule = RuleFiles.load(dir).get(0);
    assertThat(rule.filterPreDomain()).isEqualTo("[('tag_ids', 'not in', [8])]");
    assertThat(rule.filterDomain()).isEqualTo("[('tag_ids', 'in', [8])]");
  }

  @Test
  void aTimedRuleSaysWhetherItBackfills() throws IOException {
    write(
        "a.yaml",
        "rules:\n  - {name: t, model: crm.lead, trigger: on_time_created, trg_date_range: 1,"
            + " trg_date_range_type: day, backfill: true}\n");
    assertThat(RuleFiles.load(dir).get(0).parameters()).containsEntry("backfill", true);
    Path file =
        write(
            "a.yaml",
            "rules:\n  - {name: t, model: crm.lead, trigger: on_time_created, backfill: yes please}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageStartingWith(file + ": rule 't': backfill: must be true or false");
  }

  @Test
  void aTimedRulesTimingIsCheckedWhenItsFileLoads() throws IOException {
    String rule =
        "rules:\n  - {name: t, model: crm.lead, trigger: on_time, trg_date_id: date_deadline, ";
    Map<String, String> bad =
        Map.of(
            "trg_date_range_type: days}",
                "trg_date_range_type: must be minutes, hour, day or month",
            "trg_date_range: 1.5}", "trg_date_range: must be a whole number",
            "trg_date_range_mode: around}", "trg_date_range_mode: must be before or after",
            "trg_date_calendar_id: resource.standard}", "trg_date_calendar_id: must be a resource",
            "last_run: yesterday}", "last_run: must be a date-time");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Path file = write("t.yaml", rule + e.getKey() + "\n");
      assertThatThrownBy(() -> RuleFiles.load(dir))
          .as(e.getKey())
          .hasMessageStartingWith(file + ": rule 't': " + e.getValue());
    }
    write(
        "t.yaml",
        rule
            + "trg_date_range: -3, trg_date_range_type: day, trg_date_calendar_id: [1, Standard],"
            + " last_run: '2026-11-30 23:00:00'}\n");
    assertThat(RuleFiles.load(dir)).hasSize(1);
  }

  @Test
  void problems_nameTheFileTheRuleAndTheKey() throws IOException {
    Path file =
        write(
            "bad.yaml",
            "rules:\n  - {name: r1, model: crm.lead, trigger: on_write, filtre_domain: x}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageStartingWith(file + ": rule 'r1': filtre_domain: unknown key")
        .hasMessageContaining("filter_domain");
    write("bad.yaml", "rules:\n  - {name: r1, model: crm.lead, trigger: on_save}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("rule 'r1': trigger: unknown trigger 'on_save'")
        .hasMessageContaining("on_create_or_write");
    write(
        "bad.yaml",
        "rules:\n  - {name: r1, model: crm.lead, trigger: on_write, filter_domain: \"[('a', 'bogus', 1)]\"}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("rule 'r1': filter_domain: Invalid leaf ('a', 'bogus', 1)");
    write(
        "bad.yaml",
        "rules:\n  - name: r1\n    model: crm.lead\n    trigger: on_write\n    actions:\n      - {state: object_write, value: 3}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("rule 'r1': actions[0].update_path: is required for object_write");
    write(
        "bad.yaml",
        "rules:\n  - name: r1\n    model: crm.lead\n    trigger: on_write\n    actions:\n      - {state: teleport}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("actions[0].state: must be one of");
    write("bad.yaml", "rules:\n  - {model: crm.lead, trigger: on_write}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("rule #1: name: is required");
    write("bad.yaml", "rules:\n  - {name: r1, model: crm.lead, trigger: on_time}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("rule 'r1': trg_date_id: is required for on_time");
    write("bad.yaml", "rules: [unclosed\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageStartingWith(file + ": not valid YAML at line");
  }

  @Test
  void sameNameInTwoFiles_isRefused() throws IOException {
    write("a.yaml", "rules:\n  - {name: dup, model: crm.lead, trigger: on_write}\n");
    Path second =
        write("b.yaml", "rules:\n  - {name: dup, model: res.partner, trigger: on_create}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageStartingWith(second + ": rule 'dup': name: already used by a rule of");
  }

  @Test
  void dynamicDomain_isAcceptedAndLeftForEvaluation() throws IOException {
    write(
        "a.yaml",
        "rules:\n  - {name: mine, model: crm.lead, trigger: on_write, filter_domain: \"[('user_id', '=', uid)]\"}\n");
    assertThat(RuleFiles.load(dir).get(0).filterDomain()).isEqualTo("[('user_id', '=', uid)]");
  }

  private Path write(String name, String yaml) throws IOException {
    return Files.writeString(dir.resolve(name), yaml);
  }
}
