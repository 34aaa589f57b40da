package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against a live Odoo, on each transport the server offers. */
class OdooClientIT {

  private static OdooClient client(TransportKind kind) {
    OdooSettings settings = LiveOdoo.settings();
    if (kind == TransportKind.JSON2) {
      assumeTrue(settings.apiKey().isPresent(), "ODOO_API_KEY is not set: JSON-2 skipped");
      try (OdooClient probe = OdooClients.create(settings)) {
        assumeTrue(probe.version().hasJson2(), "the server has no JSON-2 API (Odoo 19+)");
      }
    } else {
      assumeTrue(
          settings.password().isPresent() || settings.apiKey().isPresent(), "no ODOO_PASSWORD");
    }
    return OdooClients.create(settings.withTransport(kind));
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"XMLRPC", "JSONRPC", "JSON2"})
  void crudRoundTrip_withTypedValues(TransportKind kind) {
    try (OdooClient odoo = client(kind)) {
      assertThat(odoo.authenticate()).isPositive();
      assertThat(odoo.transport()).isEqualTo(kind);
      String tag = "sidecar-it-" + UUID.randomUUID();
      long category = odoo.create("res.partner.category", Map.of("name", tag));
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("name", tag);
      values.put("email", "it@example.com");
      values.put("category_id", List.of(Command.set(List.of(category))));
      values.put("comment", null);
      long id = odoo.create("res.partner", values);
      try {
        OdooRecord read =
            odoo.read(
                    "res.partner",
                    List.of(id),
                    List.of("name", "category_id", "parent_id", "create_date", "active"))
                .get(0);
        assertThat(read.string("name")).contains(tag);
        assertThat(read.ids("category_id")).containsExactly(category);
        assertThat(read.many2one("parent_id")).isEmpty();
        assertThat(read.dateTime("create_date")).isPresent();
        assertThat(read.bool("active")).isTrue();

        assertThat(
                odoo.write(
                    "res.partner",
                    List.of(id),
                    Map.of("category_id", List.of(Command.unlink(category)), "phone", "+1 555")))
            .isTrue();
        OdooRecord after =
            odoo.read("res.partner", List.of(id), List.of("category_id", "phone")).get(0);
        assertThat(after.ids("category_id")).isEmpty();
        assertThat(after.string("phone")).contains("+1 555");

        List<List<Object>> domain = List.of(List.of("name", "=", tag));
        assertThat(odoo.search("res.partner", domain)).containsExactly(id);
        assertThat(odoo.searchCount("res.partner", domain)).isEqualTo(1);
        assertThat(odoo.searchRead("res.partner", domain, List.of("email"), SearchOptions.limit(5)))
            .extracting(r -> r.string("email").orElseThrow())
            .containsExactly("it@example.com");
        assertThat(odoo.nameSearch("res.partner", tag, List.of(), "=", 5))
            .extracting(Many2one::id)
            .containsExactly(id);
        assertThat(odoo.fieldsGet("res.partner").get("category_id").type())
            .isEqualTo(FieldType.MANY2MANY);
      } finally {
        assertThat(odoo.unlink("res.partner", List.of(id))).isTrue();
        odoo.unlink("res.partner.category", List.of(category));
      }
      assertThat(odoo.read("res.partner", List.of(id), List.of("name")))
          .as("a deleted id reads as nothing")
          .isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"XMLRPC", "JSONRPC", "JSON2"})
  void faults_areTyped(TransportKind kind) {
    try (OdooClient odoo = client(kind)) {
      assertThatThrownBy(() -> odoo.create("res.partner", Map.of()))
          .isInstanceOfSatisfying(
              OdooFaultException.class,
              e -> assertThat(e.kind()).isEqualTo(OdooErrorKind.VALIDATION_ERROR));
      assertThatThrownBy(() -> odoo.search("res.partner", List.of(List.of("nosuchfield", "=", 1))))
          .isInstanceOfSatisfying(
              OdooFaultException.class, e -> assertThat(e.odooMessage()).contains("nosuchfield"));
      assertThatThrownBy(() -> odoo.write("res.partner", List.of(1L), Map.of("type", "bogus")))
          .isInstanceOfSatisfying(
              OdooFaultException.class,
              e -> assertThat(e.exceptionClass()).isEqualTo("builtins.ValueError"));
    }
  }

  /**
   * A method returning records answers a fault over XML-RPC after its transaction committed: the
   * client reports the fault and does not send the call again, so exactly one activity exists.
   */
  @ParameterizedTest
  @EnumSource(
      value = TransportKind.class,
      names = {"XMLRPC"})
  void faultAfterCommit_isNotResent(TransportKind kind) {
    try (OdooClient odoo = client(kind)) {
      assumeTrue(odoo.version().major() < 19, "Odoo 19 marshals records as ids over XML-RPC");
      List<Long> leads = odoo.search("crm.lead", List.of(), SearchOptions.limit(1));
      assumeTrue(!leads.isEmpty(), "no crm.lead to work on");
      String summary = "sidecar-it-" + UUID.randomUUID();
      Map<String, Object> kwargs = new LinkedHashMap<>();
      kwargs.put("act_type_xmlid", "mail.mail_activity_data_call");
      kwargs.put("summary", summary);
      kwargs.put("date_deadline", LocalDate.now().plusDays(3));
      assertThatThrownBy(
              () -> odoo.executeKw("crm.lead", "activity_schedule", List.of(leads), kwargs))
          .isInstanceOfSatisfying(
              OdooFaultException.class,
              e -> assertThat(e.odooMessage()).contains("cannot marshal"));
      List<Long> created = odoo.search("mail.activity", List.of(List.of("summary", "=", summary)));
      assertThat(created).hasSize(1);
      odoo.unlink("mail.activity", new ArrayList<>(created));
    }
  }
}
