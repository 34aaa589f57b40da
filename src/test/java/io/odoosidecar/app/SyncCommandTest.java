package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.SyncFixture;
import io.odoosidecar.sync.SyncLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sidecar sync check | run | log} against a memory Odoo and a stub API. */
class SyncCommandTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  private Path config;
  private Path rules;
  private Path data;
  private MemoryOdoo odoo;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void setUp() throws IOException {
    api.resetAll();
    data = dir.resolve("data");
    rules = Files.createDirectories(dir.resolve("rules"));
    config = sidecarYaml("http://127.0.0.1:1");
    odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    odoo.put("res.partner", 2, SyncFixture.partner("C-2"));
    Map<String, Object> elsewhere = new HashMap<>(SyncFixture.partner("C-3"));
    elsewhere.put("city", "Paris");
    odoo.put("res.partner", 3, elsewhere);
    Map<String, Object> company = new HashMap<>(SyncFixture.partner("C-4"));
    company.put("is_company", true);
    odoo.put("res.partner", 4, company);
    Files.writeString(
        rules.resolve("sync.yaml"),
        "sync:\n  - name: customers\n    model: res.partner\n"
            + "    filter_domain: \"[('is_company', '=', False)]\"\n"
            + "    url: "
            + api.baseUrl()
            + "/customers/{ref}\n    params: {api_key: s3cr3t-key}\n"
            + "    retry: {attempts: 1, initial: 1s, max: 1s}\n"
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: name, key: name}\n      - {field: country_id.code, key: country}\n"
            + "    status: {state: sync_state, last-success: sync_at, last-error: sync_error}\n");
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
  }

  private Path sidecarYaml(String odooUrl) throws IOException {
    Path password = Files.writeString(dir.resolve("pw"), "pw");
    return Files.writeString(
        dir.resolve("sidecar.yaml"),
        "odoo:\n  connections:\n    main:\n      url: "
            + odooUrl
            + "\n      database: odoo\n      login: admin\n      password-file: "
            + password
            + "\n      transport: jsonrpc\n      retry: {max-attempts: 1}\n"
            + "data-dir: "
            + data
            + "\n");
  }

  private int run(boolean memory, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("ODOO_") || k.equals("SIDECAR_CONFIG"));
    CommandLine cli = Main.commandLine(env);
    if (memory) {
      ((SidecarCommand) cli.getCommand()).odoo = settings -> odoo;
    }
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.execute(all);
  }

  private int run(String... args) {
    return run(true, args);
  }

  private List<SyncLog.Entry> logged() {
    String url = EventLog.embeddedUrl(data);
    try (SyncLog log =
        SyncLog.open(() -> DriverManager.getConnection(url), SyncFixture.CLOCK, 1024)) {
      return log.query(SyncLog.Query.newest(100));
    }
  }

  @Test
  void check_soundConfig_exitsZero() {
    assertThat(run("sync", "check", "--rules", rules.toString())).isZero();
    assertThat(out.toString()).contains("1 sync configs checked, 0 problems");
  }

  @Test
  void check_problems_areNamedByFileConfigAndKey_exitOne() throws IOException {
    Files.writeString(
        rules.resolve("bad.yaml"),
        "sync:\n  - name: broken\n    model: res.partner\n    url: 'http://x/{nickname}'\n"
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: country_id.iso, key: country}\n"
            + "      - {field: city.name, key: town}\n"
            + "      - {field: category_id, key: tags, type: relational, as: field label}\n"
            + "    response:\n      - {key: id, field: external_ref}\n"
            + "    status: {state: sync_at, last-success: sync_state, last-error: employees}\n"
            + "  - name: nowhere\n    model: no.such.model\n    url: 'http://x'\n"
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n");

    assertThat(run("sync", "check", "--rules", rules.toString())).isEqualTo(1);

    String bad = rules.resolve("bad.yaml") + ": sync 'broken': ";
    assertThat(out.toString())
        .contains(bad + "mapping[1].field: res.country has no field iso (of country_id.iso)")
        .contains(bad + "mapping[2].field: res.partner.city is not a relation (of city.name)")
        .contains(bad + "mapping[3].as: res.partner.category has no field label")
        .contains(bad + "url: res.partner has no field nickname")
        .contains(bad + "response[0].field: res.partner has no field external_ref")
        .contains(
            bad + "status.state: res.partner.sync_at is a datetime field, not char or selection")
        .contains(bad + "status.last-success: res.partner.sync_state is a selection field")
        .contains(
            bad + "status.last-error: res.partner.employees is an integer field, not char or text")
        .contains(
            rules.resolve("bad.yaml") + ": sync 'nowhere': model: unknown model no.such.model")
        .contains("3 sync configs checked, 9 problems");
  }

  @Test
  void check_odooUnreachable_exitsThree() {
    assertThat(run(false, "sync", "check", "--rules", rules.toString())).isEqualTo(3);
  }

  @Test
  void run_syncsTheConfigsDomainAndTheGivenOne_logsTheAttempts_showsProgress() {
    assertThat(
            run(
                "sync",
                "run",
                "customers",
                "--rules",
                rules.toString(),
                "--domain",
                "[('city', '=', 'Gent')]",
                "--batch-size",
                "1"))
        .isZero();

    // partner 3 is in Paris, 4 a company: neither is sent
    api.verify(putRequestedFor(urlPathEqualTo("/customers/C-1")));
    api.verify(putRequestedFor(urlPathEqualTo("/customers/C-2")));
    api.verify(2, anyRequestedFor(anyUrl()));
    assertThat(err.toString())
        .contains("sync: 1/2 records, 0 failed")
        .contains("sync: 2/2 records, 0 failed")
        .contains("sync 'customers': 2 records, 2 succeeded, 0 failed");
    assertThat(logged()).extracting(e -> e.recordIds().get(0)).containsExactlyInAnyOrder(1L, 2L);
    assertThat(logged()).allSatisfy(e -> assertThat(e.url()).doesNotContain("s3cr3t-key"));
    assertThat(odoo.records("res.partner").get(1L)).containsEntry("sync_state", "synced");
  }

  @Test
  void run_dryRun_printsTheRequests_andSendsNothing() {
    assertThat(run("sync", "run", "customers", "--rules", rules.toString(), "--dry-run")).isZero();

    api.verify(0, anyRequestedFor(anyUrl()));
    assertThat(out.toString())
        .contains("PUT " + api.baseUrl() + "/customers/C-1")
        .contains("PUT " + api.baseUrl() + "/customers/C-3")
        .doesNotContain("/customers/C-4")
        .contains("\"name\":\"Partner C-1\"")
        .contains("\"country\":\"BE\"")
        .contains("Content-Type: application/json")
        .doesNotContain("s3cr3t-key");
    assertThat(err.toString()).contains("dry run: nothing sent");
    assertThat(odoo.records("res.partner").get(1L)).doesNotContainKey("sync_state");
  }

  @Test
  void run_anApiDownForEveryTry_isWrittenBackFailed_sinceNothingTriesAgain() {
    api.stubFor(
        any(urlPathEqualTo("/customers/C-2"))
            .willReturn(aResponse().withStatus(503).withBody("down")));

    assertThat(run("sync", "run", "customers", "--rules", rules.toString())).isEqualTo(1);

    assertThat(odoo.records("res.partner").get(2L)).containsEntry("sync_state", "failed");
    assertThat(odoo.records("res.partner").get(1L)).containsEntry("sync_state", "synced");
  }

  @Test
  void run_aFailedRecord_exitsOne_andTheLogFiltersFindIt() {
    api.stubFor(
        any(urlPathEqualTo("/customers/C-2"))
            .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"no\"}")));

    assertThat(run("sync", "run", "customers", "--rules", rules.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("failed: record 2: rejected with HTTP 422")
        .contains("3 records, 2 succeeded, 1 failed");

    assertThat(run("sync", "log", "--failed")).isZero();
    assertThat(out.toString())
        .contains("\tcustomers\t2\tPUT " + api.baseUrl() + "/customers/C-2")
        .contains("\t422\t")
        .contains("1 entries");

    assertThat(run("sync", "log", "--record", "3", "--verbose")).isZero();
    assertThat(out.toString())
        .contains("/customers/C-3")
        .doesNotContain("/customers/C-2")
        .contains("request body: {")
        .contains("\"name\":\"Partner C-3\"")
        .contains("1 entries");

    assertThat(run("sync", "log", "--sync-config", "other")).isZero();
    assertThat(out.toString()).contains("0 entries");

    assertThat(run("sync", "log", "--limit", "2")).isZero();
    assertThat(out.toString()).contains("2 entries");
  }

  @Test
  void run_unknownConfig_namesTheKnownOnes() {
    assertThat(run("sync", "run", "suppliers", "--rules", rules.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no sync config 'suppliers'").contains("known: customers");
  }

  @Test
  void help_isThereForEveryCommand() {
    for (String command : List.of("check", "run", "log")) {
      assertThat(run("sync", command, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: sidecar sync " + command);
    }
  }
}
