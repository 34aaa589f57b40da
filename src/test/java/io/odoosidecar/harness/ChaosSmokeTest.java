package io.odoosidecar.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos harness, short: sidecar processes on one fresh PostgreSQL event log (two when the build
 * runs several instances on one log, else one), a few hundred changes pushed from the HTTP Odoo
 * double, instances killed with kill -9 and restarted while they work, the counting endpoint down a
 * few seconds. Every change must get its message and its request, and no change two requests of
 * distinct keys (a request received again with the same key is the redelivery the key makes
 * harmless).
 *
 * <p>A second message on a change is reported and not asserted: Odoo posts it in one call and the
 * sidecar records the action done in the next; a kill between the two posts it again when the event
 * is run again (the message post carries no idempotency key yet). It falls in a window of a few
 * milliseconds per batch, so a run of a few kills rarely shows one.
 */
class ChaosSmokeTest {
  @TempDir Path dir;

  @Test
  @Timeout(180)
  void killedAndRestartedInstances_loseNoChangeAndSendNoRequestTwice() throws Exception {
    assumeTrue(postgres(), "no PostgreSQL on 127.0.0.1:5432: the chaos smoke run is skipped");
    int instances = InstanceConfig.clustered() ? 2 : 1;
    ChaosSettings settings =
        new ChaosSettings(
            instances,
            300,
            4,
            4,
            Duration.ofSeconds(1),
            false,
            false,
            Duration.ofSeconds(3),
            CountingServer.Mode.REFUSED,
            false,
            Duration.ofSeconds(60),
            Duration.ofSeconds(3),
            50,
            17);
    ChaosReport report;
    try (DoubleTarget target =
        new DoubleTarget(settings.changes(), Duration.ofMillis(20), ChaosRun.SECRET)) {
      report = new ChaosRun(target, "the HTTP Odoo double", settings, dir).run();
    }
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    report.print(new PrintStream(table, true, StandardCharsets.UTF_8));
    String shown = table.toString(StandardCharsets.UTF_8) + logs();
    System.out.println(table.toString(StandardCharsets.UTF_8));

    assertThat(report.drained()).as(shown).isTrue();
    assertThat(report.kills()).as(shown).isEqualTo(4);
    assertThat(report.restarts()).as(shown).isEqualTo(4);
    EffectCount messages = report.effects().get(0);
    EffectCount requests = report.effects().get(1);
    assertThat(messages.lost()).as(shown).isZero();
    assertThat(requests.lost()).as(shown).isZero();
    assertThat(requests.duplicated()).as(shown).isZero();
    assertThat(report.deadLetters()).as(shown).isZero();
  }

  private static boolean postgres() {
    try (var c =
        DriverManager.getConnection(EventLogDatabase.SERVER + "postgres", "postgres", "")) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** The instances' logs' last lines, for a failure's message. */
  private String logs() throws java.io.IOException {
    StringBuilder out = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        var lines = Files.readAllLines(log);
        out.append("\n--- ").append(log).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(line -> out.append(line).append('\n'));
      }
    }
    return out.toString();
  }
}
