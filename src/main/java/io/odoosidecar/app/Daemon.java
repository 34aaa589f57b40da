package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running sidecar: connects to every configured Odoo (retrying with backoff while one is
 * unreachable) and serves its HTTP endpoint.
 *
 * <p>Its lifecycle is an explicit state machine: {@code NEW -> STARTING -> RUNNING -> STOPPING ->
 * STOPPED}, each transition made by compare-and-set and logged.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration MAX_RECONNECT_WAIT = Duration.ofMinutes(1);

  /** The daemon's lifecycle states. */
  public enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED
  }

  private final SidecarConfig config;
  private final Clock clock;
  private final RetryPolicy.Sleeper sleeper;
  private final RuleRegistry rules;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final Map<String, ConnectionStatus> connections = new LinkedHashMap<>();
  private final List<OdooClient> clients = new ArrayList<>();
  private final ExecutorService connector = Executors.newCachedThreadPool(daemonThreads());
  private final CountDownLatch stopped = new CountDownLatch(1);
  private HttpServer server;

  /** What the daemon knows of one Odoo connection. */
  static final class ConnectionStatus {
    volatile String state = "connecting";
    volatile String version = "";
    volatile String transport = "";
    volatile long uid = -1;
    volatile String lastError = "";
    volatile Instant since;
  }

  /**
   * Creates the daemon.
   *
   * @param config the configuration
   * @param clock the source of time for status timestamps
   * @param sleeper how the daemon waits between reconnection attempts
   * @param rules the rules to run, watched for changes, or null for none
   */
  public Daemon(
      SidecarConfig config, Clock clock, RetryPolicy.Sleeper sleeper, RuleRegistry rules) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
    this.rules = rules;
  }

  /** Starts the HTTP server and the connections; returns once the server listens. */
  public void start() {
    transition(State.NEW, State.STARTING);
    server = new HttpServer(config.server().host(), config.server().port(), this::status);
    server.start();
    if (rules != null) {
      rules.watch();
    }
    for (OdooSettings settings : config.connections().values()) {
      ConnectionStatus status = new ConnectionStatus();
      status.since = clock.instant();
      synchronized (connections) {
        connections.put(settings.name(), status);
      }
      OdooClient client = OdooClients.create(settings);
      clients.add(client);
      connector.execute(() -> connect(settings, client, status));
    }
    transition(State.STARTING, State.RUNNING);
  }

  /** The port the HTTP server listens on. */
  public int port() {
    return server.port();
  }

  public State state() {
    return state.get();
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)
        && !state.compareAndSet(State.STARTING, State.STOPPING)) {
      return;
    }
    LOG.info("sidecar {} -> {}", State.RUNNING, State.STOPPING);
    connector.shutdownNow();
    try {
      if (!connector.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("connection threads did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (server != null) {
      server.stop();
    }
    clients.forEach(OdooClient::close);
    if (rules != null) {
      rules.close();
    }
    transition(State.STOPPING, State.STOPPED);
    stopped.countDown();
  }

  private void connect(OdooSettings settings, OdooClient client, ConnectionStatus status) {
    RetryPolicy backoff =
        new RetryPolicy(Integer.MAX_VALUE, settings.retry().initialBackoff(), MAX_RECONNECT_WAIT);
    for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
      try {
        status.version = client.version().serverVersion();
        status.transport = client.transport().configName();
        status.uid = client.authenticate();
        status.state = "connected";
        status.lastError = "";
        status.since = clock.instant();
        LOG.info("connection '{}': connected as uid {}", settings.name(), status.uid);
        return;
      } catch (OdooException e) {
        status.state = e.retriable() ? "unreachable" : "refused";
        status.lastError = e.getMessage();
        Duration wait = backoff.backoff(attempt);
        LOG.warn(
            "connection '{}': {}; next try in {} ms",
            settings.name(),
            e.getMessage(),
            wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private Status status() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    synchronized (connections) {
      connections.forEach(
          (name, s) -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("state", s.state);
            c.put("version", s.version);
            c.put("transport", s.transport);
            c.put("uid", s.uid);
            c.put("last_error", s.lastError);
            c.put("since", String.valueOf(s.since));
            out.put(name, c);
          });
    }
    boolean healthy =
        state.get() == State.RUNNING
            && out.values().stream().allMatch(c -> "connected".equals(c.get("state")));
    Map<String, Object> ruleStatus = new LinkedHashMap<>();
    if (rules != null) {
      RuleRegistry.Snapshot snapshot = rules.snapshot();
      ruleStatus.put("count", snapshot.rules().size());
      ruleStatus.put("last_error", snapshot.lastError());
    }
    return new Status(
        state.get().name().toLowerCase(java.util.Locale.ROOT), healthy, out, ruleStatus);
  }

  private void transition(State from, State to) {
    if (!state.compareAndSet(from, to)) {
      throw new IllegalStateException(
          "sidecar cannot go " + from + " -> " + to + ": it is " + state.get());
    }
    LOG.info("sidecar {} -> {}", from, to);
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread thread = new Thread(runnable, "odoo-connect");
      thread.setDaemon(true);
      return thread;
    };
  }
}
