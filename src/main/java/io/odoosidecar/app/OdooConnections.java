package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's Odoo connections: a client per configured connection, each connected in the
 * background and retried with backoff while its Odoo is away, and what is known of each.
 */
final class OdooConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OdooConnections.class);
  private static final Duration MAX_RECONNECT_WAIT = Duration.ofMinutes(1);

  /** What is known of one connection, as the status shows it. */
  record View(
      String name,
      String database,
      String state,
      String version,
      String transport,
      long uid,
      String lastError,
      Instant since) {}

  private static final class Known {
    volatile String state = "connecting";
    volatile String version = "";
    volatile String transport = "";
    volatile long uid = -1;
    volatile String lastError = "";
    volatile Instant since;
  }

  private final Map<String, OdooSettings> settings = new LinkedHashMap<>();
  private final Map<String, Known> known = new LinkedHashMap<>();
  private final Map<String, OdooClient> byDatabase = new LinkedHashMap<>();
  private final Map<String, OdooClient> byName = new LinkedHashMap<>();
  private final String mainDatabase;
  private final Clock clock;
  private final RetryPolicy.Sleeper sleeper;
  private final ExecutorService connector =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "odoo-connect");
            thread.setDaemon(true);
            return thread;
          });

  OdooConnections(
      SidecarConfig config,
      Function<OdooSettings, OdooClient> factory,
      Clock clock,
      RetryPolicy.Sleeper sleeper) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.mainDatabase = config.connection(null).database();
    Map<String, OdooClient> ordered = new LinkedHashMap<>();
    for (OdooSettings s : config.connections().values()) {
      OdooClient client = factory.apply(s);
      settings.put(s.name(), s);
      byName.put(s.name(), client);
      ordered.putIfAbsent(s.database(), client);
      Known k = new Known();
      k.since = clock.instant();
      known.put(s.name(), k);
    }
    byDatabase.put(mainDatabase, ordered.get(mainDatabase));
    ordered.forEach(byDatabase::putIfAbsent); // the default connection's database first
  }

  /** The client of each database, the default connection's first. */
  Map<String, OdooClient> byDatabase() {
    return java.util.Collections.unmodifiableMap(byDatabase);
  }

  /** The client of a database, or null when none is configured. */
  OdooClient client(String database) {
    return byDatabase.get(database);
  }

  /** The default connection's database. */
  String mainDatabase() {
    return mainDatabase;
  }

  /** Runs {@code task} off the caller's thread, with the connections' threads. */
  void background(Runnable task) {
    connector.execute(task);
  }

  /** Connects every connection in the background; {@code connected} runs once each is up. */
  void start(BiConsumer<OdooSettings, OdooClient> connected) {
    settings.forEach(
        (name, s) ->
            connector.execute(() -> connect(s, byName.get(name), known.get(name), connected)));
  }

  /** Runs {@code action} for each connection that is up now. */
  void forEachConnected(BiConsumer<OdooSettings, OdooClient> action) {
    settings.forEach(
        (name, s) -> {
          if ("connected".equals(known.get(name).state)) {
            action.accept(s, byName.get(name));
          }
        });
  }

  /** Whether at least one connection is up. */
  boolean anyConnected() {
    return known.values().stream().anyMatch(k -> "connected".equals(k.state));
  }

  /** Whether every connection is up. */
  boolean allConnected() {
    return known.values().stream().allMatch(k -> "connected".equals(k.state));
  }

  /** Each connection as it is now, in the configuration's order. */
  List<View> views() {
    List<View> out = new ArrayList<>();
    known.forEach(
        (name, k) ->
            out.add(
                new View(
                    name,
                    settings.get(name).database(),
                    k.state,
                    k.version,
                    k.transport,
                    k.uid,
                    k.lastError,
                    k.since)));
    return out;
  }

  private void connect(
      OdooSettings s, OdooClient client, Known k, BiConsumer<OdooSettings, OdooClient> connected) {
    RetryPolicy backoff =
        new RetryPolicy(Integer.MAX_VALUE, s.retry().initialBackoff(), MAX_RECONNECT_WAIT);
    for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
      try {
        handshake(s, client, k);
        connected.accept(s, client);
        return;
      } catch (OdooException e) {
        k.state = e.retriable() ? "unreachable" : "refused";
        k.lastError = Redaction.text(e.getMessage());
        Duration wait = backoff.backoff(attempt);
        LOG.warn("connection '{}': {}; next try in {} ms", s.name(), k.lastError, wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void handshake(OdooSettings s, OdooClient client, Known k) {
    io.odoosidecar.odoo.ServerVersion version = client.version();
    k.version = version.serverVersion();
    if (version.major() != 18) {
      LOG.warn(
          "connection '{}': Odoo {}: rule domains are evaluated with Odoo 18's semantics,"
              + " which this version does not share on every edge (17: comparisons with False"
              + " or empty values, '=?'; 19: its rewritten domains); see the README's known"
              + " limits",
          s.name(),
          version.serverVersion());
    }
    k.transport = client.transport().configName();
    k.uid = client.authenticate();
    k.state = "connected";
    k.lastError = "";
    k.since = clock.instant();
    LOG.info("connection '{}': connected as uid {}", s.name(), k.uid);
  }

  /** Stops connecting (threads interrupted) without closing the clients. */
  void stopConnecting() {
    connector.shutdownNow();
    try {
      if (!connector.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("connection threads did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopConnecting();
    byName.values().forEach(OdooClient::close);
  }
}
