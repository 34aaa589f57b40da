package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.TransportKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarConfigTest {
  @TempDir Path dir;

  private static final Map<String, String> ENV =
      Map.of("ODOO_PASSWORD", "pw", "ODOO_URL", "http://odoo.example:8069", "ODOO_DB", "prod");

  @Test
  void shippedExample_loads_withEnvironmentOverrides() {
    SidecarConfig config = SidecarConfig.load(Path.of("config/sidecar.yaml"), ENV);
    OdooSettings main = config.connection(null);
    assertThat(main.url().toString()).isEqualTo("http://odoo.example:8069");
    assertThat(main.database()).isEqualTo("prod");
    assertThat(main.login()).isEqualTo("admin");
    assertThat(main.password().orElseThrow().reveal()).isEqualTo("pw");
    assertThat(main.apiKey()).isEmpty();
    assertThat(main.transport()).isEqualTo(TransportKind.AUTO);
    assertThat(main.retry().initialBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.server().port()).isEqualTo(8765);
  }

  @Test
  void noFile_environmentAlone_configuresTheDefaultConnection() {
    SidecarConfig config =
        SidecarConfig.load(
            dir.resolve("absent.yaml"),
            Map.of(
                "ODOO_URL",
                "https://o.example",
                "ODOO_DB",
                "d",
                "ODOO_USER",
                "bot",
                "ODOO_API_KEY",
                "k"));
    assertThat(config.connection(null).apiKey().orElseThrow().reveal()).isEqualTo("k");
    assertThat(config.connection(null).login()).isEqualTo("bot");
  }

  @Test
  void severalConnections_eachWithItsOwnSecretSource() throws IOException {
    Path secret = Files.writeString(dir.resolve("key"), "file-key\n");
    Path file =
        write(
            "odoo:\n  default: b\n  connections:\n"
                + "    a: {url: 'http://a:8069', database: da, login: x, password-env: A_PW}\n"
                + "    b: {url: 'http://b:8069', database: db, login: y, api-key-file: '"
                + secret
                + "', transport: json2}\n");
    SidecarConfig config =
        SidecarConfig.load(file, Map.of("A_PW", "apw", "ODOO_PASSWORD", "default-only"));
    assertThat(config.defaultConnection()).isEqualTo("b");
    assertThat(config.connection("a").password().orElseThrow().reveal()).isEqualTo("apw");
    assertThat(config.connection("b").apiKey().orElseThrow().reveal()).isEqualTo("file-key");
    assertThat(config.connection("b").password().orElseThrow().reveal())
        .as("the default connection also reads ODOO_PASSWORD")
        .isEqualTo("default-only");
    assertThatThrownBy(() -> config.connection("c"))
        .hasMessageContaining("no connection named 'c'")
        .hasMessageContaining("a, b");
  }

  @Test
  void unknownKey_isNamedWithItsPathAndTheKnownKeys() throws IOException {
    Path file =
        write("odoo:\n  connections:\n    main:\n      url: http://x:1\n      timeout: 5s\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": odoo.connections.main.timeout: unknown key")
        .hasMessageContaining("request-timeout");
  }

  @Test
  void secretWrittenInTheYaml_isRefused() throws IOException {
    Path file =
        write(
            "odoo:\n  connections:\n    main: {url: 'http://x:1', database: d, login: l, password: hunter2}\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .hasMessageContaining("odoo.connections.main.password")
        .hasMessageContaining("password-env")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void missingRequiredValue_namesTheKey() throws IOException {
    Path file = write("odoo:\n  connections:\n    main: {url: 'http://x:1', login: l}\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, Map.of("ODOO_PASSWORD", "p")))
        .hasMessage(
            file
                + ": odoo.connections.main.database: is required: the Odoo database name (or set ODOO_DB)");
  }

  @Test
  void noSecretAnywhere_isRefused() throws IOException {
    Path file =
        write("odoo:\n  connections:\n    main: {url: 'http://x:1', database: d, login: l}\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, Map.of()))
        .hasMessageContaining("no secret found");
  }

  @Test
  void badValues_areNamed() throws IOException {
    assertThatThrownBy(
            () ->
                SidecarConfig.load(
                    write(
                        "odoo:\n  connections:\n    main: {url: 'ftp://x', database: d, login: l}\n"),
                    Map.of("ODOO_PASSWORD", "p")))
        .hasMessageContaining("odoo.connections.main.url: must be an http:// or https:// URL");
    assertThatThrownBy(
            () ->
                SidecarConfig.load(
                    write(
                        "odoo:\n  connections:\n    main: {url: 'http://x', database: d, login: l, request-timeout: soon}\n"),
                    Map.of("ODOO_PASSWORD", "p")))
        .hasMessageContaining("odoo.connections.main.request-timeout: must be a duration");
    assertThatThrownBy(
            () ->
                SidecarConfig.load(
                    write(
                        "odoo:\n  connections:\n    main: {url: 'http://x', database: d, login: l, transport: soap}\n"),
                    Map.of("ODOO_PASSWORD", "p")))
        .hasMessageContaining(
            "odoo.connections.main.transport: unknown transport 'soap', expected one of xmlrpc, jsonrpc, json2, auto");
    assertThatThrownBy(
            () ->
                SidecarConfig.load(
                    write(
                        "odoo:\n  connections:\n    main: {url: 'http://x', database: d, login: l, transport: json2}\n"),
                    Map.of("ODOO_PASSWORD", "p")))
        .hasMessageContaining("json2 needs an API key");
    Map<String, String> fullEnv =
        Map.of("ODOO_PASSWORD", "p", "ODOO_URL", "http://x", "ODOO_DB", "d", "ODOO_USER", "u");
    assertThatThrownBy(() -> SidecarConfig.load(write("server:\n  port: 99999\n"), fullEnv))
        .hasMessageContaining("server.port: must be between 0 and 65535");
    assertThatThrownBy(
            () ->
                SidecarConfig.load(
                    write(
                        "odoo:\n  connections:\n    main: {url: 'http://x', database: d, login: l, password-file: /nonexistent/pw}\n"),
                    Map.of()))
        .hasMessageContaining("odoo.connections.main.password-file: cannot read /nonexistent/pw");
  }

  @Test
  void malformedYaml_namesTheFileAndLine() throws IOException {
    Path file = write("odoo:\n  connections: [unclosed\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .hasMessageStartingWith(file + ": not valid YAML at line");
  }

  @Test
  void pipelineSections_areRead_andTheirMistakesNamed() throws IOException {
    Path file =
        write(
            """
            event-log:
              url: jdbc:postgresql://127.0.0.1:5432/sidecar
              user: sidecar
              password-env: DB_PW
            push:
              auth: hmac
              window: 2m
              max-events: 50
            pipeline:
              workers: 4
              max-depth: 3
              retry: {max-attempts: 2, initial-backoff: 1s, max-backoff: 1m}
            poll:
              enabled: false
              models: crm.lead, res.partner
            python:
              statement-limit: 50000
              timeout: 5s
            """);
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put("ODOO_USER", "admin");
    env.put("SIDECAR_PUSH_SECRET", "push-secret");
    env.put("DB_PW", "db-secret");
    SidecarConfig config = SidecarConfig.load(file, env);
    assertThat(config.eventLog().url()).contains("jdbc:postgresql://127.0.0.1:5432/sidecar");
    assertThat(config.eventLog().password().orElseThrow().reveal()).isEqualTo("db-secret");
    assertThat(config.push().secret().orElseThrow().reveal()).isEqualTo("push-secret");
    assertThat(config.push().auth()).isEqualTo(io.odoosidecar.pipeline.PushReceiver.Auth.HMAC);
    assertThat(config.push().window()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.push().maxEvents()).isEqualTo(50);
    assertThat(config.pipeline().workers()).isEqualTo(4);
    assertThat(config.pipeline().maxDepth()).isEqualTo(3);
    assertThat(config.pipeline().retry().maxAttempts()).isEqualTo(2);
    assertThat(config.poll().enabled()).isFalse();
    assertThat(config.poll().models()).containsExactly("crm.lead", "res.partner");
    assertThat(config.python().statementLimit()).isEqualTo(50_000);
    assertThat(config.python().timeout()).isEqualTo(Duration.ofSeconds(5));

    Path bad = write("push:\n  auth: token\n");
    assertThatThrownBy(() -> SidecarConfig.load(bad, env))
        .hasMessageContaining("push.auth")
        .hasMessageContaining("must be secret or hmac");
    Path badUrl = write("event-log:\n  url: postgres://x/y\n");
    assertThatThrownBy(() -> SidecarConfig.load(badUrl, env))
        .hasMessageContaining("event-log.url")
        .hasMessageContaining("JDBC URL");
  }

  @Test
  void endpointLimits_areRead_andAZeroTimeOutIsRefusedByName() throws IOException {
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put("ODOO_USER", "admin");
    Path file =
        write("server:\n  read-timeout: 3s\n  idle-timeout: 2m\npush:\n  max-records: 2500\n");
    SidecarConfig config = SidecarConfig.load(file, env);
    assertThat(config.server().readTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.server().idleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.push().maxRecords()).isEqualTo(2500);
    SidecarConfig defaults = SidecarConfig.load(Path.of("config/sidecar.yaml"), ENV);
    assertThat(defaults.server().readTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.push().maxRecords()).isEqualTo(10_000);

    Path zero = write("server:\n  read-timeout: 0s\n");
    assertThatThrownBy(() -> SidecarConfig.load(zero, env))
        .hasMessageContaining("server.read-timeout")
        .hasMessageContaining("must be more than 0");
    Path none = write("push:\n  max-records: 0\n");
    assertThatThrownBy(() -> SidecarConfig.load(none, env))
        .hasMessageContaining("push.max-records");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "sidecar", ".yaml"), yaml);
  }
}
