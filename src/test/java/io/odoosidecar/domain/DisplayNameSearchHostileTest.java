package io.odoosidecar.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.FieldInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Many2one leaves compared with a display name, on models whose display name is not their {@code
 * name}: the records Odoo 18's {@code _search_display_name} overrides select.
 */
class DisplayNameSearchHostileTest {
  private static final Conformance DATA = Conformance.load(DomainConformanceTest.fixtures());

  private static Set<Long> search(String model, String domain) {
    return DATA.engine().search(model, Domain.parse(domain), false);
  }

  private static long id(Map<String, Object> record) {
    return ((Number) record.get("id")).longValue();
  }

  private static Long many2one(Object value) {
    return value instanceof List<?> pair ? ((Number) pair.get(0)).longValue() : null;
  }

  /** The ids of the fixture's states named {@code name} in the country whose code is given. */
  private static Set<Long> states(String name, String countryCode) {
    Set<Long> countries =
        DATA.store().all("res.country").stream()
            .filter(c -> countryCode.equals(c.get("code")))
            .map(DisplayNameSearchHostileTest::id)
            .collect(Collectors.toSet());
    return DATA.store().all("res.country.state").stream()
        .filter(
            s -> name.equals(s.get("name")) && countries.contains(many2one(s.get("country_id"))))
        .map(DisplayNameSearchHostileTest::id)
        .collect(Collectors.toSet());
  }

  private static Set<Long> partners(Predicate<Long> stateId) {
    return DATA.store().all("res.partner").stream()
        .filter(p -> stateId.test(many2one(p.get("state_id"))))
        .map(DisplayNameSearchHostileTest::id)
        .collect(Collectors.toSet());
  }

  /*
   * Odoo 18 turns ('state_id', '!=', 'California (US)') into ('state_id', 'not in', S) OR
   * ('state_id', '=', False), S being the states res.country.state._search_display_name('=',
   * 'California (US)') finds: name or code equal to the text (none), OR the text taken apart by
   * _get_name_search_domain: name = 'California' AND (country name ilike 'US' OR country code =
   * 'US'): California, United States. So every partner but the Californian ones, those without a
   * state included.
   */
  @Test
  void negatedMany2oneByDisplayName_excludesTheStateItNames() {
    Set<Long> california = states("California", "US");
    assertThat(california).hasSize(1);
    Set<Long> expected = partners(state -> state == null || !california.contains(state));
    assertThat(partners(california::contains))
        .as("the fixtures have Californian partners")
        .isNotEmpty();

    assertThat(search("res.partner", "[('state_id', '!=', 'California (US)')]"))
        .isEqualTo(expected);
  }

  /*
   * 'not ilike' is negated the same way: the states found by 'ilike' 'California (US)' are those
   * whose name or code contains the text (none) OR named like 'California' in a country named like
   * 'US' or coded 'US': California (US) only (Baja California is in Mexico, coded MX).
   */
  @Test
  void notIlikeByDisplayName_excludesTheStateItNames() {
    Set<Long> california = states("California", "US");
    Set<Long> expected = partners(state -> state == null || !california.contains(state));

    assertThat(search("res.partner", "[('state_id', 'not ilike', 'California (US)')]"))
        .isEqualTo(expected);
  }

  /* '=' and 'in' with display names find the states they name (the '=' search above, per name). */
  @Test
  void equalsAndInByDisplayName_selectTheStatesTheyName() {
    Set<Long> california = states("California", "US");
    Set<Long> oregon = states("Oregon", "US");
    assertThat(search("res.partner", "[('state_id', '=', 'California (US)')]"))
        .isEqualTo(partners(s -> s != null && california.contains(s)));
    assertThat(search("res.partner", "[('state_id', 'in', ['California (US)', 'Oregon (US)'])]"))
        .isEqualTo(partners(s -> s != null && (california.contains(s) || oregon.contains(s))));
  }

  /* '=' on the code: _rec_names_search is ['name', 'code'], so the code alone finds its states. */
  @Test
  void equalsOnTheCode_findsEveryStateWithThatCode() {
    Set<Long> coded =
        DATA.store().all("res.country.state").stream()
            .filter(s -> "CA".equals(s.get("code")) || "CA".equals(s.get("name")))
            .map(DisplayNameSearchHostileTest::id)
            .collect(Collectors.toSet());
    assertThat(search("res.partner", "[('state_id', '=', 'CA')]"))
        .isEqualTo(partners(s -> s != null && coded.contains(s)));
  }

