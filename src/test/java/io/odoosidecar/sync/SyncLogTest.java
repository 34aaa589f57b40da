package io.odoosidecar.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.sync.SyncLog.Entry;
import io.odoosidecar.sync.SyncLog.Query;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SyncLogTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  private SyncConfig config() {
    Path token = dir.resolve("token");
    try {
      java.nio.file.Files.writeString(token, "t0ken-value\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return SyncFixture.configs(
            dir,
            "sync:\n  - name: customers\n    model: res.partner\n    url: "
                + api.baseUrl()
                + "/customers/{ref}\n    params: {api_key: s3cr3t-key}\n"
                + "    headers: {X-Trace: abc}\n"
                + "    auth: {kind: bearer, token-file: '"
                + token
                + "'}\n"
                + "    retry: {attempts: 2, initial: 1s, max: 1s}\n"
                + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
                + "      - {field: name, key: name}\n")
        .get(0);
  }

  private void syncTwo(SyncLog log) {
    MemoryOdoo odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    odoo.put("res.partner", 2, SyncFixture.partner("C-2"));
    api.stubFor(
        any(urlPathEqualTo("/customers/C-1"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("{\"echo\":\"t0ken-value\",\"ok\":\"" + "y".repeat(300) + "\"}")));
    api.stubFor(
        any(urlPathEqualTo("/customers/C-2"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(502).withBody("gateway"))
            .willSetStateTo("up"));
    api.stubFor(
        any(urlPathEqualTo("/customers/C-2"))
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200).withBody("{}")));
    try (SyncEngine engine = SyncFixture.engine(odoo, log)) {
      engine.sync(
          new SyncRequest(
              config(),
              "write",
              "res.partner",
              List.of(1L, 2L),
              Map.of(),
              Map.of(1L, "k-1", 2L, "k-2"),
              false));
    }
  }

  @Test
  void log_everyAttempt_secretsMaskedBodiesCut() {
    try (SyncLog log = SyncLog.open(h2(), SyncFixture.CLOCK, 120)) {
      syncTwo(log);
      List<Entry> all = log.query(Query.newest(10));
      assertThat(all).hasSize(3);
      Entry first = log.query(new Query("customers", 1L, false, 10)).get(0);
      assertThat(first.recordIds()).containsExactly(1L);
      assertThat(first.operation()).isEqualTo("write");
      assertThat(first.method()).isEqualTo("PUT");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.idempotencyKey()).isEqualTo("k-1");
      assertThat(first.attempt()).isEqualTo(1);
      assertThat(first.at()).isEqualTo(SyncFixture.CLOCK.instant());
      assertThat(first.url()).endsWith("/customers/C-1?api_key=****").doesNotContain("s3cr3t");
      assertThat(first.requestHeaders())
          .contains("X-Trace: abc")
          .contains("Authorization: ")
          .doesNotContain("t0ken");
      assertThat(first.requestBody()).contains("\"name\":\"Partner C-1\"");
      assertThat(first.answerBody())
          .hasSize(120)
          .contains("[cut at 120 of ")
          .contains("\"echo\":\"****\"")
          .doesNotContain("t0ken");

      List<Entry> failed = log.query(new Query(null, null, true, 10));
      assertThat(failed)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.answerBody()).isEqualTo("gateway");
                assertThat(e.recordIds()).containsExactly(2L);
              });
      List<Entry> two = log.query(new Query(null, 2L, false, 10));
      assertThat(two).extracting(Entry::attempt).containsExactly(2, 1); // newest first
      assertThat(log.query(Query.newest(1))).hasSize(1);
    }
  }

  @Test
  void prune_removesOlderEntriesOnly() {
    try (SyncLog log = SyncLog.open(h2(), SyncFixture.CLOCK, 1000)) {
      log.record(entry(Instant.parse("2026-11-01T00:00:00Z")));
      log.record(entry(Instant.parse("2026-11-30T00:00:00Z")));
      assertThat(log.pruneOlderThan(Duration.ofDays(7))).isEqualTo(1);
      assertThat(log.query(Query.newest(10)))
          .extracting(Entry::at)
          .containsExactly(Instant.parse("2026-11-30T00:00:00Z"));
    }
  }

  @Test
  void open_twice_appliesTheSchemaOnce() throws SQLException {
    String url = "jdbc:h2:mem:twice-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    try (SyncLog one =
        SyncLog.open(() -> DriverManager.getConnection(url), SyncFixture.CLOCK, 99)) {
      one.record(entry(SyncFixture.CLOCK.instant()));
    }
    try (SyncLog two = SyncLog.open(() -> DriverManager.getConnection(url), SyncFixture.CLOCK, 99);
        Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT COUNT(*) FROM \"sidecar_schema_sync_log\" WHERE \"success\" AND \"type\" = 'SQL'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(two.query(Query.newest(5))).hasSize(1);
    }
  }

  @Test
  void log_onPostgresql_sameRows() throws SQLException {
    String admin = "jdbc:postgresql://127.0.0.1:5432/postgres";
    Connection probe;
    try {
      probe = DriverManager.getConnection(admin, "postgres", "");
    } catch (SQLException e) {
      Assumptions.abort("no PostgreSQL at 127.0.0.1:5432: " + e.getMessage());
      return;
    }
    String db = "sync_log_test_" + System.nanoTime();
    try (probe;
        Statement st = probe.createStatement()) {
      st.execute("CREATE DATABASE " + db);
      try (SyncLog log =
          SyncLog.open(
              () ->
                  DriverManager.getConnection(
                      "jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", ""),
              SyncFixture.CLOCK,
              120)) {
        syncTwo(log);
        assertThat(log.query(Query.newest(10))).hasSize(3);
        assertThat(log.query(new Query("customers", 2L, true, 10)))
            .singleElement()
            .extracting(Entry::status)
            .isEqualTo(502);
        assertThat(log.prune(SyncFixture.CLOCK.instant().plusSeconds(1))).isEqualTo(3);
      } finally {
        st.execute("DROP DATABASE " + db + " WITH (FORCE)");
      }
    }
  }

  private static Entry entry(Instant at) {
    return new Entry(
        0,
        at,
        "customers",
        List.of(5L),
        "create",
        "POST",
        "https://x.example/c",
        201,
        Duration.ofMillis(12),
        "",
        "{}",
        "{}",
        null,
        null,
        1,
        true);
  }

  private static io.odoosidecar.store.EventLog.ConnectionSource h2() {
    String url = "jdbc:h2:mem:sync-log-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    return () -> DriverManager.getConnection(url);
  }
}
