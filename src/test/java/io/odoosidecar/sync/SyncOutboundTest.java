package io.odoosidecar.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.script.OutboundSync.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SyncOutboundTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  private MemoryOdoo odoo;
  private List<SyncConfig> configs;
  private SyncEngine engine;

  @BeforeEach
  void setUp() {
    odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    odoo.put("res.partner", 2, SyncFixture.partner("C-2"));
    odoo.define(
        SyncOutbound.CONFIG_MODEL,
        Map.of("name", "char"),
        List.of(Map.of("id", 5L, "name", "customers"), Map.of("id", 6L, "name", "gone")));
    odoo.define(
        "ir.model.data",
        Map.of("module", "char", "name", "char", "model", "char", "res_id", "integer"),
        List.of(
            Map.of(
                "id",
                1L,
                "module",
                "bj_api_sync",
                "name",
                "customers_config",
                "model",
                SyncOutbound.CONFIG_MODEL,
                "res_id",
                5L),
            Map.of(
                "id",
                2L,
                "module",
                "base",
                "name",
                "partner_1",
                "model",
                "res.partner",
                "res_id",
                5L)));
    configs =
        SyncFixture.configs(
            dir,
            "sync:\n  - name: customers\n    model: res.partner\n    url: "
                + api.baseUrl()
                + "/customers/{ref}\n    read-timeout: 30s\n"
                + "    retry: {attempts: 1, initial: 1s, max: 1s}\n"
                + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
                + "      - {field: name, key: name}\n");
    engine = SyncFixture.engine(odoo, null);
    api.resetAll();
    api.stubFor(
        any(urlPathEqualTo("/customers/C-1"))
            .willReturn(aResponse().withStatus(200).withBody("{\"remote\":\"R1\"}")));
    api.stubFor(
        any(urlPathEqualTo("/customers/C-2"))
            .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"bad\"}")));
  }

  private SyncOutbound outbound() {
    return new SyncOutbound(() -> configs, engine, odoo);
  }

  @Test
  void call_byName_sendsAWriteOfEachRecord_andAnswersFromTheResults() {
    List<Answer> answers = outbound().call(null, List.of(1L, 2L), "customers", null);

    assertThat(answers).extracting(Answer::id).containsExactly(1L, 2L);
    assertThat(answers.get(0).success()).isTrue();
    assertThat(answers.get(0).statusCode()).isEqualTo(200);
    assertThat(answers.get(0).response()).isEqualTo(Map.of("remote", "R1"));
    assertThat(answers.get(1).success()).isFalse();
    assertThat(answers.get(1).statusCode()).isEqualTo(422);
    assertThat(answers.get(1).error()).contains("422");
    api.verify(putRequestedFor(urlPathEqualTo("/customers/C-1")));
  }

  @Test
  void call_byRecordIdOrExternalId_findsTheConfigOfTheRecordsName() {
    assertThat(outbound().call("res.partner", List.of(1L), 5L, null).get(0).success()).isTrue();
    assertThat(outbound().call(null, List.of(1L), "bj_api_sync.customers_config", null))
        .extracting(Answer::success)
        .containsExactly(true);
    api.verify(2, putRequestedFor(urlPathEqualTo("/customers/C-1")));
  }

  @Test
  void call_unknownRefs_failNamingWhatWasTriedAndTheKnownConfigs() {
    assertThatThrownBy(() -> outbound().call(null, List.of(1L), "suppliers", null))
        .hasMessageContaining("'suppliers'")
        .hasMessageContaining("known are 'customers'");
    assertThatThrownBy(() -> outbound().call(null, List.of(1L), 6L, null))
        .hasMessageContaining(SyncOutbound.CONFIG_MODEL + " 6 is named 'gone'")
        .hasMessageContaining("'customers'");
    assertThatThrownBy(() -> outbound().call(null, List.of(1L), 99L, null))
        .hasMessageContaining(SyncOutbound.CONFIG_MODEL + " 99 not found");
    // an external id of another model is not a config's
    assertThatThrownBy(() -> outbound().call(null, List.of(1L), "base.partner_1", null))
        .hasMessageContaining("'base.partner_1'")
        .hasMessageContaining("external id");
    api.verify(0, anyRequestedFor(urlPathEqualTo("/customers/C-1")));
  }

  @Test
  void call_recordsOfAnotherModel_areRefused() {
    assertThatThrownBy(() -> outbound().call("res.country", List.of(7L), "customers", null))
        .hasMessageContaining("records of res.country")
        .hasMessageContaining("syncs res.partner");
  }

  @Test
  void call_aTimeOut_overridesTheConfigsReadTimeOut() {
    api.stubFor(
        any(urlPathEqualTo("/customers/C-1"))
            .willReturn(aResponse().withStatus(200).withFixedDelay(1500).withBody("{}")));

    List<Answer> slow = outbound().call(null, List.of(1L), "customers", Duration.ofMillis(300));

    assertThat(slow.get(0).success()).isFalse();
    assertThat(slow.get(0).statusCode()).isZero();
    assertThat(SyncOutbound.withTimeout(configs.get(0), Duration.ofMillis(300)).readTimeout())
        .isEqualTo(Duration.ofMillis(300));
    assertThat(SyncOutbound.withTimeout(configs.get(0), null)).isSameAs(configs.get(0));
  }

  @Test
  void through_writesTheStatusBackWithTheGivenClient() throws Exception {
    Path rules = java.nio.file.Files.createDirectories(dir.resolve("with-status"));
    configs =
        SyncFixture.configs(
            rules,
            "sync:\n  - name: customers\n    model: res.partner\n    url: "
                + api.baseUrl()
                + "/customers/{ref}\n    retry: {attempts: 1, initial: 1s, max: 1s}\n"
                + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
                + "    status: {state: sync_state}\n");
    io.odoosidecar.odoo.OdooClient marked = odoo.withContext(Map.of("sidecar_event", 42));

    outbound().through(marked).call(null, List.of(1L), "customers", null);

    assertThat(odoo.records("res.partner").get(1L)).containsEntry("sync_state", "synced");
    assertThat(odoo.writeContexts())
        .last()
        .satisfies(c -> assertThat(c).containsKey("sidecar_event"));
  }

  @Test
  void forRun_sendsTheKeysOfItsRun_everyCallAlike() {
    SyncOutbound run = outbound().forRun("event-42");
    run.call(null, List.of(1L), "customers", null);
    run.call(null, List.of(1L), "customers", null);

    api.verify(
        2,
        putRequestedFor(urlPathEqualTo("/customers/C-1"))
            .withHeader(
                "Idempotency-Key", equalTo(IdempotencyKeys.adHoc("event-42", "customers", 1))));
  }

  @Test
  void forEvents_keysEachRecordByItsOwnEvent_asTheApiSyncActionDoes_othersByTheRun() {
    SyncOutbound run = outbound().forRun("run-7").forEvents("res.partner", Map.of(1L, 42L));
    run.call(null, List.of(1L), "customers", null);
    run.call(null, List.of(2L), "customers", null);
    // a code action on another model whose record ids happen to match: keyed by the run
    outbound()
        .forRun("run-8")
        .forEvents("sale.order", Map.of(1L, 43L))
        .call(null, List.of(1L), "customers", null);
    api.verify(
        putRequestedFor(urlPathEqualTo("/customers/C-1"))
            .withHeader(
                "Idempotency-Key", equalTo(IdempotencyKeys.adHoc("run-8", "customers", 1))));

    api.verify(
        putRequestedFor(urlPathEqualTo("/customers/C-1"))
            .withHeader("Idempotency-Key", equalTo(IdempotencyKeys.of(42, "customers", 1))));
    api.verify(
        putRequestedFor(urlPathEqualTo("/customers/C-2"))
            .withHeader(
                "Idempotency-Key", equalTo(IdempotencyKeys.adHoc("run-7", "customers", 2))));
  }
}
