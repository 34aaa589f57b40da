package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound sync on a live Odoo with the sidecar_bridge addon (scripts/it): a partner created,
 * changed and deleted in Odoo reaches an external API as POST, PUT and DELETE with its mapped
 * nested fields and its identifier; an API failing twice is retried and the partner's status fields
 * end {@code synced}; a deletion rule's webhook posts the deleted partner's fields.
 *
 * <p>The status fields are manual fields the test adds to {@code res.partner} ({@code
 * x_sync_state}, {@code x_sync_at}, {@code x_sync_error}) and removes at the end.
 */
class SyncLiveIT {
  static final Map<String, String> STATUS_FIELDS =
      Map.of("x_sync_state", "selection", "x_sync_at", "datetime", "x_sync_error", "text");

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  OdooClient odoo;
  Daemon daemon;
  final List<Long> fields = new ArrayList<>();
  final List<Long> partners = new ArrayList<>();

  String rules() {
    return """
        rules:
          - name: "IT sync partner deleted"
            model: res.partner
            trigger: on_unlink
            filter_domain: "[('name', '=like', 'IT sync %%')]"
            actions:
              - state: webhook
                webhook_url: %1$s/deleted
                webhook_field_ids: [name, email]
        sync:
          - name: it partners
            model: res.partner
            filter_domain: "[('name', '=like', 'IT sync %%')]"
            on: [create, write, unlink]
            trigger_field_ids: [name, email, country_id]
            url:
              create: %1$s/partners
              write: "%1$s/partners/{identifier}"
              unlink: "%1$s/partners/{identifier}"
            retry: {attempts: 4, initial: 200ms, max: 1s}
            mapping:
              - {field: id, key: id, identifier: true}
              - {field: name, key: name}
              - {field: email, key: contact.email}
              - field: country_id
                key: country
                type: relational
                mapping:
                  - {field: code, key: code}
            status: {state: x_sync_state, last-success: x_sync_at, last-error: x_sync_error}
        """
        .formatted(api.baseUrl());
  }

  @BeforeEach
  void start() throws Exception {
    OdooSettings settings = LiveOdoo.settings();
    odoo = OdooClients.create(settings);
    Assumptions.assumeTrue(
        odoo.searchCount(
                "ir.module.module",
                List.of(List.of("name", "=", "sidecar_bridge"), List.of("state", "=", "installed")))
            == 1,
        "the sidecar_bridge addon is not installed on " + settings.url());
    addStatusFields();
    api.stubFor(post(urlEqualTo("/partners")).willReturn(aResponse().withStatus(201)));
    api.stubFor(post(urlEqualTo("/deleted")).willReturn(aResponse().withStatus(200)));
    daemon = LiveSidecar.start(settings, odoo, dir, rules(), LiveSidecar.freePort(), "res.partner");
  }

  /** The status fields, as manual fields of res.partner (those a failed run left are reused). */
  void addStatusFields() {
    long model = odoo.search("ir.model", List.of(List.of("model", "=", "res.partner"))).get(0);
    STATUS_FIELDS.forEach(
        (name, type) -> {
          List<Long> left =
              odoo.search(
                  "ir.model.fields",
                  List.of(List.of("model", "=", "res.partner"), List.of("name", "=", name)));
          if (!left.isEmpty()) {
            fields.addAll(left);
            return;
          }
          Map<String, Object> field = new LinkedHashMap<>();
          field.put("name", name);
          field.put("model_id", model);
          field.put("ttype", type);
          field.put("state", "manual");
          field.put("field_description", "IT " + name);
          if (type.equals("selection")) {
            field.put(
                "selection_ids",
                List.of(
                    List.of(0, 0, Map.of("value", "synced", "name", "Synced", "sequence", 1)),
                    List.of(0, 0, Map.of("value", "failed", "name", "Failed", "sequence", 2))));
          }
          fields.add(odoo.create("ir.model.fields", field));
        });
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    if (odoo == null) {
      return;
    }
    List<Long> left =
        odoo.search("res.partner", List.of(List.of("id", "in", partners))).stream().toList();
    if (!left.isEmpty()) {
      odoo.unlink("res.partner", left);
    }
    if (!fields.isEmpty()) {
      odoo.unlink("ir.model.fields", fields);
    }
    odoo.close();
  }