  /*
   * product.product._search_display_name('=', '[FURN_7777] Office Chair') ORs name, default_code
   * and barcode equal to the text (none) with ('default_code', '=', 'FURN_7777'), the code in
   * brackets: the lines of that product.
   */
  @Test
  void productByItsDisplayName_foundByTheBracketedCode() {
    Set<Long> chairs =
        DATA.store().all("product.product").stream()
            .filter(p -> "FURN_7777".equals(p.get("default_code")))
            .map(DisplayNameSearchHostileTest::id)
            .collect(Collectors.toSet());
    assertThat(chairs).hasSize(1);
    Set<Long> expected =
        DATA.store().all("sale.order.line").stream()
            .filter(l -> chairs.contains(many2one(l.get("product_id"))))
            .map(DisplayNameSearchHostileTest::id)
            .collect(Collectors.toSet());
    assertThat(expected).as("the fixtures sell office chairs").isNotEmpty();

    assertThat(search("sale.order.line", "[('product_id', '=', '[FURN_7777] Office Chair')]"))
        .isEqualTo(expected);
  }

  // ------------------------------------------------------------------ models built here

  private static FieldInfo field(String name, String type, String relation) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("type", type);
    attributes.put("string", name);
    attributes.put("store", true);
    if (relation != null) {
      attributes.put("relation", relation);
    }
    return FieldInfo.of(name, attributes);
  }

  private static Map<String, Object> record(long id, Object... pairs) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  /** Move lines on accounts shown as "CODE Name", and banks shown as "Name - BIC". */
  private static DomainEngine accounts() {
    Map<String, Map<String, FieldInfo>> fields =
        Map.of(
            "account.account",
            Map.of("name", field("name", "char", null), "code", field("code", "char", null)),
            "res.bank",
            Map.of("name", field("name", "char", null), "bic", field("bic", "char", null)),
            "account.move.line",
            Map.of(
                "account_id", field("account_id", "many2one", "account.account"),
                "bank_id", field("bank_id", "many2one", "res.bank")));
    Map<String, Map<Long, Map<String, Object>>> records = new LinkedHashMap<>();
    records.put(
        "account.account",
        Map.of(
            1L, record(1, "code", "400000", "name", "Product Sales"),
            2L, record(2, "code", "400100", "name", "Service Sales"),
            3L, record(3, "code", "600000", "name", "Expenses")));
    records.put(
        "res.bank",
        Map.of(
            1L, record(1, "name", "Big Bank", "bic", "BBANKBE22"),
            2L, record(2, "name", "Small Bank", "bic", "SMALBE33")));
    records.put(
        "account.move.line",
        Map.of(
            10L,
                record(
                    10,
                    "account_id",
                    List.of(1L, "400000 Product Sales"),
                    "bank_id",
                    List.of(1L, "Big Bank - BBANKBE22")),
            11L,
                record(
                    11,
                    "account_id",
                    List.of(2L, "400100 Service Sales"),
                    "bank_id",
                    List.of(2L, "Small Bank - SMALBE33")),
            12L, record(12, "account_id", List.of(3L, "600000 Expenses"), "bank_id", false)));
    return new DomainEngine(Schema.of(fields), RecordStore.of(records));
  }

  /*
   * account.account._search_display_name('=', '400000 Product Sales') is
   * ['|', ('code', '=', '400000'), ('name', '=', '400000 Product Sales')]: account 1 by its code.
   * So '!=' keeps the lines on accounts 2 and 3.
   */
  @Test
  void account_negatedByDisplayName_matchesTheCodeOfItsFirstWord() {
    DomainEngine engine = accounts();
    assertThat(
            engine.search(
                "account.move.line",
                Domain.parse("[('account_id', '!=', '400000 Product Sales')]"),
                false))
        .containsExactlyInAnyOrder(11L, 12L);
  }

  /*
   * 'ilike' '4001' becomes ['|', ('code', '=like', '4001%'), ('name', 'ilike', '4001')]: account 2
   * by its code prefix (no name holds '4001'); 'not ilike' keeps the others.
   */
  @Test
  void account_ilikeByDisplayName_searchesTheCodeAsAPrefix() {
    DomainEngine engine = accounts();
    assertThat(
            engine.search(
                "account.move.line", Domain.parse("[('account_id', 'ilike', '4001')]"), false))
        .containsExactly(11L);
    assertThat(
            engine.search(
                "account.move.line", Domain.parse("[('account_id', 'not ilike', '4001')]"), false))
        .containsExactlyInAnyOrder(10L, 12L);
  }

  /*
   * res.bank._search_display_name('ilike', 'SMALBE') is ['|', ('bic', '=ilike', 'SMALBE%'),
   * ('name', 'ilike', 'SMALBE')]: bank 2 by its BIC prefix (no name holds it); 'BE22' is inside
   * bank 1's BIC but not at its start, and in no name: no bank.
   */
  @Test
  void bank_ilikeByDisplayName_searchesTheBicAsAPrefix() {
    DomainEngine engine = accounts();
    assertThat(
            engine.search(
                "account.move.line", Domain.parse("[('bank_id', 'ilike', 'SMALBE')]"), false))
        .containsExactly(11L);
    assertThat(
            engine.search(
                "account.move.line", Domain.parse("[('bank_id', 'ilike', 'BE22')]"), false))
        .isEmpty();
  }
}
