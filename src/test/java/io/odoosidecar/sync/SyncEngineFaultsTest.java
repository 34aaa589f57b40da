package io.odoosidecar.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooTransportException;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The engine's behaviour when what is around it fails: the log, Odoo, the API's answers. */
class SyncEngineFaultsTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String IDENTIFIER = "      - {field: ref, key: id, identifier: true}\n";

  @TempDir Path dir;
  private MemoryOdoo odoo;

  @BeforeEach
  void partners() {
    odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    odoo.put("res.partner", 2, SyncFixture.partner("C-2"));
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{\"n\":\"x\"}")));
  }

  private SyncConfig config(String extra, String mapping) {
    return SyncFixture.configs(
            dir,
            "sync:\n  - name: customers\n    model: res.partner\n    url: "
                + api.baseUrl()
                + "/customers/{ref}\n    retry: {attempts: 2, initial: 1s, max: 1s}\n"
                + extra
                + "    mapping:\n"
                + mapping)
        .get(0);
  }

  private SyncReport sync(SyncEngine engine, SyncConfig config, String operation, long... ids) {
    List<Long> list = java.util.Arrays.stream(ids).boxed().toList();
    Map<Long, String> keys = new LinkedHashMap<>();
    list.forEach(id -> keys.put(id, "k-" + id));
    return engine.sync(
        new SyncRequest(config, operation, "res.partner", list, Map.of(), keys, false));
  }

  private SyncReport sync(SyncConfig config, String operation, long... ids) {
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      return sync(engine, config, operation, ids);
    }
  }

  private static List<LoggedRequest> sent() {
    return api.findAll(anyRequestedFor(anyUrl()));
  }

  @Test
  void sync_logFailsAfterTheExchange_outcomeAndWriteBackKept() throws Exception {
    String url = "jdbc:h2:mem:broken-log-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    SyncConfig config =
        config(
            "    response: [{key: n, field: remote_id}]\n    status: {state: sync_state}\n",
            IDENTIFIER);
    try (SyncLog log = SyncLog.open(() -> DriverManager.getConnection(url), SyncFixture.CLOCK, 99);
        Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE sync_log");
      try (SyncEngine engine = SyncFixture.engine(odoo, log)) {
        SyncReport report = sync(engine, config, "write", 1);

        assertThat(report.result(1).success()).isTrue();
        assertThat(report.result(1).error()).isNull();
      }
    }
    assertThat(sent()).hasSize(1);
    assertThat(odoo.records("res.partner").get(1L))
        .containsEntry("remote_id", "x")
        .containsEntry("sync_state", "synced");
  }

  @Test
  void sync_odooUnreachableWhileReading_throwsRetriableNothingSent() {
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE && method.equals("read")) {
            throw new OdooTransportException("connection refused", false, 0, true, null);
          }
        });
    SyncConfig config = config("", IDENTIFIER + "      - {field: name, key: name}\n");

    assertThatThrownBy(() -> sync(config, "write", 1, 2))
        .isInstanceOfSatisfying(OdooException.class, e -> assertThat(e.retriable()).isTrue());
    assertThat(sent()).isEmpty();
  }

  @Test
  void sync_odooFaultWhileReading_failsTheRecords() {
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE && method.equals("read")) {
            throw new OdooTransportException("not Odoo's protocol", true, 404, false, null);
          }
        });
    SyncConfig config = config("", IDENTIFIER + "      - {field: name, key: name}\n");
    SyncReport report = sync(config, "write", 1);

    assertThat(report.result(1).success()).isFalse();
    assertThat(report.result(1).error()).contains("not Odoo's protocol");
  }

  private String secretFile(String name, String value) throws Exception {
    Path file = dir.resolve(name);
    java.nio.file.Files.writeString(file, value + "\n");
    return file.toString();
  }

  @Test
  void sync_rejectionEchoingTheAuthSecret_errorMasksIt() throws Exception {
    api.stubFor(
        any(anyUrl())
            .willReturn(aResponse().withStatus(422).withBody("{\"bad\":\"Bearer s3cr3t-tok\"}")));
    String auth =
        "    auth: {kind: bearer, token-file: '" + secretFile("token", "s3cr3t-tok") + "'}\n";
    SyncReport report = sync(config(auth, IDENTIFIER), "write", 1);

    assertThat(report.result(1).finalRejection()).isTrue();
    assertThat(report.result(1).error()).contains("422").doesNotContain("s3cr3t-tok");
  }

  @Test
  void sync_answerEchoingTheOAuth2Token_maskedInErrorAndLog() throws Exception {
    api.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post("/oauth/token")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"access_token\":\"live-tok-77\",\"expires_in\":3600}")));
    api.stubFor(
        any(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/customers/.*"))
            .willReturn(aResponse().withStatus(400).withBody("token live-tok-77 refused")));
    String auth =
        "    auth:\n      kind: oauth2-client-credentials\n      token-url: "
            + api.baseUrl()
            + "/oauth/token\n      client-id: me\n      client-secret-file: '"
            + secretFile("client", "cl13nt-secret")
            + "'\n";
    String url = "jdbc:h2:mem:oauth-log-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    try (SyncLog log =
            SyncLog.open(() -> DriverManager.getConnection(url), SyncFixture.CLOCK, 999);
        SyncEngine engine = SyncFixture.engine(odoo, log)) {
      SyncReport report = sync(engine, config(auth, IDENTIFIER), "write", 1);

      assertThat(report.result(1).error()).contains("400").doesNotContain("live-tok-77");
      List<SyncLog.Entry> entries = log.query(SyncLog.Query.newest(10));
      assertThat(entries).isNotEmpty();
      assertThat(entries.toString()).contains("refused").doesNotContain("live-tok-77");
    }
  }

  @Test
  void sync_404ToAWriteOrAPostDelete_staysARejection() throws Exception {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    SyncReport write = sync(config("", IDENTIFIER), "write", 1);
    SyncReport postDelete = sync(config("    method: {unlink: POST}\n", IDENTIFIER), "unlink", 1);

    assertThat(write.result(1).success()).isFalse();
    assertThat(write.result(1).finalRejection()).isTrue();
    assertThat(postDelete.result(1).success()).isFalse();
  }

  @Test
  void sync_deletedRecordWithoutAMappedField_failsNamingIt_nothingSent() {
    SyncConfig config = config("", IDENTIFIER + "      - {field: email, key: email}\n");
    SyncReport report;
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      report =
          engine.sync(
              new SyncRequest(
                  config,
                  "unlink",
                  "res.partner",
                  List.of(9L, 8L),
                  Map.of(9L, Map.of("ref", "GONE"), 8L, Map.of("ref", "G8", "email", false)),
                  Map.of(),
                  false));
    }
    assertThat(report.result(9).success()).isFalse();
    assertThat(report.result(9).error()).contains("'email'").contains("res.partner 9");
    assertThat(report.result(8).success()).isTrue();
    assertThat(sent())
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl()).isEqualTo("/customers/G8"));
  }

  @Test
  void sync_deletedRecordWithoutABodyField_unlinkBodyOff_isDeletedByItsUrlAlone() {
    SyncConfig config =
        config("    unlink-body: false\n", IDENTIFIER + "      - {field: email, key: email}\n");
    SyncReport report;
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      report =
          engine.sync(
              new SyncRequest(
                  config,
                  "unlink",
                  "res.partner",
                  List.of(9L),
                  Map.of(9L, Map.of("ref", "GONE")),
                  Map.of(),
                  false));
    }
    assertThat(report.result(9).success()).as(report.result(9).error()).isTrue();
    assertThat(sent())
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl()).isEqualTo("/customers/GONE"));
  }

  @Test
  void sync_placeholderOfDotsOnly_refusedForThatRecord() {
    odoo.put("res.partner", 3, SyncFixture.partner(".."));
    odoo.put("res.partner", 4, SyncFixture.partner("."));
    odoo.put("res.partner", 5, SyncFixture.partner("a.b"));
    SyncReport report = sync(config("", IDENTIFIER), "write", 3, 4, 5);

    assertThat(report.result(3).success()).isFalse();
    assertThat(report.result(3).error()).contains("{ref}").contains("'..'");
    assertThat(report.result(4).success()).isFalse();
    assertThat(report.result(5).success()).isTrue();
    assertThat(sent())
        .singleElement()
        .satisfies(r -> assertThat(r.getUrl()).isEqualTo("/customers/a.b"));
  }

  private static long liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  @Test
  void sync_reloadChangesConcurrency_oldPoolShutDownOnceIdle() throws Exception {
    odoo.put("res.partner", 3, SyncFixture.partner("C-3"));
    odoo.put("res.partner", 4, SyncFixture.partner("C-4"));
    String yaml =
        "sync:\n  - name: reloaded\n    model: res.partner\n    url: "
            + api.baseUrl()
            + "/customers/{ref}\n    concurrency: %d\n    mapping:\n"
            + IDENTIFIER;
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      for (int concurrency = 2; concurrency <= 4; concurrency++) {
        SyncConfig config = SyncFixture.configs(dir, String.format(yaml, concurrency)).get(0);
        SyncReport report = sync(engine, config, "write", 1, 2, 3, 4);
        assertThat(report.results()).allMatch(SyncReport.RecordResult::success);
      }
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (liveThreads("sync-reloaded-") > 4 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(liveThreads("sync-reloaded-")).isBetween(1L, 4L);
    }
  }

  @Test
  void sync_batchAnswerWithoutARecordsIdentifier_thatRecordFailsNotFinally() {
    api.stubFor(
        com.github.tomakehurst.wiremock.client.WireMock.post("/customers")
            .willReturn(aResponse().withStatus(200).withBody("[{\"id\":\"C-2\",\"n\":\"u2\"}]")));
    SyncConfig config =
        SyncFixture.configs(
                dir,
                "sync:\n  - name: customers\n    model: res.partner\n    url: "
                    + api.baseUrl()
                    + "/customers\n    batch: 5\n"
                    + "    response: [{key: n, field: remote_id}]\n"
                    + "    status: {state: sync_state, last-error: sync_error}\n"
                    + "    mapping:\n"
                    + IDENTIFIER)
            .get(0);
    SyncReport report = sync(config, "create", 1, 2);

    assertThat(report.result(2).success()).isTrue();
    assertThat(report.result(1).success()).isFalse();
    assertThat(report.result(1).finalRejection()).isFalse();
    assertThat(report.result(1).error()).isEqualTo("the answer has no item for identifier C-1");
    assertThat(odoo.records("res.partner").get(2L)).containsEntry("remote_id", "u2");
    // not final: the pipeline tries the event again, the record waits as pending with the reason
    assertThat(odoo.records("res.partner").get(1L))
        .containsEntry("sync_state", "pending")
        .containsEntry("sync_error", "the answer has no item for identifier C-1");
  }
}
