package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.odoo.OdooStubs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every configured secret stays out of everything the sidecar shows: the output of {@code sidecar
 * -v run} through connection retries (Odoo unreachable first), registration with the addon and a
 * failing start, the {@code /health} answers, and {@code sidecar config}.
 */
class SecretsHostileTest {
  private static final String ODOO_PASSWORD = "odoo-pass-S3cr3t-1";
  private static final String API_KEY = "api-key-S3cr3t-2";
  private static final String URL_PASSWORD = "url-pass-S3cr3t-3";
  private static final String PUSH_SECRET = "push-S3cr3t-4";
  private static final String LOG_PASSWORD = "log-pass-S3cr3t-5";
  private static final String LOG_URL_PASSWORD = "log-url-pass-S3cr3t-6";
  private static final String LOG_USERINFO_PASSWORD = "log-info-S3cr3t-7";
  private static final List<String> SECRETS =
      List.of(
          ODOO_PASSWORD,
          API_KEY,
          URL_PASSWORD,
          PUSH_SECRET,
          LOG_PASSWORD,
          LOG_URL_PASSWORD,
          LOG_USERINFO_PASSWORD);
  private static final String LOG_URL =
      "jdbc:postgresql://sidecar:"
          + LOG_USERINFO_PASSWORD
          + "@127.0.0.1:1/sidecar?user=sidecar&password="
          + LOG_URL_PASSWORD;
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)/");

  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  @Test
  void verboseRun_retriesRegistrationAndHealth_showNoSecret() throws Exception {
    odoo.resetAll();
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    Path config = write("run.yaml", baseYaml());
    Daemonized run = Daemonized.start(dir, config, environment());
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(count(run.output(), "next try in"))
                      .as(run::output)
                      .isGreaterThanOrEqualTo(2));
      int port = run.port();
      String degraded = health(port);
      assertThat(degraded).as("the health answer shows the failure").contains("last_error");
      assertThat(degraded).contains("127.0.0.1:" + odoo.getPort());

      odoo.resetAll();
      stubWorkingOdoo();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(run.output())
                      .as(run::output)
                      .contains("registered with the sidecar_bridge addon"));
      String connected = health(port);
      odoo.verify(
          postRequestedFor(urlPathEqualTo("/jsonrpc"))
              .withRequestBody(containing("sidecar_bridge.secret"))
              .withRequestBody(containing(PUSH_SECRET)));

      run.stop();
      String output = run.output();
      assertThat(output)
          .as("-v logged the calls, registration included")
          .contains("DEBUG")
          .contains("ir.config_parameter.set_param")
          .contains("sidecar_bridge.secret");
      assertNoSecret("the output of sidecar -v run", output);
      assertNoSecret("/health while Odoo was away", degraded);
      assertNoSecret("/health once connected", connected);
    } finally {
      run.kill();
    }
  }

  @Test
  void verboseRun_eventLogRefused_startupErrorShowsNoSecret() throws Exception {
    odoo.resetAll();
    stubWorkingOdoo();
    Path config = write("bad-log.yaml", baseYaml() + eventLogYaml());
    Daemonized run = Daemonized.start(dir, config, environment());
    try {
      assertThat(run.process.waitFor(60, TimeUnit.SECONDS)).as("a failing start ends").isTrue();
      run.drain();
      String output = run.output();
      assertThat(run.process.exitValue()).as(output).isNotZero();
      assertThat(output)
          .contains("cannot open the event log at jdbc:postgresql://sidecar:****@127.0.0.1:1/");
      assertNoSecret("the output of a failing start", output);
    } finally {
      run.kill();
    }
  }

  @Test
  void configCommand_showsNoSecret() throws IOException {
    Path config = write("config.yaml", baseYaml() + eventLogYaml());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(environment());
    cli.setOut(new java.io.PrintWriter(out));
    cli.setErr(new java.io.PrintWriter(err));
    assertThat(cli.execute("--config", config.toString(), "config")).isZero();
    String shown = out + "\n" + err;
    assertThat(shown)
        .as("the URLs are shown, masked")
        .contains("url: http://admin:****@127.0.0.1:" + odoo.getPort())
        .contains("jdbc:postgresql://sidecar:****@127.0.0.1:1/sidecar?user=sidecar&password=****");
    assertThat(shown)
        .as("the operations sections, with their defaults")
        .contains("history: runs kept PT720H, at most 10000")
        .contains("console: on, group base.group_system, sessions PT8H, throttled after 5")
        .contains("logging: text, metrics: on (/metrics)");
    assertNoSecret("sidecar config", shown);
  }

  private static void assertNoSecret(String where, String text) {
    for (String line : text.split("\n", -1)) {
      for (String secret : SECRETS) {
        assertThat(line).as(where + " shows a secret in: " + line).doesNotContain(secret);
      }
    }
  }

  private static void stubWorkingOdoo() {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc")).atPriority(10).willReturn(OdooStubs.jsonRpcResult("[]")));
    OdooStubs.stubCommon(
        odoo,
        "version",
        "{\"server_version\":\"18.0\",\"server_version_info\":[18,0,0,\"final\",0,\"\"]}");
    OdooStubs.stubCommon(odoo, "authenticate", "2");
    executeAnswers("search_count", "1");
    executeAnswers("set_param", "true");
  }

  private static void executeAnswers(String method, String result) {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .atPriority(1)
            .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)))
            .willReturn(OdooStubs.jsonRpcResult(result)));
  }

  private String baseYaml() {
    return "odoo:\n  connections:\n    main:\n      transport: jsonrpc\n"
        + "      connect-timeout: 2s\n      request-timeout: 5s\n"
        + "      retry: {max-attempts: 2, initial-backoff: 20ms, max-backoff: 40ms}\n"
        + "server: {host: 127.0.0.1, port: 0}\n"
        + "data-dir: "
        + dir.resolve("data")
        + "\n"
        + "push: {public-url: 'http://127.0.0.1:8765/'}\n"
        + "poll: {enabled: false}\n";
  }

  private static String eventLogYaml() {
    return "event-log: {url: '"
        + LOG_URL
        + "', user: sidecar, password-env: SECRETS_TEST_LOG_PASSWORD}\n";
  }

  private static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ODOO_URL", "http://admin:" + URL_PASSWORD + "@127.0.0.1:" + odoo.getPort());
    env.put("ODOO_DB", "odoo");
    env.put("ODOO_USER", "admin");
    env.put("ODOO_PASSWORD", ODOO_PASSWORD);
    env.put("ODOO_API_KEY", API_KEY);
    env.put("SIDECAR_PUSH_SECRET", PUSH_SECRET);
    env.put("SECRETS_TEST_LOG_PASSWORD", LOG_PASSWORD);
    return env;
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  private static String health(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** {@code sidecar -v run} in a process of its own, its output (stdout and stderr) collected. */
  private static final class Daemonized {
    final Process process;
    final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    final Thread reader;

    private Daemonized(Process process) {
      this.process = process;
      this.reader = new Thread(this::read, "secrets-test-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Daemonized start(Path workDir, Path config, Map<String, String> env) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(
              java,
              "-Xmx384m",
              "-XX:TieredStopAtLevel=1",
              "-cp",
              System.getProperty("java.class.path"),
              Main.class.getName(),
              "-v",
              "--config",
              config.toString(),
              "run");
      builder.directory(workDir.toFile());
      builder.redirectErrorStream(true);
      builder
          .environment()
          .keySet()
          .removeIf(k -> k.startsWith("ODOO_") || k.startsWith("SIDECAR_"));
      builder.environment().putAll(env);
      return new Daemonized(builder.start());
    }

    private void read() {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended and its stream was closed: what it wrote is in lines
      }
    }

    String output() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }

    int port() {
      await().atMost(Duration.ofSeconds(60)).until(() -> LISTENING.matcher(output()).find());
      Matcher m = LISTENING.matcher(output());
      assertThat(m.find()).isTrue();
      return Integer.parseInt(m.group(1));
    }

    /** SIGTERM, as a supervisor stops it; the shutdown's log lines are part of the output. */
    void stop() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      drain();
    }

    void drain() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    void kill() {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