  Map<String, Object> partner(long id) {
    return odoo.read(
            "res.partner", List.of(id), List.of("x_sync_state", "x_sync_at", "x_sync_error"))
        .get(0)
        .values();
  }

  @Test
  void partner_createdChangedDeleted_reachesTheApiMappedRetriedAndMarkedSynced() {
    long belgium = odoo.search("res.country", List.of(List.of("code", "=", "BE"))).get(0);
    long id =
        odoo.create(
            "res.partner",
            Map.of("name", "IT sync Ada", "email", "ada@example.com", "country_id", belgium));
    partners.add(id);

    // created: a POST with the mapped, nested fields and the identifier; the partner marked synced
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                api.verify(
                    1,
                    postRequestedFor(urlEqualTo("/partners"))
                        .withRequestBody(matchingJsonPath("$.id", equalTo(Long.toString(id))))
                        .withRequestBody(matchingJsonPath("$.name", equalTo("IT sync Ada")))
                        .withRequestBody(
                            matchingJsonPath("$.contact.email", equalTo("ada@example.com")))
                        .withRequestBody(matchingJsonPath("$.country.code", equalTo("BE")))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "synced".equals(partner(id).get("x_sync_state")));
    assertThat(partner(id).get("x_sync_at")).isNotEqualTo(false);
    assertThat(api.findAll(putRequestedFor(urlEqualTo("/partners/" + id))))
        .as("a create is sent as a POST only")
        .isEmpty();

    // changed while the API fails twice: the PUT is retried, the status fields end synced
    String put = "/partners/" + id;
    api.stubFor(
        put(urlEqualTo(put))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("failed once"));
    api.stubFor(
        put(urlEqualTo(put))
            .inScenario("flaky")
            .whenScenarioStateIs("failed once")
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("failed twice"));
    api.stubFor(
        put(urlEqualTo(put))
            .inScenario("flaky")
            .whenScenarioStateIs("failed twice")
            .willReturn(aResponse().withStatus(200)));
    // the status cleared with the change (no sync field: by itself it would sync nothing)
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("email", "ada.lovelace@example.com");
    change.put("x_sync_state", false);
    change.put("x_sync_at", false);
    odoo.write("res.partner", List.of(id), change);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> "synced".equals(partner(id).get("x_sync_state")));
    api.verify(
        3,
        putRequestedFor(urlEqualTo(put))
            .withRequestBody(matchingJsonPath("$.id", equalTo(Long.toString(id))))
            .withRequestBody(
                matchingJsonPath("$.contact.email", equalTo("ada.lovelace@example.com")))
            .withRequestBody(matchingJsonPath("$.country.code", equalTo("BE"))));
    List<LoggedRequest> puts = api.findAll(putRequestedFor(urlEqualTo(put)));
    assertThat(puts).hasSize(3);
    for (LoggedRequest request : puts) {
      assertThat(request.getHeader("Idempotency-Key"))
          .as("every attempt is the same request")
          .isNotBlank()
          .isEqualTo(puts.get(0).getHeader("Idempotency-Key"));
    }
    Map<String, Object> status = partner(id);
    assertThat(status.get("x_sync_at")).isNotEqualTo(false);
    assertThat(status.get("x_sync_error")).isEqualTo(false);

    // deleted: a DELETE with the identifier and the fields as they were; the deletion rule's
    // webhook posts the deleted partner's name and email
    api.stubFor(delete(urlEqualTo(put)).willReturn(aResponse().withStatus(204)));
    odoo.unlink("res.partner", List.of(id));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                api.verify(
                    1,
                    deleteRequestedFor(urlEqualTo(put))
                        .withRequestBody(matchingJsonPath("$.id", equalTo(Long.toString(id))))
                        .withRequestBody(matchingJsonPath("$.name", equalTo("IT sync Ada")))
                        .withRequestBody(
                            matchingJsonPath(
                                "$.contact.email", equalTo("ada.lovelace@example.com")))
                        .withRequestBody(matchingJsonPath("$.country.code", equalTo("BE")))));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                api.verify(
                    1,
                    postRequestedFor(urlEqualTo("/deleted"))
                        .withRequestBody(matchingJsonPath("$.name", equalTo("IT sync Ada")))
                        .withRequestBody(
                            matchingJsonPath("$.email", equalTo("ada.lovelace@example.com")))));
  }
}
