package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.odoo.OdooStubs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line against a stub Odoo: output, errors and exit codes. */
class CommandLineTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  private Path config;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void setUp() throws IOException {
    odoo.resetAll();
    Path password = Files.writeString(dir.resolve("pw"), "pw");
    config =
        Files.writeString(
            dir.resolve("sidecar.yaml"),
            "odoo:\n  connections:\n    main:\n      url: "
                + odoo.baseUrl()
                + "\n      database: odoo\n"
                + "      login: admin\n      password-env: CLI_TEST_UNSET_VARIABLE\n      password-file: "
                + password
                + "\n"
                + "      transport: jsonrpc\n      retry: {max-attempts: 1}\n");
    stubRpc(
        "version",
        "{\"server_version\":\"17.0\",\"server_version_info\":[17,0,0,\"final\",0,\"\"],\"server_serie\":\"17.0\"}");
    stubRpc("authenticate", "2");
  }

  @Test
  void version_printsVersionAndTransport() {
    assertThat(run("odoo", "version", "--transport", "jsonrpc")).isZero();
    assertThat(out.toString()).contains("server_version: 17.0").contains("transport: jsonrpc");
  }

  @Test
  void call_printsResultAsJson() {
    stubExecute("search_count", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":42}");
    assertThat(run("odoo", "call", "res.partner", "search_count", "[[]]")).isZero();
    assertThat(out.toString().trim()).isEqualTo("42");
  }

  @Test
  void call_odooError_printsClassAndMessage_exitsOne() {
    stubExecute(
        "create",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":200,\"message\":\"Odoo Server Error\",\"data\":{\"name\":\"odoo.exceptions.ValidationError\",\"message\":\"Contacts require a name\",\"debug\":\"Traceback (most recent call last):\\n...\"}}}");
    assertThat(run("odoo", "call", "res.partner", "create", "[{}]", "--traceback")).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("odoo.exceptions.ValidationError: Contacts require a name")
        .contains("Traceback");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void call_badJsonArguments_exitsTwoWithReason() {
    assertThat(run("odoo", "call", "res.partner", "search", "{\"not\": \"a list\"}")).isEqualTo(2);
    assertThat(err.toString()).contains("ARGS_JSON must be a JSON array");
  }

  @Test
  void call_refusedLogin_exitsFour() {
    stubRpc("authenticate", "false");
    assertThat(run("odoo", "call", "res.partner", "search", "[[]]")).isEqualTo(4);
    assertThat(err.toString()).contains("AccessDenied");
  }

  @Test
  void badConfiguration_namesFileAndKey_exitsTwo() throws IOException {
    Files.writeString(config, "odoo:\n  nonsense: 1\n");
    assertThat(run("odoo", "version")).isEqualTo(2);
    assertThat(err.toString()).contains(config + ": odoo.nonsense: unknown key");
  }

  @Test
  void deadLetters_areListedAndReplayed() throws IOException {
    Path data = dir.resolve("data");
    Files.writeString(config, Files.readString(config) + "data-dir: " + data + "\n");
    long id;
    try (io.odoosidecar.store.EventLog log = io.odoosidecar.store.EventLog.embedded(data)) {
      java.time.Instant now = java.time.Instant.now();
      log.append(
          List.of(
              new io.odoosidecar.store.EventLog.NewEvent(
                  "odoo", "outbox:1", "crm.lead", 7, "write", "{}")),
          now);
      id = log.claim(1, now).get(0).id();
      log.fail(id, "ValidationError: nope", now, 1);
    }
    assertThat(run("dead-letters", "list")).isZero();
    assertThat(out.toString())
        .contains(id + "\todoo\twrite crm.lead #7\t1 attempts\tValidationError: nope")
        .contains("1 dead letters");
    assertThat(run("dead-letters", "replay", String.valueOf(id))).isZero();
    assertThat(run("dead-letters", "replay", String.valueOf(id))).as("no longer dead").isEqualTo(2);
    out.getBuffer().setLength(0);
    assertThat(run("dead-letters", "list")).isZero();
    assertThat(out.toString()).contains("0 dead letters");
  }

  @Test
  void everyCommand_hasHelp() {
    for (String[] command :
        new String[][] {
          {"--help"},
          {"run", "--help"},
          {"odoo", "--help"},
          {"odoo", "version", "--help"},
          {"odoo", "call", "--help"},
          {"config", "--help"}
        }) {
      out.getBuffer().setLength(0);
      assertThat(Main.commandLine().setOut(new PrintWriter(out)).execute(command)).isZero();
      assertThat(out.toString()).contains("Usage:");
    }
  }

  private int run(String... args) {
    // the test's own configuration file, whatever ODOO_* the machine exports for live tests
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.startsWith("ODOO_") || k.equals("SIDECAR_CONFIG"));
    CommandLine cli = Main.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.execute(all);
  }

  private void stubRpc(String method, String result) {
    OdooStubs.stubCommon(odoo, method, result);
  }

  private void stubExecute(String method, String body) {
    OdooStubs.stubExecute(odoo, method, body);
  }
}
