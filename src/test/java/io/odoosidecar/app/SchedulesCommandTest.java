package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.schedule.ScheduleModel;
import io.odoosidecar.schedule.ScheduleStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sidecar schedules list}: the running daemon's {@code sidecar.schedule}, as a table. */
class SchedulesCommandTest {
  private static final String SECRET = "schedules-test-secret";
  private static final Instant NEXT = Instant.parse("2030-01-11T08:00:00Z");
  private static final Instant LAST = Instant.parse("2030-01-10T08:00:00Z");

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private final List<ScheduleStatus> statuses =
      List.of(
          new ScheduleStatus("schedule", "nightly", null, NEXT, LAST, "ok", 0, false),
          new ScheduleStatus("cron", "ir.cron:7", "other", NEXT, LAST, "failed: boom", 0, true));

  @Test
  void list_printsTheDaemonsSchedules_asATableOrJson() throws Exception {
    Daemon daemon = daemon(dir.resolve("data"));
    daemon.scheduleStatus(() -> statuses);
    daemon.start();
    try {
      Path config = config(daemon.port());
      assertThat(run(config, "schedules", "list")).isZero();
      List<String> lines = out.toString().lines().toList();
      assertThat(lines.get(0)).startsWith("NAME").contains("KIND", "DATABASE", "NEXT FIRE");
      assertThat(lines.get(1))
          .contains("nightly", "schedule", "(main)", NEXT.toString(), LAST.toString(), "ok");
      assertThat(lines.get(2))
          .contains("ir.cron:7", "cron", "other", "running since " + LAST, "failed: boom");
      assertThat(lines.get(3)).isEqualTo("2 schedules");

      out.getBuffer().setLength(0);
      assertThat(run(config, "schedules", "list", "--json")).isZero();
      List<?> rows = new ObjectMapper().readValue(out.toString(), List.class);
      assertThat(rows.stream().map(r -> ScheduleModel.status((Map<?, ?>) r)).toList())
          .isEqualTo(statuses);
    } finally {
      daemon.close();
    }
  }

  @Test
  void list_noDaemonRunning_saysSoAndExitsNonZero() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    assertThat(run(config(closed), "schedules", "list")).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(err.toString())
        .contains("cannot list the schedules: no sidecar answered at http://127.0.0.1:" + closed)
        .contains("is the daemon running");
    assertThat(out.toString()).isEmpty();
  }

  private static Daemon daemon(Path data) {
    SidecarConfig base = OfflineConfigs.of("127.0.0.1", data);
    SidecarConfig.PushConfig push =
        new SidecarConfig.PushConfig(
            Optional.of(Secret.of(SECRET)),
            PushReceiver.Auth.SECRET,
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

  private Path config(int port) throws IOException {
    return Files.writeString(
        dir.resolve("sidecar.yaml"),
        "odoo:\n  connections:\n    main: {url: 'http://127.0.0.1:1', database: odoo, login: u,"
            + " password-env: SCHEDULES_TEST_PW}\n"
            + "server: {host: 127.0.0.1, port: "
            + port
            + "}\n"
            + "data-dir: "
            + dir.resolve("cli")
            + "\npush: {auth: secret}\n");
  }

  private int run(Path config, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("SCHEDULES_TEST_PW", "pw");
    env.put("SIDECAR_PUSH_SECRET", SECRET);
    CommandLine cli = Main.commandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.execute(all);
  }
}
