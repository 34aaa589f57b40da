package io.odoosidecar.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One sidecar daemon as its own operating-system process, started as {@code scripts/run} would
 * ({@code sidecar run --config FILE --rules DIR}) on the harness's class path, its output appended
 * to a log file beside its configuration; killed with SIGKILL ({@link #kill}) at any point and
 * started again on the same configuration.
 */
public final class SidecarProcess {
  /** Environment variables that would override the configured connection: never passed on. */
  private static final List<String> OVERRIDES =
      List.of(
          "ODOO_URL", "ODOO_DB", "ODOO_USER", "ODOO_PASSWORD", "ODOO_API_KEY", "SIDECAR_CONFIG");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Path config;
  private final Path rules;
  private final Path logFile;
  private final int port;
  private final Map<String, String> environment;
  private Process process;
  private int starts;

  /**
   * @param config its configuration file (its {@code server.port} is {@code port})
   * @param environment variables it gets besides the harness's own (the secrets its file names)
   */
  public SidecarProcess(
      String name, Path config, Path rules, int port, Map<String, String> environment) {
    this.name = name;
    this.config = config;
    this.rules = rules;
    this.port = port;
    this.environment = Map.copyOf(environment);
    this.logFile = config.resolveSibling(name + ".log");
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** How many times it was started. */
  public synchronized int starts() {
    return starts;
  }

  /** Starts the process (not waiting for it to be ready). */
  public synchronized void start() {
    if (alive()) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx" + System.getProperty("harness.sidecar.heap", "384m"));
    command.add("-XX:+UseSerialGC");
    for (String option : System.getProperty("harness.sidecar.jvm", "").split(" ")) {
      if (!option.isBlank()) {
        command.add(option);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.odoosidecar.app.Main");
    command.addAll(List.of("run", "--config", config.toString(), "--rules", rules.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    OVERRIDES.forEach(builder.environment()::remove);
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    starts++;
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** The exit status of the last run, or -1 while it runs (or never ran). */
  public synchronized int exitStatus() {
    return process == null || process.isAlive() ? -1 : process.exitValue();
  }

  /** The process id, or -1 when it is not running. */
  public synchronized long pid() {
    return alive() ? process.pid() : -1;
  }

  /** SIGKILL: no shutdown hook, no drain, nothing flushed. */
  public void kill() {
    Process running;
    synchronized (this) {
      running = process;
    }
    if (running == null) {
      return;
    }
    running.destroyForcibly(); // SIGKILL on Unix
    try {
      running.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  public void stop(Duration grace) {
    Process running;
    synchronized (this) {
      running = process;
    }
    if (running == null || !running.isAlive()) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** Whether {@code GET /health/ready} answers 200. */
  public boolean ready() {
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url() + "/health/ready"))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits until the process answers ready.
   *
   * @throws IllegalStateException it exited, or was not ready within {@code timeout}, naming its
   *     log
   */
  public void awaitReady(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (!ready()) {
      if (!alive()) {
        throw new IllegalStateException(name + " exited while starting; see " + logFile);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + logFile);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  public Path logFile() {
    return logFile;
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
