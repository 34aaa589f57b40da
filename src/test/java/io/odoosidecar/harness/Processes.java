package io.odoosidecar.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Commands the harness runs to disrupt the cluster's world: restarting PostgreSQL and Odoo. */
final class Processes {
  private Processes() {}

  /**
   * Runs a command in {@code dir}, its output on the harness's standard error.
   *
   * @throws IllegalStateException it failed or did not end within {@code timeout}
   */
  static void run(Path dir, Duration timeout, String... command)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    Thread pump =
        new Thread(
            () -> {
              try {
                process.getInputStream().transferTo(System.err);
              } catch (IOException e) {
                // the command ended
              }
            });
    pump.setDaemon(true);
    pump.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed with status " + process.exitValue());
    }
  }

  /** Restarts the machine's PostgreSQL cluster (its only version, cluster {@code main}). */
  static void restartPostgres() throws IOException, InterruptedException {
    String[] versions = Path.of("/etc/postgresql").toFile().list();
    if (versions == null || versions.length != 1) {
      throw new IllegalStateException(
          "expected one PostgreSQL version under /etc/postgresql, found "
              + (versions == null ? "none" : List.of(versions)));
    }
    run(
        Path.of("/"),
        Duration.ofMinutes(2),
        "setsid", // the server in a session of its own, never in the harness's process group
        "pg_ctlcluster",
        "--skip-systemctl-redirect",
        versions[0],
        "main",
        "restart");
  }
}
