package io.odoosidecar.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Domains Odoo refuses are refused too, with a message naming the leaf. */
class DomainErrorsTest {
  private static final Conformance DATA = Conformance.load(DomainConformanceTest.fixtures());

  private static void search(String model, String domain) {
    DATA.engine().search(model, Domain.parse(domain), false);
  }

  @Test
  void unknownField_namesModelFieldAndLeaf() {
    assertThatThrownBy(() -> search("res.partner", "[('nosuchfield', '=', 1)]"))
        .isInstanceOf(DomainException.class)
        .hasMessage("Invalid field res.partner.nosuchfield in leaf ('nosuchfield', '=', 1)");
    assertThatThrownBy(() -> search("crm.lead", "[('partner_id.nosuch', '=', 1)]"))
        .hasMessageContaining("Invalid field res.partner.nosuch");
  }

  @Test
  void unknownOperatorOrShape_isAnInvalidLeaf() {
    assertThatThrownBy(() -> Domain.parse("[('name', 'bogus_op', 1)]"))
        .hasMessage("Invalid leaf ('name', 'bogus_op', 1)");
    assertThatThrownBy(() -> Domain.parse("[('name', '=')]"))
        .hasMessage("Invalid leaf ('name', '=')");
    assertThatThrownBy(() -> Domain.parse("['|', ('a', '=', 1)]"))
        .hasMessageContaining("syntactically not correct");
    assertThatThrownBy(() -> Domain.parse("[('a', '=', 1), 'x']"))
        .hasMessageContaining("Invalid leaf 'x'");
    assertThatThrownBy(() -> Domain.parse("[('a', '=', 1)"))
        .hasMessageContaining("cannot parse domain");
  }

  @Test
  void wrongValueShape_namesTheTerm() {
    assertThatThrownBy(() -> search("crm.lead", "[('color', 'in', 5)]"))
        .hasMessageContaining("Invalid domain term ('color', 'in', 5)");
    assertThatThrownBy(() -> search("crm.lead", "[('date_deadline', '<', 'tomorrow')]"))
        .hasMessageContaining("Invalid value 'tomorrow' for field date_deadline (date)");
    assertThatThrownBy(() -> search("crm.lead", "[('name', 'any', [('a', '=', 1)])]"))
        .hasMessageContaining("not relational");
  }

  @Test
  void leafOnANonStoredFieldWithoutValue_isUndecidable_notGuessed() {
    Map<String, Object> lead =
        DATA.store()
            .get(
                "crm.lead",
                DATA.store().all("crm.lead").iterator().next().get("id") instanceof Number n
                    ? n.longValue()
                    : 0);
    assertThat(lead).isNotNull();
    String field =
        DATA.schema().model("crm.lead").fields().values().stream()
            .filter(f -> !f.store() && !f.type().relational() && !lead.containsKey(f.name()))
            .findFirst()
            .orElseThrow()
            .name();
    assertThatThrownBy(
            () ->
                DATA.engine()
                    .matches("crm.lead", Domain.parse("[('" + field + "', '=', False)]"), lead))
        .isInstanceOf(UndecidableException.class)
        .hasMessageContaining(field);
  }
}
