package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.odoo.FieldInfo;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {
  private static final Schema SCHEMA =
      Schema.of(
          Map.of(
              "crm.lead",
              Map.of(
                  "expected_revenue", FieldInfo.of("expected_revenue", Map.of("type", "monetary")),
                  "priority", FieldInfo.of("priority", Map.of("type", "selection")),
                  "active", FieldInfo.of("active", Map.of("type", "boolean")),
                  "name", FieldInfo.of("name", Map.of("type", "char")))));
  private static final RuleMatcher MATCHER =
      new RuleMatcher(
          SCHEMA,
          new DomainExpression.Context(
              2, Map.of("id", 2L), LocalDate.now(), LocalDateTime.now(), x -> null, Map.of()));

  private static Rule rule(Trigger trigger, List<String> watched, String pre, String post) {
    return new Rule("r", "crm.lead", true, trigger, watched, pre, post);
  }

  private static Map<String, Object> lead(
      long id, double revenue, String priority, boolean active) {
    return Map.of(
        "id",
        id,
        "expected_revenue",
        revenue,
        "priority",
        priority,
        "active",
        active,
        "name",
        "L" + id);
  }

  private static ChangeEvent write(
      Set<String> fields, Map<String, Object> before, Map<String, Object> after) {
    long id = (Long) after.get("id");
    return new ChangeEvent(
        "crm.lead",
        ChangeEvent.Operation.WRITE,
        List.of(id),
        fields,
        Map.of(id, before),
        Map.of(id, after));
  }

  @Test
  void write_needsPreOnOldValues_postOnNewValues() {
    Rule crossing =
        rule(
            Trigger.ON_WRITE,
            List.of(),
            "[('expected_revenue', '<', 10000)]",
            "[('expected_revenue', '>=', 10000)]");
    assertThat(
            MATCHER.match(
                write(
                    Set.of("expected_revenue"), lead(1, 500, "0", true), lead(1, 20000, "0", true)),
                List.of(crossing)))
        .hasSize(1);
    assertThat(
            MATCHER.match(
                write(
                    Set.of("expected_revenue"),
                    lead(1, 15000, "0", true),
                    lead(1, 20000, "0", true)),
                List.of(crossing)))
        .as("already above before the write")
        .isEmpty();
  }

  @Test
  void watchedField_mustBeWrittenAndChanged() {
    Rule watching = rule(Trigger.ON_WRITE, List.of("priority"), null, null);
    assertThat(
            MATCHER.match(
                write(Set.of("priority"), lead(1, 0, "0", true), lead(1, 0, "1", true)),
                List.of(watching)))
        .hasSize(1);
    assertThat(
            MATCHER.match(
                write(Set.of("priority"), lead(1, 0, "1", true), lead(1, 0, "1", true)),
                List.of(watching)))
        .as("same value written")
        .isEmpty();
    assertThat(
            MATCHER.match(
                write(Set.of("name"), lead(1, 0, "0", true), lead(1, 0, "1", true)),
                List.of(watching)))
        .as("not among the written fields")
        .isEmpty();
  }

  @Test
  void createAndUnlinkAndArchive_runTheirTriggersOnly() {
    Rule onCreate = rule(Trigger.ON_CREATE, List.of(), null, "[('priority', '=', '3')]");
    Rule onWrite = rule(Trigger.ON_WRITE, List.of(), null, null);
    Rule onUnlink = rule(Trigger.ON_UNLINK, List.of(), null, "[('priority', '=', '3')]");
    Rule onArchive = rule(Trigger.ON_ARCHIVE, List.of("active"), null, "[('active', '=', False)]");
    ChangeEvent created =
        new ChangeEvent(
            "crm.lead",
            ChangeEvent.Operation.CREATE,
            List.of(5L),
            Set.of("priority"),
            Map.of(),
            Map.of(5L, lead(5, 0, "3", true)));
    assertThat(MATCHER.match(created, List.of(onCreate, onWrite, onUnlink)))
        .extracting(f -> f.rule())
        .containsExactly(onCreate);
    ChangeEvent deleted =
        new ChangeEvent(
            "crm.lead",
            ChangeEvent.Operation.UNLINK,
            List.of(5L),
            Set.of(),
            Map.of(5L, lead(5, 0, "3", true)),
            Map.of());
    assertThat(MATCHER.match(deleted, List.of(onCreate, onWrite, onUnlink)))
        .extracting(f -> f.rule())
        .containsExactly(onUnlink);
    assertThat(
            MATCHER.match(
                write(Set.of("active"), lead(5, 0, "3", true), lead(5, 0, "3", false)),
                List.of(onArchive)))
        .hasSize(1);
    assertThat(
            MATCHER.match(
                write(Set.of("active"), lead(5, 0, "3", false), lead(5, 0, "3", true)),
                List.of(onArchive)))
        .isEmpty();
  }

  @Test
  void inactiveRulesAndOtherModels_neverFire() {
    Rule inactive = new Rule("off", "crm.lead", false, Trigger.ON_WRITE, List.of(), null, null);
    Rule other = new Rule("other", "res.partner", true, Trigger.ON_WRITE, List.of(), null, null);
    assertThat(
            MATCHER.match(
                write(Set.of("name"), lead(1, 0, "0", true), lead(1, 0, "0", true)),
                List.of(inactive, other)))
        .isEmpty();
  }
}
