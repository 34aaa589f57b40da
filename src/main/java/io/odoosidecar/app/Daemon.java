package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.pipeline.Echoes;
import io.odoosidecar.pipeline.Pipeline;
import io.odoosidecar.pipeline.Poller;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.pipeline.WatchList;
import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.Status;
import io.odoosidecar.store.EventLog;
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
 * unreachable), stores the changes it learns (pushed by the addon to its RPC endpoint, or found by
 * the poller) in the event log, and runs the rules they fire.
 *
 * <p>Its lifecycle is an explicit state machine: {@code NEW -> STARTING -> RUNNING -> STOPPING ->
 * STOPPED}, each transition made by compare-and-set and logged.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
  private static final Duration MAX_RECONNECT_WAIT = Duration.ofMinutes(1);

  /** How a broken event log is reopened before the sidecar exits for a restart: about 4 min. */
  static final RetryPolicy STORE_REOPEN =
      new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(30));

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
  private final java.util.function.IntConsumer exit;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final Map<String, ConnectionStatus> connections = new LinkedHashMap<>();
  private final List<OdooClient> clients = new ArrayList<>();
  private final ExecutorService connector = Executors.newCachedThreadPool(daemonThreads());
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Map<String, OdooClient> byDatabase = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService polling =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "poller");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Map<String, Object>> pollStatus =
      new java.util.concurrent.ConcurrentHashMap<>();
  private HttpServer server;
  private EventLog log;
  private io.odoosidecar.store.StoreRecovery recovery;
  private io.odoosidecar.pipeline.WebhookReceiver webhooks;
  private volatile Pipeline pipeline;
  private SchedulingWiring scheduling;
  private io.odoosidecar.script.PythonEngine python;
  private SyncWiring sync;

  /** The schedules' state {@code sidecar.schedule} answers: none until the scheduler is wired. */
  private final AtomicReference<
          java.util.function.Supplier<List<io.odoosidecar.schedule.ScheduleStatus>>>
      scheduleStatus = new AtomicReference<>(NO_SCHEDULES);

  private static final java.util.function.Supplier<List<io.odoosidecar.schedule.ScheduleStatus>>
      NO_SCHEDULES = List::of;

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
    this(config, clock, sleeper, rules, System::exit);
  }

  /**
   * Creates the daemon with its exit: called with a non-zero status when the event log fails beyond
   * recovery, so that a supervisor restarts the sidecar.
   */
  public Daemon(
      SidecarConfig config,
      Clock clock,
      RetryPolicy.Sleeper sleeper,
      RuleRegistry rules,
      java.util.function.IntConsumer exit) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
    this.rules = rules;
    this.exit = exit;
  }

  /** Starts the HTTP server and the connections; returns once the server listens. */
  public void start() {
    transition(State.NEW, State.STARTING);
    if (rules != null) {
      rules.watch();
    }
    for (OdooSettings settings : config.connections().values()) {
      OdooClient client = OdooClients.create(settings);
      clients.add(client);
      byDatabase.putIfAbsent(settings.database(), client);
    }
    log = openLog();
    recovery = new io.odoosidecar.store.StoreRecovery(log, STORE_REOPEN, sleeper, exit).start();
    Echoes echoes = new Echoes(clock, Duration.ofMinutes(10));
    SidecarConfig.PipelineConfig p = config.pipeline();
    Processor processor =
        new Processor(
            log,
            byDatabase::get,
            this::currentRules,
            new Processor.Settings(p.maxDepth(), p.retry()),
            clock,
            echoes);
    python =
        new io.odoosidecar.script.PythonEngine(
            p.workers(), config.python().statementLimit(), config.python().timeout());
    processor.withPython(python);
    scheduling =
        new SchedulingWiring(
            config,
            log,
            byDatabase,
            this::currentRules,
            clock,
            () -> {
              if (pipeline != null) {
                pipeline.wake();
              }
            },
            () -> rules == null ? List.of() : rules.snapshot().schedules(),
            new io.odoosidecar.schedule.ScheduledActions(
                db ->
                    db == null
                        ? byDatabase.get(config.connection(null).database())
                        : byDatabase.get(db),
                io.odoosidecar.action.ActionRegistry.standard(),
                python,
                clock,
                this::scheduleServices));
    processor.withObserver(scheduling.observer());
    scheduleStatus.compareAndSet(NO_SCHEDULES, scheduling::status);
    sync = openSync();
    processor.withSync(sync.engine()).withSyncConfigs(sync.lookup());
    io.odoosidecar.sync.SyncOutbound outbound = sync.outbound(config.connection(null).database());
    if (outbound != null) {
      processor.withOutboundSync(outbound);
    }
    connector.execute(
        () -> {
          try {
            python.warmUp(); // the first Python context takes seconds: not on an event's path
          } catch (RuntimeException e) {
            LOG.warn("Python engine unavailable: {}", e.getMessage());
          }
        });
    pipeline =
        new Pipeline(
            log,
            processor,
            new Pipeline.Settings(
                p.workers(), p.batchSize(), Duration.ofMillis(500), p.drainTimeout()),
            clock);
    pipeline.start();
    Map<String, io.undertow.server.HttpHandler> routes = new LinkedHashMap<>();
    SidecarConfig.PushConfig push = config.push();
    if (push.secret().isPresent()) {
      PushReceiver receiver =
          new PushReceiver(
              new PushReceiver.Settings(
                  push.secret().get(),
                  push.auth(),
                  push.window(),
                  push.maxEvents(),
                  push.maxRecords(),
                  push.maxBodyBytes()),
              log,
              byDatabase.keySet(),
              pipeline::wake,
              clock,
              this::watchList);
      RpcEndpoint.Service service =
          new io.odoosidecar.server.RpcModels(
              receiver,
              Map.of(
                  io.odoosidecar.pipeline.DeadLetterModel.NAME,
                  new io.odoosidecar.pipeline.DeadLetterModel(log, pipeline::wake, clock),
                  io.odoosidecar.sync.SyncLogModel.NAME,
                  new io.odoosidecar.sync.SyncLogModel(sync.log()),
                  io.odoosidecar.schedule.ScheduleModel.NAME,
                  new io.odoosidecar.schedule.ScheduleModel(() -> scheduleStatus.get().get())));
      RpcEndpoint endpoint =
          new RpcEndpoint(service, push.maxBodyBytes(), config.server().readTimeout());
      routes.put("/xmlrpc/2/common", endpoint.xmlrpc("common"));
      routes.put("/xmlrpc/2/object", endpoint.xmlrpc("object"));
      routes.put("/jsonrpc", endpoint.jsonrpc());
    } else {
      LOG.info(
          "push endpoint off: no push secret (SIDECAR_PUSH_SECRET, push.secret-env or push.secret-file)");
    }
    OdooSettings main = config.connection(null);
    webhooks =
        new io.odoosidecar.pipeline.WebhookReceiver(
            this::currentRules,
            main.database(),
            byDatabase::get,
            log,
            pipeline::wake,
            clock,
            push.maxBodyBytes(),
            config.server().readTimeout());
    assignWebhooks();
    routes.put("/web/hook/", webhooks.handler());
    server =
        new HttpServer(
            config.server().host(),
            config.server().port(),
            this::status,
            this::readiness,
            routes,
            new HttpServer.Timeouts(config.server().readTimeout(), config.server().idleTimeout()));
    server.start();
    exposure(config.server().host(), push.secret().isPresent()).ifPresent(LOG::warn);
    for (OdooSettings settings : config.connections().values()) {
      ConnectionStatus status = new ConnectionStatus();
      status.since = clock.instant();
      synchronized (connections) {
        connections.put(settings.name(), status);
      }
      OdooClient client = byDatabase.get(settings.database());
      connector.execute(() -> connect(settings, client, status));
    }
    scheduling.start();
    polling.scheduleWithFixedDelay(
        () -> {
          for (OdooSettings settings : config.connections().values()) {
            ConnectionStatus status;
            synchronized (connections) {
              status = connections.get(settings.name());
            }
            if (status != null && "connected".equals(status.state)) {
              importOffloaded(settings, byDatabase.get(settings.database()));
              scheduling.importCrons(settings.database(), byDatabase.get(settings.database()));
              register(settings, byDatabase.get(settings.database()));
            }
          }
          assignWebhooks();
        },
        30,
        30,
        TimeUnit.SECONDS);
    polling.scheduleWithFixedDelay(log::check, 1, 1, TimeUnit.SECONDS); // a lost file, a dead DB
    Duration retention = config.eventLog().retention();
    polling.scheduleWithFixedDelay(
        () -> {
          try {
            int purged = log.purge(clock.instant().minus(retention));
            if (purged > 0) {
              LOG.info("event log: {} done events older than {} forgotten", purged, retention);
            }
          } catch (RuntimeException e) {
            LOG.warn("event log purge failed, next try in an hour: {}", e.getMessage());
          }
        },
        1,
        60,
        TimeUnit.MINUTES);
    SidecarConfig.PollConfig poll = config.poll();
    if (poll.enabled()) {
      Map<String, Poller> pollers = new LinkedHashMap<>();
      byDatabase.forEach(
          (db, client) ->
              pollers.put(
                  db,
                  new Poller(
                      db,
                      client,
                      log,
                      this::currentRules,
                      new Poller.Settings(
                          poll.batchSize(), Duration.ofSeconds(60), poll.deletionInterval()),
                      clock,
                      echoes)));
      polling.scheduleWithFixedDelay(
          () -> pollOnce(pollers, poll.models()),
          0,
          poll.interval().toMillis(),
          TimeUnit.MILLISECONDS);
    }
    transition(State.STARTING, State.RUNNING);
  }

  /**
   * The warning for a server bound to {@code host} when that is not a loopback address: what anyone
   * who reaches the machine can then call.
   */
  static java.util.Optional<String> exposure(String host, boolean pushEndpoint) {
    java.net.InetAddress address;
    try {
      address = java.net.InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      return java.util.Optional.empty(); // the server could not have bound it
    }
    if (address.isLoopbackAddress()) {
      return java.util.Optional.empty();
    }
    String where =
        address.isAnyLocalAddress()
            ? host + " (every network interface)"
            : host + " (" + address.getHostAddress() + ")";
    return java.util.Optional.of(
        "server.host is "
            + where
            + ", not a loopback address: reachable from the network are "
            + (pushEndpoint
                ? "the RPC endpoint (/xmlrpc/2/*, /jsonrpc: pushes, guarded by the push secret), "
                : "")
            + "the webhooks (/web/hook/<uuid>: no authentication but the uuid) and /health"
            + " (connections, rules, event counts); bind 127.0.0.1 unless Odoo runs on another"
            + " machine, and then limit who can reach the port (firewall, TLS proxy)");
  }

  /**
   * The outbound sync on the event log's store: an engine per connection, the default one's for the
   * pipeline and for code actions' {@code _make_outbound_http_request}.
   */
  private SyncWiring openSync() {
    Map<String, OdooClient> ordered = new LinkedHashMap<>();
    String main = config.connection(null).database();
    ordered.put(main, byDatabase.get(main));
    byDatabase.forEach(ordered::putIfAbsent);
    SyncWiring wiring =
        new SyncWiring(config.sync(), log, ordered, python, this::syncConfigs, clock).start();
    python.withOutboundSync(wiring.outbound(main));
    return wiring;
  }

  /** The sync configs in force: the rule files'. */
  private List<io.odoosidecar.sync.SyncConfig> syncConfigs() {
    return rules == null ? List.of() : rules.snapshot().syncConfigs();
  }

  private EventLog openLog() {
    SidecarConfig.EventLogConfig c = config.eventLog();
    if (c.url().isPresent()) {
      try {
        return EventLog.open(
            c.url().get(),
            c.user(),
            c.password().map(io.odoosidecar.odoo.Secret::reveal).orElse(""));
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

  /** Gives the webhook rules their uuids (each new one is logged once, when made). */
  private void assignWebhooks() {
    try {
      webhooks.assign(currentRules());
    } catch (RuntimeException e) {
      LOG.warn("cannot give the webhook rules their uuids yet: {}", e.getMessage());
    }
  }

  /** Rules ticked "Run in sidecar" in each database, imported from it. */
  private final Map<String, List<io.odoosidecar.rule.Rule>> offloaded =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The rules in force: the rule files', then those offloaded by the databases. */
  private List<io.odoosidecar.rule.Rule> currentRules() {
    List<io.odoosidecar.rule.Rule> fromFiles = rules == null ? List.of() : rules.snapshot().rules();
    if (offloaded.isEmpty()) {
      return fromFiles;
    }
    List<io.odoosidecar.rule.Rule> all = new ArrayList<>(fromFiles);
    java.util.Set<String> names = new java.util.HashSet<>();
    fromFiles.forEach(r -> names.add(r.name()));
    offloaded
        .values()
        .forEach(list -> list.stream().filter(r -> names.add(r.name())).forEach(all::add));
    return all;
  }

  /**
   * Imports the rules a database ticked "Run in sidecar" (kept in {@code data-dir/offloaded}), each
   * bound to that database; a rule that cannot be read is reported and left out.
   */
  private void importOffloaded(OdooSettings settings, OdooClient client) {
    try {
      String yaml = new io.odoosidecar.rule.RuleImport(client).offloadedYaml();
      java.nio.file.Path dir = config.dataDir().resolve("offloaded");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Path file = dir.resolve(settings.name() + ".yaml");
      java.nio.file.Files.writeString(file, yaml);
      List<io.odoosidecar.rule.Rule> found = new ArrayList<>();
      for (io.odoosidecar.rule.Rule rule : io.odoosidecar.rule.RuleFiles.loadFile(file)) {
        Map<String, Object> parameters = new LinkedHashMap<>(rule.parameters());
        parameters.put("database", settings.database());
        found.add(
            new io.odoosidecar.rule.Rule(
                rule.name(),
                rule.model(),
                rule.active(),
                rule.trigger(),
                rule.triggerFields(),
                rule.filterPreDomain(),
                rule.filterDomain(),
                parameters,
                rule.actions()));
      }
      List<io.odoosidecar.rule.Rule> before = offloaded.put(settings.database(), found);
      if (before == null || before.size() != found.size()) {
        LOG.info(
            "connection '{}': {} rules run in the sidecar for Odoo", settings.name(), found.size());
      }
    } catch (RuntimeException | java.io.IOException e) {
      LOG.warn(
          "connection '{}': cannot import the offloaded rules: {}",
          settings.name(),
          e.getMessage());
    }
  }

  private void pollOnce(Map<String, Poller> pollers, List<String> configured) {
    pollers.forEach(
        (db, poller) -> {
          java.util.Collection<String> models = configured.isEmpty() ? poller.models() : configured;
          for (String model : models) {
            Map<String, Object> s = new LinkedHashMap<>();
            try {
              int stored = poller.poll(model);
              s.put("last_poll", String.valueOf(clock.instant()));
              s.put("last_events", stored);
              s.put("last_error", "");
              if (stored > 0) {
                pipeline.wake();
              }
            } catch (RuntimeException e) {
              s.put("last_error", e.getMessage());
              LOG.warn(
                  "poll of {} on {} failed, next try in the next pass: {}",
                  model,
                  db,
                  e.getMessage());
            }
            pollStatus.merge(
                db + "/" + model,
                s,
                (a, b) -> {
                  a.putAll(b);
                  return a;
                });
          }
        });
  }

  private final Map<String, String> registered = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Tells the companion addon, when the database has it, where to push, with which secret, and what
   * the rules need to see (system parameters {@code sidecar_bridge.url}, {@code .secret}, {@code
   * .watch}); done at connection and again whenever the rules' watch list changes. A database
   * without the addon is left alone (the poller covers it).
   */
  private void register(OdooSettings settings, OdooClient client) {
    SidecarConfig.PushConfig push = config.push();
    if (push.secret().isEmpty() || push.publicUrl().isEmpty()) {
      return;
    }
    try {
      long installed =
          client.searchCount(
              "ir.module.module",
              List.of(List.of("name", "=", "sidecar_bridge"), List.of("state", "=", "installed")));
      if (installed == 0) {
        LOG.info(
            "connection '{}': the sidecar_bridge addon is not installed; not registering",
            settings.name());
        return;
      }
      String watch =
          new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(watchList());
      String state =
          String.join(
              "\u0000",
              push.publicUrl().get(),
              watch,
              Integer.toString(push.maxRecords()),
              Integer.toString(push.maxEvents()));
      if (state.equals(registered.get(settings.name()))) {
        return;
      }
      setParam(client, "sidecar_bridge.url", push.publicUrl().get());
      setParam(client, "sidecar_bridge.secret", push.secret().get().reveal());
      setParam(client, "sidecar_bridge.watch", watch);
      setParam(client, "sidecar_bridge.max_records", Integer.toString(push.maxRecords()));
      setParam(client, "sidecar_bridge.max_events", Integer.toString(push.maxEvents()));
      registered.put(settings.name(), state);
      resumeDelivery(settings, client);
      LOG.info(
          "connection '{}': registered with the sidecar_bridge addon at {}",
          settings.name(),
          Redaction.text(push.publicUrl().get()));
    } catch (OdooException | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.warn(
          "connection '{}': cannot register with the addon: {}",
          settings.name(),
          Redaction.text(e.getMessage()));
    }
  }

  /**
   * Asks the addon to deliver at once what waits in a backoff from the sidecar's absence ({@code
   * sidecar.outbox.action_resume}), rather than at the end of each row's backoff. An addon from
   * before that method answers with a fault: its rows then come at their backoff's end.
   */
  private void resumeDelivery(OdooSettings settings, OdooClient client) {
    try {
      Object resumed = client.executeKw("sidecar.outbox", "action_resume", List.of(), Map.of());
      LOG.info(
          "connection '{}': {} outbox rows in a backoff are due now", settings.name(), resumed);
    } catch (io.odoosidecar.odoo.OdooFaultException e) {
      LOG.debug(
          "connection '{}': the addon cannot resume delivery: {}", settings.name(), e.getMessage());
    } catch (OdooException e) {
      LOG.warn(
          "connection '{}': cannot ask the addon to resume delivery: {}",
          settings.name(),
          Redaction.text(e.getMessage()));
    }
  }

  /** Whether every poller has made at least one pass over every model it watches. */
  public boolean polledOnce() {
    return !pollStatus.isEmpty()
        && pollStatus.values().stream().allMatch(s -> s.containsKey("last_poll"));
  }

  /**
   * What the rules need to see, for the addon: models, fields written, old values wanted, and the
   * fields of deleted records the unlink syncs send.
   */
  Map<String, Object> watchList() {
    List<io.odoosidecar.rule.Rule> current = currentRules();
    return WatchList.of(current, sync == null ? Map.of() : sync.unlinkFields(current));
  }

  /** Where {@code sidecar.schedule} reads the schedules' state (the scheduler's status). */
  void scheduleStatus(
      java.util.function.Supplier<List<io.odoosidecar.schedule.ScheduleStatus>> status) {
    scheduleStatus.set(java.util.Objects.requireNonNull(status, "status"));
  }

  /** The outbound sync's wiring; null before start. */
  SyncWiring sync() {
    return sync;
  }

  /** The Python engine code actions run on, as configured ({@code python.*}); null before start. */
  io.odoosidecar.script.PythonEngine python() {
    return python;
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
    State from = state.get();
    if (!state.compareAndSet(State.RUNNING, State.STOPPING)
        && !state.compareAndSet(State.STARTING, State.STOPPING)) {
      return;
    }
    LOG.info("sidecar {} -> {}", from, State.STOPPING);
    polling.shutdownNow();
    connector.shutdownNow();
    if (recovery != null) {
      recovery.stop();
    }
    try {
      if (!connector.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("connection threads did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (scheduling != null) {
      scheduling.close(); // no new firings; a running schedule finishes
    }
    if (server != null) {
      server.stop(); // no new pushes
    }
    if (pipeline != null) {
      pipeline.close(); // batches in flight finish; the rest waits in the log
    }
    if (python != null) {
      python.close(); // code still running is stopped: its worker settles its events, then exits
    }
    if (sync != null) {
      sync.close();
    }
    if (log != null) {
      log.close();
    }
    clients.forEach(OdooClient::close);
    if (rules != null) {
      rules.close();
    }
    transition(State.STOPPING, State.STOPPED);
    stopped.countDown();
  }

  /** Named arguments: JSON-2 (Odoo 19) takes no positional ones. */
  private static void setParam(OdooClient client, String key, String value) {
    client.executeKw(
        "ir.config_parameter", "set_param", List.of(), Map.of("key", key, "value", value));
  }

  /**
   * Loads the field metadata the rules need (their models, and the models their watched fields
   * point to) once connected, so that the first change after a start does not wait for it.
   */
  private void warmFields(OdooSettings settings, OdooClient client) {
    // fieldsGet is cached: a model shared by several rules is read from Odoo once
    for (io.odoosidecar.rule.Rule rule : currentRules()) {
      try {
        Map<String, io.odoosidecar.odoo.FieldInfo> fields = client.fieldsGet(rule.model());
        for (String name : rule.triggerFields()) {
          io.odoosidecar.odoo.FieldInfo field = fields.get(name);
          if (field != null && field.relatedModel().isPresent()) {
            client.fieldsGet(field.relatedModel().get());
          }
        }
      } catch (OdooException e) {
        LOG.debug(
            "connection '{}': no fields of {} yet: {}",
            settings.name(),
            rule.model(),
            e.getMessage());
      }
    }
  }

  private void connect(OdooSettings settings, OdooClient client, ConnectionStatus status) {
    RetryPolicy backoff =
        new RetryPolicy(Integer.MAX_VALUE, settings.retry().initialBackoff(), MAX_RECONNECT_WAIT);
    for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
      try {
        io.odoosidecar.odoo.ServerVersion version = client.version();
        status.version = version.serverVersion();
        if (version.major() != 18) {
          LOG.warn(
              "connection '{}': Odoo {}: rule domains are evaluated with Odoo 18's semantics,"
                  + " which this version does not share on every edge (17: comparisons with False"
                  + " or empty values, '=?'; 19: its rewritten domains); see the README's known"
                  + " limits",
              settings.name(),
              version.serverVersion());
        }
        status.transport = client.transport().configName();
        status.uid = client.authenticate();
        status.state = "connected";
        status.lastError = "";
        status.since = clock.instant();
        LOG.info("connection '{}': connected as uid {}", settings.name(), status.uid);
        importOffloaded(settings, client);
        if (scheduling != null) {
          scheduling.importCrons(settings.database(), client);
        }
        register(settings, client);
        warmFields(settings, client);
        return;
      } catch (OdooException e) {
        status.state = e.retriable() ? "unreachable" : "refused";
        status.lastError = Redaction.text(e.getMessage());
        Duration wait = backoff.backoff(attempt);
        LOG.warn(
            "connection '{}': {}; next try in {} ms",
            settings.name(),
            status.lastError,
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
    EventLog.Health store = log == null ? null : log.health();
    boolean healthy =
        state.get() == State.RUNNING
            && store != null
            && store.usable()
            && out.values().stream().allMatch(c -> "connected".equals(c.get("state")));
    Map<String, Object> ruleStatus = new LinkedHashMap<>();
    if (rules != null) {
      RuleRegistry.Snapshot snapshot = rules.snapshot();
      ruleStatus.put("count", snapshot.rules().size());
      ruleStatus.put("last_error", snapshot.lastError());
      ruleStatus.put("warning", snapshot.warning());
      // a hook's uuid is its capability: counted here, never listed
      ruleStatus.put(
          "webhooks",
          snapshot.rules().stream()
              .filter(r -> r.trigger() == io.odoosidecar.rule.Trigger.ON_WEBHOOK)
              .count());
    }
    Map<String, Object> events = new LinkedHashMap<>();
    if (log != null && state.get() == State.RUNNING) {
      events.put("store", storeStatus(store));
      try {
        if (store.usable()) {
          events.put("by_status", log.counts());
        }
      } catch (RuntimeException e) {
        events.put("error", e.getMessage());
      }
      events.put("processed", pipeline.processed());
      events.put("push", config.push().secret().isPresent() ? "on" : "off");
      events.put("poll", new java.util.TreeMap<>(pollStatus));
    }
    return new Status(
        state.get().name().toLowerCase(java.util.Locale.ROOT),
        healthy,
        out,
        ruleStatus,
        events,
        scheduleStatus());
  }

  /**
   * The daemon's services in a scheduled firing's context: the outbound sync and the webhooks'
   * settings, as the pipeline gives them to a rule's actions.
   */
  private void scheduleServices(io.odoosidecar.action.ActionContext.Builder builder) {
    if (sync != null) {
      builder.service(io.odoosidecar.sync.SyncEngine.class, sync.engine());
      builder.service(io.odoosidecar.sync.SyncConfigLookup.class, sync.lookup());
      io.odoosidecar.sync.SyncOutbound outbound = sync.outbound(config.connection(null).database());
      if (outbound != null) {
        builder.service(io.odoosidecar.sync.SyncOutbound.class, outbound);
      }
    }
  }

  /** Each schedule and timed rule, as {@code /health} shows it. */
  private List<Map<String, Object>> scheduleStatus() {
    if (scheduling == null || state.get() != State.RUNNING) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (io.odoosidecar.schedule.ScheduleStatus s : scheduleStatus.get().get()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", s.kind());
      entry.put("name", s.name());
      entry.put("database", s.database());
      entry.put("next_fire", s.nextFire() == null ? null : s.nextFire().toString());
      entry.put("last_run", s.lastRun() == null ? null : s.lastRun().toString());
      entry.put("last_result", s.lastResult());
      entry.put("pending", s.pending());
      entry.put("running", s.running());
      out.add(entry);
    }
    return out;
  }

  private static Map<String, Object> storeStatus(EventLog.Health store) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", store.state().name().toLowerCase(java.util.Locale.ROOT));
    if (!store.usable()) {
      out.put("reason", store.reason());
      out.put("since", String.valueOf(store.since()));
    }
    return out;
  }

  /** Ready when running with a usable event log: changes pushed now are stored. */
  private HttpServer.Readiness readiness() {
    if (state.get() != State.RUNNING) {
      return new HttpServer.Readiness(
          false, "the sidecar is " + state.get().name().toLowerCase(java.util.Locale.ROOT));
    }
    EventLog.Health store = log.health();
    return store.usable()
        ? HttpServer.Readiness.READY
        : new HttpServer.Readiness(false, store.reason());
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
