package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Json2ArgumentsTest {

  @Test
  void modelMethod_positionalArguments_getTheirNames() {
    assertThat(
            Json2Arguments.named(
                "res.partner",
                "search_read",
                List.of(List.of(), List.of("name")),
                Map.of("limit", 5L)))
        .containsExactly(
            Map.entry("domain", List.of()),
            Map.entry("fields", List.of("name")),
            Map.entry("limit", 5L));
  }

  @Test
  void loadAndParameters_theSidecarsOwnModelCalls_getTheirNames() {
    // load: idempotent creates (records, activities); set_param: registration with the addon
    assertThat(
            Json2Arguments.named(
                "project.task",
                "load",
                List.of(List.of("id", "name"), List.of(List.of("__sidecar__.t1", "Kick-off"))),
                Map.of()))
        .containsExactly(
            Map.entry("fields", List.of("id", "name")),
            Map.entry("data", List.of(List.of("__sidecar__.t1", "Kick-off"))));
    assertThat(
            Json2Arguments.named(
                "ir.config_parameter",
                "set_param",
                List.of("sidecar_bridge.url", "http://x"),
                Map.of()))
        .containsExactly(Map.entry("key", "sidecar_bridge.url"), Map.entry("value", "http://x"));
  }

  @Test
  void recordMethod_firstArgumentIsIds() {
    assertThat(
            Json2Arguments.named(
                "res.partner", "write", List.of(List.of(1L), Map.of("name", "x")), Map.of()))
        .containsExactly(Map.entry("ids", List.of(1L)), Map.entry("vals", Map.of("name", "x")));
    assertThat(Json2Arguments.named("crm.lead", "action_set_won", List.of(List.of(3L)), Map.of()))
        .containsExactly(Map.entry("ids", List.of(3L)));
  }

  @Test
  void templateSendMail_resIdAfterTheTemplateIds_getsItsName() {
    assertThat(
            Json2Arguments.named(
                "mail.template",
                "send_mail",
                List.of(List.of(7L), 42L),
                Map.of("force_send", false)))
        .containsExactly(
            Map.entry("ids", List.of(7L)),
            Map.entry("res_id", 42L),
            Map.entry("force_send", false));
  }

  @Test
  void unknownSignature_extraPositionals_areRefusedNotGuessed() {
    assertThatThrownBy(
            () -> Json2Arguments.named("crm.lead", "custom", List.of(List.of(3L), "x"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("crm.lead.custom")
        .hasMessageContaining("keyword arguments");
  }

  @Test
  void sameArgumentTwice_isRefused() {
    assertThatThrownBy(
            () ->
                Json2Arguments.named(
                    "res.partner", "search", List.of(List.of()), Map.of("domain", List.of())))
        .hasMessageContaining("'domain'");
  }
}
