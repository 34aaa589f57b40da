package io.odoosidecar.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.sync.SyncReport.RecordResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SyncEngineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  private MemoryOdoo odoo;

  @BeforeEach
  void partners() {
    odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    odoo.put("res.partner", 2, SyncFixture.partner("C 2/x"));
    odoo.put("res.partner", 3, SyncFixture.partner("C-3"));
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
  }

  private SyncConfig config(String extra, String mapping) {
    String yaml =
        "sync:\n  - name: customers\n    model: res.partner\n    url: "
            + api.baseUrl()
            + "/customers/{ref}\n    retry: {attempts: 3, initial: 1s, max: 2s}\n"
            + extra
            + "    mapping:\n"
            + mapping;
    return SyncFixture.configs(dir, yaml).get(0);
  }

  private SyncReport sync(SyncConfig config, String operation, List<Long> ids) {
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      return engine.sync(
          new SyncRequest(config, operation, "res.partner", ids, Map.of(), keys(ids), false));
    }
  }

  private static Map<Long, String> keys(List<Long> ids) {
    Map<Long, String> keys = new LinkedHashMap<>();
    ids.forEach(id -> keys.put(id, "event-9-customers-" + id));
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> body(LoggedRequest request) throws Exception {
    return JSON.readValue(request.getBodyAsString(), Map.class);
  }

  private static List<LoggedRequest> sent() {
    return api.findAll(anyRequestedFor(anyUrl()));
  }

  private static final String IDENTIFIER = "      - {field: ref, key: id, identifier: true}\n";

  @Test
  void sync_plainLines_convertOdooValuesToJson() throws Exception {
    SyncConfig config =
        config(
            "",
            IDENTIFIER
                + "      - {field: name, key: name}\n"
                + "      - {field: email, key: email}\n"
                + "      - {field: is_company, key: company}\n"
                + "      - {field: credit_limit, key: credit}\n"
                + "      - {field: employees, key: staff}\n"
                + "      - {field: birthday, key: born}\n"
                + "      - {field: last_seen, key: seen}\n"
                + "      - {field: kind, key: kind}\n"
                + "      - {field: country_id, key: country}\n"
                + "      - {field: country_id.code, key: address.country}\n"
                + "      - {field: city, key: address.city}\n");
    SyncReport report = sync(config, "create", List.of(1L));

    assertThat(report.result(1).success()).isTrue();
    Map<String, Object> body = body(sent().get(0));
    assertThat(body)
        .containsEntry("id", "C-1")
        .containsEntry("name", "Partner C-1")
        .containsEntry("email", null)
        .containsEntry("company", false)
        .containsEntry("credit", 1500.5)
        .containsEntry("staff", 12)
        .containsEntry("born", "2026-12-01")
        .containsEntry("seen", "2026-12-01T10:15:00Z")
        .containsEntry("kind", "wholesale")
        .containsEntry("country", 7)
        .containsEntry("address", Map.of("country", "BE", "city", "Gent"));
    assertThat(sent().get(0).getMethod().getName()).isEqualTo("POST");
    assertThat(sent().get(0).getHeader("Idempotency-Key")).isEqualTo("event-9-customers-1");
  }

  @Test
  void sync_relationalLines_sendNestedObjectsOrIdentifiers() throws Exception {
    SyncConfig config =
        config(
            "",
            IDENTIFIER
                + "      - field: country_id\n        key: country\n        type: relational\n"
                + "        mapping:\n          - {field: code, key: iso}\n"
                + "          - {field: name, key: label}\n"
                + "      - {field: country_id, key: country_code, type: relational, as: field code}\n"
                + "      - {field: country_id, key: country_id, type: relational, as: id}\n"
                + "      - {field: category_id, key: tags, type: relational, as: field name}\n"
                + "      - {field: category_id, key: tag_ids, type: relational}\n"
                + "      - field: category_id\n        key: categories\n        type: relational\n"
                + "        mapping:\n          - {field: name, key: name}\n");
    odoo.resetCalls();
    sync(config, "create", List.of(1L, 2L));

    Map<String, Object> body = body(sent().get(0));
    assertThat(body.get("country")).isEqualTo(Map.of("iso", "BE", "label", "Belgium"));
    assertThat(body).containsEntry("country_code", "BE").containsEntry("country_id", 7);
    assertThat(body).containsEntry("tags", List.of("Gold", "Retail"));
    assertThat(body).containsEntry("tag_ids", List.of(3, 4));
    assertThat(body.get("categories"))
        .isEqualTo(List.of(Map.of("name", "Gold"), Map.of("name", "Retail")));
    // partners once, each hop (country, category) once for both records
    assertThat(odoo.calls("read")).isEqualTo(3);
  }

  @Test
  void sync_knownValues_coverTheMapping_noRead() throws Exception {
    SyncConfig config = config("", IDENTIFIER + "      - {field: name, key: name}\n");
    odoo.resetCalls();
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      engine.sync(
          new SyncRequest(
              config,
              "unlink",
              "res.partner",
              List.of(9L),
              Map.of(9L, Map.of("ref", "GONE", "name", "Deleted one")),
              Map.of(),
              false));
    }
    assertThat(odoo.calls("read")).isZero();
    LoggedRequest request = sent().get(0);
    assertThat(request.getMethod().getName()).isEqualTo("DELETE");
    assertThat(request.getUrl()).isEqualTo("/customers/GONE");
    assertThat(body(request)).containsEntry("name", "Deleted one");
  }

  @Test
  void sync_urlPlaceholdersAndParams_encodedAsPathSegments() {
    SyncConfig config =
        config("    params: {lang: fr BE}\n    method: {write: PATCH}\n", IDENTIFIER);
    sync(config, "write", List.of(2L));

    LoggedRequest request = sent().get(0);
    assertThat(request.getMethod().getName()).isEqualTo("PATCH");
    assertThat(request.getUrl()).isEqualTo("/customers/C%202%2Fx?lang=fr+BE");
    assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
  }

  @Test
  void sync_identifierPlaceholder_isTheValueSent() {
    SyncConfig config =
        SyncFixture.configs(
                dir,
                "sync:\n  - name: customers\n    model: res.partner\n    url: "
                    + api.baseUrl()
                    + "/countries/{identifier}/{ref}\n    mapping:\n"
                    + "      - {field: country_id, key: c, type: relational, as: field code,"
                    + " identifier: true}\n")
            .get(0);
    sync(config, "unlink", List.of(1L));

    assertThat(sent().get(0).getUrl()).isEqualTo("/countries/BE/C-1");
  }

  @Test
  void sync_pythonLine_seesRecordValueAndRequestData() throws Exception {
    SyncConfig config =
        config(
            "",
            IDENTIFIER
                + "      - {field: name, key: name}\n"
                + "      - field: city\n        key: label\n        type: python\n"
                + "        expression: \"request_data['name'] + ' / ' + value + ' / '"
                + " + record.ref\"\n");
    try (io.odoosidecar.script.PythonEngine python =
            new io.odoosidecar.script.PythonEngine(1, 1_000_000, java.time.Duration.ofSeconds(20));
        SyncEngine engine =
            new SyncEngine(
                odoo,
                new io.odoosidecar.http.RetryingSender(
                    SyncFixture.CLOCK, d -> {}, new java.util.Random(1)),
                c -> io.odoosidecar.http.Signer.none(),
                python,
                null,
                SyncFixture.CLOCK)) {
      SyncReport report =
          engine.sync(
              new SyncRequest(
                  config, "create", "res.partner", List.of(1L, 3L), Map.of(), Map.of(), false));
      assertThat(report.results()).allMatch(RecordResult::success);
    }
    List<Object> labels = sent().stream().map(r -> uncheckedBody(r).get("label")).toList();
    assertThat(labels)
        .containsExactlyInAnyOrder("Partner C-1 / Gent / C-1", "Partner C-3 / Gent / C-3");
  }

  private static Map<String, Object> uncheckedBody(LoggedRequest request) {
    try {
      return body(request);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void sync_batch_sendsOneArrayAndMatchesAnswersByIdentifier() throws Exception {
    api.stubFor(
        post(urlEqualTo("/customers"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody(
                        "[{\"id\":\"C-3\",\"uuid\":\"u3\"},{\"id\":\"C-1\",\"uuid\":\"u1\"}]")));
    SyncConfig config =
        SyncFixture.configs(
                dir,
                "sync:\n  - name: customers\n    model: res.partner\n    url: "
                    + api.baseUrl()
                    + "/customers\n    batch: 5\n"
                    + "    response: [{key: uuid, field: remote_id}]\n"
                    + "    mapping:\n"
                    + IDENTIFIER)
            .get(0);
    SyncReport report = sync(config, "create", List.of(1L, 3L));

    assertThat(sent()).hasSize(1);
    Object sentList = JSON.readValue(sent().get(0).getBodyAsString(), Object.class);
    assertThat(sentList).isEqualTo(List.of(Map.of("id", "C-1"), Map.of("id", "C-3")));
    assertThat(report.result(1).response()).isEqualTo(Map.of("id", "C-1", "uuid", "u1"));
    assertThat(odoo.records("res.partner").get(1L)).containsEntry("remote_id", "u1");
    assertThat(odoo.records("res.partner").get(3L)).containsEntry("remote_id", "u3");
    assertThat(sent().get(0).getHeader("Idempotency-Key"))
        .isEqualTo(SyncCalls.key(List.of(1L, 3L), keys(List.of(1L, 3L))))
        .isNotEqualTo("event-9-customers-1");
  }

  @Test
  void sync_batchKey_wrapsTheListAndMatchesByPosition() throws Exception {
    api.stubFor(
        post(urlEqualTo("/customers"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"items\":[{\"uuid\":\"a\"},{\"uuid\":\"b\"}]}")));
    SyncConfig config =
        SyncFixture.configs(
                dir,
                "sync:\n  - name: customers\n    model: res.partner\n    url: "
                    + api.baseUrl()
                    + "/customers\n    batch: 2\n    batch-key: items\n"
                    + "    response: [{key: uuid, field: remote_id}]\n"
                    + "    mapping:\n"
                    + IDENTIFIER)
            .get(0);
    sync(config, "create", List.of(2L, 3L, 1L));

    assertThat(sent()).hasSize(2);
    List<Map<String, Object>> bodies = sent().stream().map(SyncEngineTest::uncheckedBody).toList();
    assertThat(bodies)
        .containsExactlyInAnyOrder(
            Map.of("items", List.of(Map.of("id", "C 2/x"), Map.of("id", "C-3"))),
            Map.of("items", List.of(Map.of("id", "C-1"))));
    assertThat(odoo.records("res.partner").get(2L)).containsEntry("remote_id", "a");
    assertThat(odoo.records("res.partner").get(3L)).containsEntry("remote_id", "b");
  }

  @Test
  void sync_statusAndResponse_writtenOncePerDistinctValues() {
    api.stubFor(
        any(urlEqualTo("/customers/C-1"))
            .willReturn(aResponse().withStatus(200).withBody("{\"tier\":\"gold\"}")));
    api.stubFor(
        any(urlEqualTo("/customers/C-3"))
            .willReturn(aResponse().withStatus(200).withBody("{\"tier\":\"gold\"}")));
    api.stubFor(
        any(urlEqualTo("/customers/C%202%2Fx"))
            .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"bad vat\"}")));
    SyncConfig config =
        config(
            "    response: [{key: tier, field: kind}]\n"
                + "    status: {state: sync_state, last-success: sync_at, last-error: sync_error}\n",
            IDENTIFIER);
    odoo.resetCalls();
    SyncReport report = sync(config, "write", List.of(1L, 2L, 3L));

    assertThat(odoo.calls("write")).isEqualTo(2);
    Map<String, Object> one = odoo.records("res.partner").get(1L);
    assertThat(one)
        .containsEntry("kind", "gold")
        .containsEntry("sync_state", "synced")
        .containsEntry("sync_at", "2026-12-01 09:00:00")
        .containsEntry("sync_error", false);
    Map<String, Object> two = odoo.records("res.partner").get(2L);
    assertThat(two).containsEntry("sync_state", "failed").containsEntry("kind", "wholesale");
    assertThat(String.valueOf(two.get("sync_error"))).contains("422").contains("bad vat");
    RecordResult rejected = report.result(2);
    assertThat(rejected.finalRejection()).isTrue();
    assertThat(rejected.statusCode()).isEqualTo(422);
    assertThat(rejected.response()).isEqualTo(Map.of("error", "bad vat"));
  }

  @Test
  void sync_clientError_isFinalAtOnce() {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(400).withBody("no")));
    SyncReport report = sync(config("", IDENTIFIER), "create", List.of(1L));

    assertThat(sent()).hasSize(1);
    RecordResult result = report.result(1);
    assertThat(result.success()).isFalse();
    assertThat(result.finalRejection()).isTrue();
    assertThat(result.response()).isEqualTo("no");
  }

  @Test
  void sync_serverErrors_retriedThenSuccess() {
    api.stubFor(
        any(anyUrl())
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("second"));
    api.stubFor(
        any(anyUrl())
            .inScenario("flaky")
            .whenScenarioStateIs("second")
            .willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));
    SyncReport report = sync(config("", IDENTIFIER), "create", List.of(1L));

    assertThat(sent()).hasSize(2);
    assertThat(report.result(1).success()).isTrue();
    assertThat(report.result(1).response()).isEqualTo(Map.of("ok", true));
    assertThat(sent()).allMatch(r -> "event-9-customers-1".equals(r.getHeader("Idempotency-Key")));
  }

  @Test
  void sync_serverErrorsEveryTime_exhaustedNotFinal() {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(500)));
    RecordResult result = sync(config("", IDENTIFIER), "create", List.of(1L)).result(1);

    assertThat(sent()).hasSize(3);
    assertThat(result.success()).isFalse();
    assertThat(result.finalRejection()).isFalse();
    assertThat(result.statusCode()).isEqualTo(500);
  }

  @Test
  void sync_dryRun_buildsAndSendsNothing() {
    SyncConfig config = config("", IDENTIFIER + "      - {field: name, key: name}\n");
    SyncReport report;
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      report =
          engine.sync(
              new SyncRequest(
                  config, "write", "res.partner", List.of(1L, 3L), Map.of(), Map.of(), true));
    }
    assertThat(sent()).isEmpty();
    assertThat(report.calls()).hasSize(2);
    assertThat(report.calls().get(0).method()).isEqualTo("PUT");
    assertThat(report.calls().get(0).uri().getPath()).isEqualTo("/customers/C-1");
    assertThat(report.calls().get(1).bodyText()).contains("\"name\":\"Partner C-3\"");
  }

  @Test
  void sync_missingRecordAndEmptyPlaceholder_failOnlyThoseRecords() {
    odoo.put("res.partner", 4, Map.of("name", "No ref", "ref", false));
    SyncReport report = sync(config("", IDENTIFIER), "write", List.of(1L, 4L, 99L));

    assertThat(report.result(1).success()).isTrue();
    assertThat(report.result(4).error()).contains("{ref} is empty");
    assertThat(report.result(99).error()).contains("not found");
    assertThat(sent()).hasSize(1);
  }

  @Test
  void sync_unknownField_failsEveryRecordNamingIt() {
    SyncConfig config = config("", IDENTIFIER + "      - {field: vat, key: vat}\n");
    SyncReport report = sync(config, "create", List.of(1L, 2L));

    assertThat(report.results()).allMatch(r -> !r.success());
    assertThat(report.result(2).error()).contains("customers").contains("'vat'");
    assertThat(sent()).isEmpty();
  }

  @Test
  void using_readsAndWritesBackThroughTheGivenClient_sharesThePools() throws Exception {
    SyncConfig config =
        config(
            "    status: {state: sync_state}\n", IDENTIFIER + "      - {field: name, key: name}\n");
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      SyncEngine view = engine.using(odoo.withContext(Map.of("marked", true)));
      view.close(); // a view leaves the shared pools running
      SyncReport report =
          view.sync(
              new SyncRequest(
                  config, "write", "res.partner", List.of(1L), Map.of(), keys(List.of(1L)), false));
      assertThat(report.result(1).success()).isTrue();
      assertThat(odoo.writeContexts())
          .isNotEmpty()
          .allSatisfy(c -> assertThat(c).containsEntry("marked", true));
      SyncReport again =
          engine.sync(
              new SyncRequest(
                  config, "write", "res.partner", List.of(2L), Map.of(), keys(List.of(2L)), false));
      assertThat(again.result(2).success()).isTrue();
    }
    assertThat(body(sent().get(0))).containsEntry("name", "Partner C-1");
  }
}
