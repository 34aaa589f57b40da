package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.pipeline.Echoes;
import io.odoosidecar.pipeline.Pipeline;
import io.odoosidecar.pipeline.Poller;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.pipeline.WatchList;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the daemon's components from the configuration, in the order they need one another: the
 * event log, the Python engine, the processor, scheduling, the outbound sync, the pipeline, the
 * pollers; and closes them in the reverse order.
 */
final class SidecarWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SidecarWiring.class);

  /** How a broken event log is reopened before the sidecar exits for a restart: about 4 min. */
  static final RetryPolicy STORE_REOPEN = Daemon.STORE_REOPEN;

  final SidecarConfig config;
  final Clock clock;
  final RuleRegistry rules;
  final OdooConnections connections;
  final OffloadedRules offloaded;
  final EventLog log;
  final io.odoosidecar.store.StoreRecovery recovery;
  final Echoes echoes;
  final Processor processor;
  final io.odoosidecar.script.PythonEngine python;
  final SchedulingWiring scheduling;
  final SyncWiring sync;
  final Pipeline pipeline;
  final Polling polling;
  final Activity activity = new Activity();
  final io.odoosidecar.metrics.SidecarMetrics metrics;
  final io.odoosidecar.store.RunHistory history;
  final io.odoosidecar.store.RuleStates states;
  final io.odoosidecar.store.JournaledCalls journal;
  final io.odoosidecar.store.Webhooks webhooks;
  final io.odoosidecar.store.PushNonces nonces;
  final io.odoosidecar.store.PollState pollState;
  final io.odoosidecar.pipeline.RunHistoryWriter historyWriter;

  /** What every source and the processor tell of their work. */
  final io.odoosidecar.pipeline.PipelineListener listener;

  SidecarWiring(
      SidecarConfig config,
      Clock clock,
      RetryPolicy.Sleeper sleeper,
      RuleRegistry rules,
      OdooConnections connections,
      io.odoosidecar.metrics.SidecarMetrics metrics,
      java.util.function.IntConsumer exit) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.rules = rules;
    this.connections = connections;
    this.offloaded = new OffloadedRules(rules, config.dataDir());
    this.log = openLog(config);
    this.recovery =
        new io.odoosidecar.store.StoreRecovery(log, STORE_REOPEN, sleeper, exit).start();
    this.echoes = new Echoes(clock, Duration.ofMinutes(10));
    this.history =
        io.odoosidecar.store.RunHistory.open(
            log.connectionSource(),
            clock,
            new io.odoosidecar.store.RunHistory.Limits(
                config.history().maxRuns(), config.history().retention()));
    this.states = io.odoosidecar.store.RuleStates.open(log.connectionSource(), clock);
    this.journal = io.odoosidecar.store.JournaledCalls.open(log.connectionSource());
    this.webhooks = io.odoosidecar.store.Webhooks.open(log.connectionSource(), clock);
    this.nonces = io.odoosidecar.store.PushNonces.open(log.connectionSource());
    this.pollState = io.odoosidecar.store.PollState.open(log.connectionSource());
    // the event log's recovery must find the database closed: the stores on it let go
    log.onBroken(history::close);
    log.onBroken(states::close);
    log.onBroken(journal::close);
    log.onBroken(webhooks::close);
    log.onBroken(nonces::close);
    log.onBroken(pollState::close);
    this.historyWriter = io.odoosidecar.pipeline.RunHistoryWriter.start(history, states, clock);
    this.listener = io.odoosidecar.pipeline.Listeners.of(activity, metrics, historyWriter);
    SidecarConfig.PipelineConfig p = config.pipeline();
    this.python =
        new io.odoosidecar.script.PythonEngine(
            p.workers(), config.python().statementLimit(), config.python().timeout());
    python.withExecutionListener(metrics);
    this.processor =
        new Processor(
                log,
                connections::client,
                offloaded::current,
                new Processor.Settings(p.maxDepth(), p.retry()),
                clock,
                echoes)
            .withPython(python)
            .withListener(listener)
            .withPauses(states::isPaused)
            .withJournal(journal)
            .withWebhookAttempts(webhooks::recordAttempt);
    this.scheduling = scheduling();
    processor.withObserver(scheduling.observer());
    this.sync = openSync();
    processor.withSync(sync.engine()).withSyncConfigs(sync.lookup());
    io.odoosidecar.sync.SyncOutbound outbound = sync.outbound(connections.mainDatabase());
    if (outbound != null) {
      processor.withOutboundSync(outbound);
    }
    this.pipeline =
        new Pipeline(
            log,
            processor,
            new Pipeline.Settings(
                p.workers(), p.batchSize(), Duration.ofMillis(500), p.drainTimeout()),
            clock);
    this.polling = polling();
    gauges();
  }

  /** The metrics read from the store at each scrape. */
  private void gauges() {
    io.odoosidecar.store.StatusCounts counts =
        new io.odoosidecar.store.StatusCounts(log::counts, clock, Duration.ofSeconds(1));
    metrics.gauge(
        io.odoosidecar.metrics.SidecarMetrics.PENDING,
        "Events waiting in the event log to be processed",
        () -> counts.of("pending"));
    metrics.gauge(
        io.odoosidecar.metrics.SidecarMetrics.IN_FLIGHT,
        "Events claimed by this process's workers now",
        log::inFlight);
    metrics.gauge(
        io.odoosidecar.metrics.SidecarMetrics.DEAD_LETTERS,
        "Events parked as dead letters",
        () -> counts.of("dead"));
  }

  private SchedulingWiring scheduling() {
    return new SchedulingWiring(
        config,
        log,
        connections.byDatabase(),
        offloaded::current,
        clock,
        this::wake,
        () -> rules == null ? List.of() : rules.snapshot().schedules(),
        new io.odoosidecar.schedule.ScheduledActions(
            db -> connections.client(db == null ? connections.mainDatabase() : db),
            io.odoosidecar.action.ActionRegistry.standard(),
            python,
            clock,
            this::scheduleServices));
  }

  /** Wakes the pipeline (new events are in the log). */
  void wake() {
    Pipeline current = pipeline;
    if (current != null) {
      current.wake();
    }
  }

  /**
   * The outbound sync on the event log's store: an engine per connection, the default one's for the
   * pipeline and for code actions' {@code _make_outbound_http_request}.
   */
  private SyncWiring openSync() {
    SyncWiring wiring =
        new SyncWiring(
                config.sync(), log, connections.byDatabase(), python, this::syncConfigs, clock)
            .start();
    python.withOutboundSync(wiring.outbound(connections.mainDatabase()));
    return wiring;
  }

  private List<io.odoosidecar.sync.SyncConfig> syncConfigs() {
    return rules == null ? List.of() : rules.snapshot().syncConfigs();
  }

  private Polling polling() {
    SidecarConfig.PollConfig poll = config.poll();
    Map<String, Poller> pollers = new LinkedHashMap<>();
    if (poll.enabled()) {
      connections
          .byDatabase()
          .forEach(
              (db, client) ->
                  pollers.put(
                      db,
                      new Poller(
                              db,
                              client,
                              log,
                              pollState,
                              offloaded::current,
                              new Poller.Settings(
                                  poll.batchSize(),
                                  Duration.ofSeconds(60),
                                  poll.deletionInterval()),
                              clock,
                              echoes)
                          .withListener(listener)));
    }
    return new Polling(pollers, poll.models(), clock, this::wake);
  }

  /**
   * The daemon's services in a scheduled firing's context: the outbound sync and the webhooks'
   * settings, as the pipeline gives them to a rule's actions.
   */
  private void scheduleServices(io.odoosidecar.action.ActionContext.Builder builder) {
    SyncWiring current = sync;
    if (current != null) {
      builder.service(io.odoosidecar.sync.SyncEngine.class, current.engine());
      builder.service(io.odoosidecar.sync.SyncConfigLookup.class, current.lookup());
      io.odoosidecar.sync.SyncOutbound outbound = current.outbound(connections.mainDatabase());
      if (outbound != null) {
        builder.service(io.odoosidecar.sync.SyncOutbound.class, outbound);
      }
    }
  }

  /**
   * What the rules need to see, for the addon: models, fields written, old values wanted, and the
   * fields of deleted records the unlink syncs send.
   */
  Map<String, Object> watchList() {
    List<Rule> current = offloaded.current();
    return WatchList.of(current, sync.unlinkFields(current));
  }

  /** Pauses a rule: the events it would fire on wait, uncounted, until it is resumed. */
  void pause(String rule, String by) {
    states.pause(rule, by, clock.instant());
  }

  /** Resumes a rule: the events it held go at once. */
  void resume(String rule, String by) {
    states.resume(rule, by, clock.instant());
    int released = log.releaseHeld(rule, clock.instant());
    LOG.info("rule '{}' resumed by {}: {} held events go now", rule, by, released);
    wake();
  }

  /**
   * Forgets done events past the retention, the journaled calls of events done, and the webhooks'
   * attempts and answers and the pushes' nonces past the retention.
   */
  void purge() {
    Duration retention = config.eventLog().retention();
    java.time.Instant before = clock.instant().minus(retention);
    int purged = log.purge(before);
    if (purged > 0) {
      LOG.info("event log: {} done events older than {} forgotten", purged, retention);
    }
    int calls = journal.purge();
    int hooks = webhooks.purge(before);
    int seen = nonces.purge(before);
    if (calls + hooks + seen > 0) {
      LOG.info(
          "event log: {} journaled calls of done events, {} webhook attempts and answers and {}"
              + " push nonces older than {} forgotten",
          calls,
          hooks,
          seen,
          retention);
    }
  }

  private static EventLog openLog(SidecarConfig config) {
    SidecarConfig.EventLogConfig c = config.eventLog();
    if (c.url().isPresent()) {
      try {
        return EventLog.open(
            c.url().get(),
            c.user(),
            c.password().map(io.odoosidecar.odoo.Secret::reveal).orElse(""),
            config.instance().claimant());
      } catch (RuntimeException e) {
        // the driver's message may quote the URL or the password: shown masked, cause left out
        throw new io.odoosidecar.SidecarException(
            Redaction.text(e.getMessage(), c.password().stream().toList()));
      }
    }
    try {
      java.nio.file.Files.createDirectories(config.dataDir());
    } catch (java.io.IOException e) {
      throw new io.odoosidecar.SidecarException(
          "cannot create the data directory " + config.dataDir() + ": " + e.getMessage(), e);
    }
    return EventLog.embedded(config.dataDir());
  }

  /** The client of a database, or null. */
  OdooClient client(String database) {
    return connections.client(database);
  }

  /** No new firings: a running schedule finishes; the store is no longer reopened. */
  void stopFiring() {
    if (firing.compareAndSet(true, false)) {
      recovery.stop();
      scheduling.close();
    }
  }

  private final java.util.concurrent.atomic.AtomicBoolean firing =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  /**
   * Closes in order: batches in flight finish (the rest waits in the log), code still running is
   * stopped, then the sync and the log.
   */
  @Override
  public void close() {
    stopFiring();
    pipeline.close();
    python.close();
    historyWriter.close(); // the runs still queued are written
    history.close();
    states.close();
    journal.close();
    webhooks.close();
    nonces.close();
    pollState.close();
    sync.close();
    log.close();
  }
}
