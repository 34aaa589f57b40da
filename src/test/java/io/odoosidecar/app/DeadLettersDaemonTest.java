package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.SyncFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * {@code sidecar dead-letters} while another process (a running daemon) holds the embedded store:
 * the running daemon is asked instead, with the push secret, and a clear error when it cannot be.
 */
class DeadLettersDaemonTest {
  private static final String SECRET = "dead-letter-test-secret";

  @TempDir Path dir;
  private Path held;
  private Process holder;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void holdTheStore() throws Exception {
    held = dir.resolve("held");
    Files.createDirectories(held);
    holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                StoreLockHolder.class.getName(),
                held.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String line = lines.readLine();
    assertThat(line).as("the other process holds the store").startsWith("held");
  }

  @AfterEach
  void release() throws Exception {
    holder.getOutputStream().close();
    if (!holder.waitFor(10, TimeUnit.SECONDS)) {
      holder.destroyForcibly();
    }
  }

  @ParameterizedTest
  @EnumSource(PushReceiver.Auth.class)
  void listAndReplay_storeHeld_askTheRunningDaemon(PushReceiver.Auth auth) throws Exception {
    Path daemonData = dir.resolve("daemon");
    long id = deadLetter(daemonData);
    Daemon daemon = daemon(daemonData, auth);
    daemon.start();
    try {
      Path config = config(daemon.port(), auth);
      assertThat(run(config, "dead-letters", "list")).as(err::toString).isZero();
      assertThat(out.toString())
          .contains(id + "\todoo\twrite crm.lead #7\t1 attempts\tValidationError: nope")
          .contains("1 dead letters");

      out.getBuffer().setLength(0);
      assertThat(run(config, "dead-letters", "replay", String.valueOf(id), "999"))
          .as("999 is no dead letter")
          .isEqualTo(ExitCodes.USAGE);
      assertThat(out.toString()).contains(id + " replayed").contains("999 is not a dead letter");

      out.getBuffer().setLength(0);
      assertThat(run(config, "dead-letters", "list")).isZero();
      assertThat(out.toString()).contains("0 dead letters");
    } finally {
      daemon.close();
    }
  }

  @Test
  void list_storeHeld_noDaemonAnswering_saysBoth() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Path config = config(closed, PushReceiver.Auth.SECRET);
    assertThat(run(config, "dead-letters", "list")).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(err.toString())
        .contains("the event log under " + held + " is in use by another process")
        .contains("no sidecar answered at http://127.0.0.1:" + closed + "/jsonrpc")
        .contains("connection refused")
        .doesNotContain(SECRET);
  }

  @Test
  void list_storeHeld_noPushSecret_saysTheDaemonCannotBeAsked() throws Exception {
    Path config = config(1, PushReceiver.Auth.SECRET);
    assertThat(run(config, Map.of(), "dead-letters", "list")).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(err.toString())
        .contains("is in use by another process")
        .contains("no push secret is configured");
  }

  @Test
  void replay_storeHeld_wrongSecret_refusedAndSaidSo() throws Exception {
    Path daemonData = dir.resolve("daemon");
    long id = deadLetter(daemonData);
    Daemon daemon = daemon(daemonData, PushReceiver.Auth.SECRET);
    daemon.start();
    try {
      Path config = config(daemon.port(), PushReceiver.Auth.SECRET);
      int code =
          run(
              config,
              Map.of("SIDECAR_PUSH_SECRET", "not-the-secret"),
              "dead-letters",
              "replay",
              String.valueOf(id));
      assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(err.toString()).contains("refused the push secret");
      out.getBuffer().setLength(0);
      assertThat(run(config, "dead-letters", "list")).isZero();
      assertThat(out.toString()).as("still a dead letter").contains("1 dead letters");
    } finally {
      daemon.close();
    }
  }

  @Test
  void syncRun_storeHeld_theAttemptsGoToTheRunningDaemonsSyncLog() throws Exception {
    WireMockServer api = new WireMockServer(wireMockConfig().dynamicPort());
    api.start();
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        rules.resolve("sync.yaml"),
        "sync:\n  - name: customers\n    model: res.partner\n    url: "
            + api.baseUrl()
            + "/customers/{ref}\n    mapping:\n      - {field: ref, key: id, identifier: true}\n");
    MemoryOdoo odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    Daemon daemon = daemon(dir.resolve("daemon"), PushReceiver.Auth.HMAC);
    daemon.start();
    try {
      Path config = config(daemon.port(), PushReceiver.Auth.HMAC);
      CommandLine cli = cli(Map.of("SIDECAR_PUSH_SECRET", SECRET));
      ((SidecarCommand) cli.getCommand()).odoo = settings -> odoo;
      assertThat(
              cli.execute(
                  "--config",
                  config.toString(),
                  "sync",
                  "run",
                  "customers",
                  "--rules",
                  rules.toString()))
          .as(err::toString)
          .isZero();
      assertThat(err.toString()).contains("this run's attempts go to its sync log");

      assertThat(run(config, "sync", "log", "--sync-config", "customers"))
          .as(err::toString)
          .isZero();
      assertThat(out.toString()).contains("/customers/C-1").contains("PUT");
    } finally {
      daemon.close();
      api.stop();
    }
  }

  private CommandLine cli(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("DEAD_LETTERS_TEST_PW", "pw");
    CommandLine cli = Main.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  private static long deadLetter(Path data) {
    try (EventLog log = EventLog.embedded(data)) {
      Instant now = Instant.now();
      log.append(
          List.of(new EventLog.NewEvent("odoo", "outbox:1", "crm.lead", 7, "write", "{}")), now);
      long id = log.claim(1, now).get(0).id();
      log.fail(id, "ValidationError: nope", now, 1);
      return id;
    }
  }

  private static Daemon daemon(Path data, PushReceiver.Auth auth) {
    SidecarConfig base = OfflineConfigs.of("127.0.0.1", data);
    SidecarConfig.PushConfig push =
        new SidecarConfig.PushConfig(
            Optional.of(Secret.of(SECRET)),
            auth,
            Duration.ofMinutes(5),
            1 << 20,
            100,
            Optional.empty());
    SidecarConfig config =
        new SidecarConfig(
            base.file(),
            base.connections(),
            base.defaultConnection(),
            base.server(),
            base.dataDir(),
            base.eventLog(),
            push,
            base.pipeline(),
            base.poll(),
            base.python());
    return new Daemon(config, Clock.systemUTC(), wait -> Thread.sleep(50), null);
  }

  private Path config(int port, PushReceiver.Auth auth) throws IOException {
    return Files.writeString(
        dir.resolve("sidecar.yaml"),
        "odoo:\n  connections:\n    main: {url: 'http://127.0.0.1:1', database: odoo, login: u,"
            + " password-env: DEAD_LETTERS_TEST_PW}\n"
            + "server: {host: 127.0.0.1, port: "
            + port
            + "}\n"
            + "data-dir: "
            + held
            + "\n"
            + "push: {auth: "
            + auth.name().toLowerCase(Locale.ROOT)
            + "}\n");
  }

  private int run(Path config, String... args) {
    return run(config, Map.of("SIDECAR_PUSH_SECRET", SECRET), args);
  }

  private int run(Path config, Map<String, String> extra, String... args) {
    CommandLine cli = cli(extra);
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.execute(all);
  }
}
