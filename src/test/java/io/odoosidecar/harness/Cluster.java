package io.odoosidecar.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several sidecar processes on one event log, each with its own folder, port and configuration,
 * sharing one rules folder; killed and restarted one at a time. A shutdown hook kills whatever is
 * still running when the harness's JVM ends, so that no sidecar outlives it.
 */
public final class Cluster implements AutoCloseable {
  private final List<SidecarProcess> instances = new ArrayList<>();
  private final AtomicInteger kills = new AtomicInteger();
  private final AtomicInteger restarts = new AtomicInteger();
  private final Thread hook = new Thread(this::killAll, "cluster-kill");

  /**
   * @param size how many instances
   * @param base the folder under which each instance gets {@code sidecar-<n>/}
   * @param rules the rules folder every instance reads
   * @param environment the secrets: {@code ODOO_PASSWORD}, {@link InstanceConfig#SECRET_ENV}
   */
  public Cluster(
      int size, Path base, Path rules, InstanceConfig config, Map<String, String> environment) {
    for (int n = 1; n <= size; n++) {
      String name = "sidecar-" + n;
      int port = freePort();
      Path file = config.write(base.resolve(name), name, port);
      instances.add(new SidecarProcess(name, file, rules, port, environment));
    }
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<SidecarProcess> instances() {
    return List.copyOf(instances);
  }

  /** The base URLs of every instance, running or not (as the addon is configured with them). */
  public List<String> urls() {
    return instances.stream().map(SidecarProcess::url).toList();
  }

  /** Starts every instance and waits until each answers ready. */
  public void start(Duration timeout) {
    instances.forEach(SidecarProcess::start);
    instances.forEach(instance -> instance.awaitReady(timeout));
  }

  /** SIGKILLs one instance, counted. */
  public void kill(SidecarProcess instance) {
    instance.kill();
    kills.incrementAndGet();
  }

  /** Starts a killed instance again, counted. */
  public void restart(SidecarProcess instance) {
    instance.start();
    restarts.incrementAndGet();
  }

  public int kills() {
    return kills.get();
  }

  public int restarts() {
    return restarts.get();
  }

  /** Starts any instance that is not running (one killed by a crash of its own, say). */
  public void startMissing() {
    for (SidecarProcess instance : instances) {
      if (!instance.alive()) {
        restart(instance);
      }
    }
  }

  private void killAll() {
    instances.forEach(SidecarProcess::kill);
  }

  /** Stops every instance (SIGTERM, SIGKILL after 20 s). */
  @Override
  public void close() {
    instances.parallelStream().forEach(instance -> instance.stop(Duration.ofSeconds(20)));
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }
}
