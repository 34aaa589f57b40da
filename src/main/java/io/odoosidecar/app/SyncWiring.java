package io.odoosidecar.app;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.script.PythonEngine;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.SyncConfig;
import io.odoosidecar.sync.SyncEngine;
import io.odoosidecar.sync.SyncLog;
import io.odoosidecar.sync.SyncLogPruner;
import io.odoosidecar.sync.SyncOutbound;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The daemon's outbound sync: the sync log on the event log's database (H2 embedded or PostgreSQL),
 * pruned every hour, one {@link SyncEngine} per Odoo connection (sharing the log), and the sync
 * code actions reach as BJET's {@code _make_outbound_http_request}.
 *
 * <p>The sync configs are read from the rules' snapshot at each use, so a reload of the rule files
 * changes them at once.
 */
final class SyncWiring implements AutoCloseable {
  /** How often the sync log is pruned. */
  static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

  private final SyncLog log;
  private final SyncLogPruner pruner;
  private final Map<String, SyncEngine> engines = new LinkedHashMap<>();
  private final Map<String, OdooClient> clients;
  private final Supplier<List<SyncConfig>> configs;

  /**
   * Opens the sync log on the event log's store and makes an engine per connection.
   *
   * @param settings the {@code sync.*} keys
   * @param events the event log, whose database keeps the sync log
   * @param clients the Odoo clients by database, the default connection's first
   * @param python the Python engine python mapping lines run on, or null
   * @param configs the sync configs in force
   * @param clock the time of the log, the status fields and the pruning
   */
  SyncWiring(
      SidecarConfig.SyncSettings settings,
      EventLog events,
      Map<String, OdooClient> clients,
      PythonEngine python,
      Supplier<List<SyncConfig>> configs,
      Clock clock) {
    this.clients = Map.copyOf(clients);
    this.configs = configs;
    this.log = SyncLog.open(events.connectionSource(), clock, settings.logBodyLimit());
    events.onBroken(log::disconnect); // the event log's recovery must find the database closed
    SyncEngine base = null;
    for (Map.Entry<String, OdooClient> c : clients.entrySet()) {
      if (base == null) {
        base = new SyncEngine(c.getValue(), RetryingSender.system(), python, log, clock);
        engines.put(c.getKey(), base);
      } else {
        engines.put(c.getKey(), base.using(c.getValue())); // pools, signers and tokens shared
      }
    }
    this.pruner = new SyncLogPruner(log, settings.logRetention(), PRUNE_INTERVAL, clock);
  }

  /** Starts the hourly pruning. */
  SyncWiring start() {
    pruner.start();
    return this;
  }

  /** The engine of a connection's database, or null when none is configured for it. */
  SyncEngine engine(String database) {
    return engines.get(database);
  }

  /** The engine of the first connection (the default one). */
  SyncEngine engine() {
    return engines.values().iterator().next();
  }

  /** The sync code actions of a connection's database reach; null when none is configured. */
  SyncOutbound outbound(String database) {
    SyncEngine engine = engines.get(database);
    return engine == null ? null : new SyncOutbound(configs, engine, clients.get(database));
  }

  /** The configs in force by name, read from the rules' snapshot at each call. */
  io.odoosidecar.sync.SyncConfigLookup lookup() {
    return name -> configs.get().stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The sync log. */
  SyncLog log() {
    return log;
  }

  /** The pruner (ticked by its own thread once started). */
  SyncLogPruner pruner() {
    return pruner;
  }

  /** The fields of deleted records the unlink syncs need, by model, for the watch list. */
  Map<String, Set<String>> unlinkFields(Collection<Rule> rules) {
    return io.odoosidecar.sync.SyncConfigs.unlinkFields(rules, lookup());
  }

  @Override
  public void close() {
    pruner.close();
    engines.values().forEach(SyncEngine::close);
    log.close();
  }
}
