package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.schedule.ScheduleStatus;
import io.odoosidecar.server.HealthService;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.HttpService;
import io.odoosidecar.server.RpcModels;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running sidecar: connects to every configured Odoo (retrying with backoff while one is
 * unreachable), stores the changes it learns (pushed by the addon to its RPC endpoint, or found by
 * the poller) in the event log, and runs the rules they fire.
 *
 * <p>The daemon keeps the lifecycle, an explicit state machine: {@code NEW -> STARTING -> RUNNING
 * -> STOPPING -> STOPPED}, each transition made by compare-and-set and logged. The components are
 * built by {@link SidecarWiring}, the connections kept by {@link OdooConnections}, the periodic
 * jobs run by {@link PeriodicJobs}, the addon told by {@link AddonRegistration}, the status built
 * by {@link DaemonStatus}; each HTTP service mounts its own routes.
 *
 * <p>Several daemons may share a PostgreSQL event log: each claims events under its {@code
 * instance.id}, beats (its claims' leases and its place in the registry, every third of {@code
 * instance.lease}), and the one that holds the {@link Leadership} registers with the addon, polls
 * and purges; all take pushes and webhooks and run events. On the embedded store the daemon locks
 * its data directory for itself ({@link io.odoosidecar.store.DataDirLock}) and always leads.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

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
  private final Function<OdooSettings, OdooClient> clientFactory;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final PeriodicJobs jobs = new PeriodicJobs();
  private final PeriodicJobs beats = new PeriodicJobs("beats");
  private io.odoosidecar.store.DataDirLock dataDirLock;
  private Leadership leadership;
  private OdooConnections connections;
  private SidecarWiring wiring;
  private AddonRegistration registration;
  private DaemonStatus status;
  private HttpServer server;
  private io.odoosidecar.pipeline.WebhookReceiver webhooks;
  private io.odoosidecar.metrics.SidecarMetrics metrics;

  /** The schedules' state {@code sidecar.schedule} answers: none until the scheduler is wired. */
  private final AtomicReference<Supplier<List<ScheduleStatus>>> scheduleStatus =
      new AtomicReference<>(NO_SCHEDULES);

  private static final Supplier<List<ScheduleStatus>> NO_SCHEDULES = List::of;

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
    this(config, clock, sleeper, rules, exit, OdooClients::create);
  }

  /** Creates the daemon with the way its Odoo clients are made (a test's double, say). */
  public Daemon(
      SidecarConfig config,
      Clock clock,
      RetryPolicy.Sleeper sleeper,
      RuleRegistry rules,
      java.util.function.IntConsumer exit,
      Function<OdooSettings, OdooClient> clientFactory) {
    this.config = config;
    this.clock = clock;
    this.sleeper = sleeper;
    this.rules = rules;
    this.exit = exit;
    this.clientFactory = clientFactory;
  }

  /** Starts the HTTP server and the connections; returns once the server listens. */
  public void start() {
    transition(State.NEW, State.STARTING);
    if (config.eventLog().url().isEmpty()) {
      dataDirLock = io.odoosidecar.store.DataDirLock.acquire(config.dataDir());
    }
    try {
      starting();
    } catch (RuntimeException | Error e) {
      if (dataDirLock != null) {
        dataDirLock.close();
      }
      throw e;
    }
  }

  private void starting() {
    if (rules != null) {
      rules.watch();
    }
    metrics = new io.odoosidecar.metrics.SidecarMetrics(clock);
    connections =
        new OdooConnections(config, clientFactory.andThen(metrics::meter), clock, sleeper);
    wiring = new SidecarWiring(config, clock, sleeper, rules, connections, metrics, exit);
    registration = new AddonRegistration(config.push(), wiring::watchList, () -> leadership.urls());
    status = new DaemonStatus(state::get, wiring, this::schedules, () -> leadership);
    scheduleStatus.compareAndSet(NO_SCHEDULES, wiring.scheduling::status);
    warmUpPython();
    wiring.pipeline.start();
    server =
        new HttpServer(
            config.server().host(),
            config.server().port(),
            services(),
            new HttpServer.Timeouts(config.server().readTimeout(), config.server().idleTimeout()));
    server.start();
    exposure(config.server().host(), config.push().secret().isPresent()).ifPresent(LOG::warn);
    leadership = leadership(publicUrl(config, server.port()));
    beats();
    connections.start(this::connected);
    wiring.scheduling.start();
    periodicJobs();
    transition(State.STARTING, State.RUNNING);
  }

  /**
   * This instance among those sharing the event log: alone on the embedded store; on PostgreSQL
   * leading while it holds the leader lease, its stores on the log's database.
   */
  private Leadership leadership(String url) {
    SidecarConfig.InstanceConfig instance = config.instance();
    if (config.eventLog().url().isEmpty()) {
      return Leadership.alone(instance.id(), url, clock);
    }
    io.odoosidecar.store.Leases leases =
        io.odoosidecar.store.Leases.open(wiring.log.connectionSource());
    io.odoosidecar.store.Instances instances =
        io.odoosidecar.store.Instances.open(wiring.log.connectionSource());
    // the event log's recovery must find the database closed: the stores on it let go
    wiring.log.onBroken(leases::close);
    wiring.log.onBroken(instances::close);
    return Leadership.shared(instance.id(), url, instance.lease(), clock, leases, instances)
        .onChange(this::leadershipChanged);
  }

  /**
   * The first beat now (who leads is known before the first connection registers), then every third
   * of the lease, on a thread of their own: the leadership's and the claims' leases.
   */
  private void beats() {
    try {
      leadership.beat();
    } catch (RuntimeException e) {
      LOG.warn(
          "{}: the first beat failed, next in {}: {}",
          leadership.id(),
          beatEvery(),
          e.getMessage());
    }
    beats
        .every("the leadership's beat", beatEvery(), beatEvery(), leadership::beat)
        .every(
            "the claims' heartbeat",
            beatEvery(),
            beatEvery(),
            () -> wiring.log.heartbeat(clock.instant()));
  }

  private Duration beatEvery() {
    return config.instance().lease().dividedBy(3);
  }

  /** A new leader registers at once (its URL first); any leader when the URLs alive change. */
  private void leadershipChanged() {
    if (leadership.leading()) {
      registration.forget();
    }
    jobs.once("the addon's registration", () -> connections.forEachConnected(this::register));
  }

  private void register(OdooSettings settings, OdooClient client) {
    step(
        settings,
        "register with the addon",
        () -> {
          if (leadership.leading()) {
            registration.register(settings, client);
          }
        });
  }

  /**
   * This instance's URL as Odoo reaches it: {@code push.public-url}, or the server's address with
   * the port it took when {@code server.port} is 0.
   */
  static String publicUrl(SidecarConfig config, int port) {
    String configured = config.push().publicUrl().orElse("");
    String unbound = "http://" + config.server().host() + ":0";
    return configured.equals(unbound)
        ? "http://" + config.server().host() + ":" + port
        : configured;
  }

  /** The first Python context takes seconds: made off an event's path. */
  private void warmUpPython() {
    connections.background(
        () -> {
          try {
            wiring.python.warmUp();
          } catch (RuntimeException e) {
            LOG.warn("Python engine unavailable: {}", e.getMessage());
          }
        });
  }

  /** The HTTP services: health, the RPC endpoint when there is a push secret, the webhooks. */
  private List<HttpService> services() {
    List<HttpService> services = new ArrayList<>();
    services.add(new HealthService(status::status, status::readiness));
    if (config.metrics().enabled()) {
      services.add(routes -> routes.exact("/metrics", metrics.handler()));
    }
    ConsoleWiring console =
        new ConsoleWiring(
            config,
            new DaemonConsole(status::state, wiring, this::schedules, () -> leadership, clock),
            clientFactory,
            syncSecrets(),
            clock);
    SidecarConfig.PushConfig push = config.push();
    if (push.secret().isPresent()) {
      services.add(
          new RpcService(pushReceiver(push), models(), console.users(), push, config.server()));
    } else {
      LOG.info(
          "push endpoint off: no push secret (SIDECAR_PUSH_SECRET, push.secret-env or push.secret-file)");
    }
    webhooks =
        new io.odoosidecar.pipeline.WebhookReceiver(
            wiring.offloaded::current,
            connections.mainDatabase(),
            connections::client,
            wiring.log,
            wiring.webhooks,
            wiring::wake,
            clock,
            push.maxBodyBytes(),
            config.server().readTimeout());
    webhooks.withListener(wiring.listener);
    assignWebhooks();
    services.add(new WebhookService(webhooks));
    services.add(console);
    return services;
  }

  /** The sync configs' credentials, for the console to mask. */
  private List<io.odoosidecar.odoo.Secret> syncSecrets() {
    List<io.odoosidecar.odoo.Secret> out = new ArrayList<>();
    if (rules != null) {
      rules.snapshot().syncConfigs().forEach(c -> out.addAll(c.auth().secrets()));
    }
    return out;
  }

  private PushReceiver pushReceiver(SidecarConfig.PushConfig push) {
    return new PushReceiver(
            new PushReceiver.Settings(
                push.secret().get(),
                push.auth(),
                push.window(),
                push.maxEvents(),
                push.maxRecords(),
                push.maxBodyBytes()),
            wiring.log,
            wiring.nonces,
            connections.byDatabase().keySet(),
            wiring::wake,
            clock,
            wiring::watchList)
        .withListener(wiring.listener);
  }

  /** The sidecar's own models on its RPC endpoint. */
  private Map<String, RpcModels.Model> models() {
    Map<String, RpcModels.Model> models = new java.util.LinkedHashMap<>();
    models.put(
        io.odoosidecar.server.models.DeadLetterModel.NAME,
        new io.odoosidecar.server.models.DeadLetterModel(
            wiring.log, wiring.history, wiring::wake, clock));
    models.put(
        io.odoosidecar.server.models.RunModel.NAME,
        new io.odoosidecar.server.models.RunModel(wiring.history, wiring.states));
    models.put(
        io.odoosidecar.server.models.EventModel.NAME,
        new io.odoosidecar.server.models.EventModel(wiring.log));
    models.put(
        io.odoosidecar.server.models.RuleModel.NAME,
        new io.odoosidecar.server.models.RuleModel(
            wiring.offloaded::current, wiring.states, wiring.history, wiring.offloaded::sourceOf));
    models.put(
        io.odoosidecar.sync.SyncLogModel.NAME,
        new io.odoosidecar.sync.SyncLogModel(wiring.sync.log()));
    models.put(
        io.odoosidecar.schedule.ScheduleModel.NAME,
        new io.odoosidecar.schedule.ScheduleModel(() -> scheduleStatus.get().get()));
    return models;
  }

  /** The daemon's own periodic jobs. */
  private void periodicJobs() {
    jobs.every(
            "the addon's registration",
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            this::refresh)
        .every("the store's check", Duration.ofSeconds(1), Duration.ofSeconds(1), wiring.log::check)
        .every(
            "the event log's purge",
            Duration.ofMinutes(1),
            Duration.ofHours(1),
            whileLeading(wiring::purge))
        .every(
            "the run history's pruning",
            Duration.ofMinutes(1),
            Duration.ofHours(1),
            whileLeading(wiring.history::prune))
        .every(
            "the rules' pauses",
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            wiring.states::refresh);
    SidecarConfig.PollConfig poll = config.poll();
    if (poll.enabled()) {
      jobs.every(
          "the poller", Duration.ZERO, poll.interval(), whileLeading(wiring.polling::pollOnce));
    }
  }

  /** A job one instance of several runs: the leader (on the embedded store, the only one). */
  private Runnable whileLeading(Runnable job) {
    return () -> {
      if (leadership.leading()) {
        job.run();
      }
    };
  }

  /** What every connection that is up learns again, every 30 s. */
  private void refresh() {
    connections.forEachConnected(this::imports);
    assignWebhooks();
  }

  /** Once a connection is up: its imports and the addon's registration, then its field metadata. */
  private void connected(OdooSettings settings, OdooClient client) {
    imports(settings, client);
    warmFields(settings, client);
  }

  private void imports(OdooSettings settings, OdooClient client) {
    step(
        settings,
        "import the rules run in the sidecar",
        () -> wiring.offloaded.importFrom(settings, client));
    step(
        settings,
        "import the cron jobs run in the sidecar",
        () -> wiring.scheduling.importCrons(settings.database(), client));
    register(settings, client);
  }

  /** One step of what a connection learns; a failure is logged and the step tried again in 30 s. */
  private static void step(OdooSettings settings, String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn(
          "connection '{}': cannot {} now, next try in 30 s: {}",
          settings.name(),
          what,
          io.odoosidecar.odoo.Redaction.text(String.valueOf(e.getMessage())));
    }
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
            + "the webhooks (/web/hook/<uuid>: no authentication but the uuid), the console (/:"
            + " an Odoo login of console.group), /metrics and /health (no authentication:"
            + " connections, rules, event counts); bind 127.0.0.1 unless Odoo runs on another"
            + " machine, and then limit who can reach the port (firewall, TLS proxy)");
  }

  /** Gives the webhook rules their uuids (each new one is logged once, when made). */
  private void assignWebhooks() {
    try {
      webhooks.assign(wiring.offloaded.current());
    } catch (RuntimeException e) {
      LOG.warn("cannot give the webhook rules their uuids yet: {}", e.getMessage());
    }
  }

  /**
   * Loads the field metadata the rules need (their models, and the models their watched fields
   * point to) once connected, so that the first change after a start does not wait for it.
   */
  private void warmFields(OdooSettings settings, OdooClient client) {
    // fieldsGet is cached: a model shared by several rules is read from Odoo once
    for (io.odoosidecar.rule.Rule rule : wiring.offloaded.current()) {
      try {
        Map<String, io.odoosidecar.odoo.FieldInfo> fields = client.fieldsGet(rule.model());
        for (String name : rule.triggerFields()) {
          io.odoosidecar.odoo.FieldInfo field = fields.get(name);
          if (field != null && field.relatedModel().isPresent()) {
            client.fieldsGet(field.relatedModel().get());
          }
        }
      } catch (RuntimeException e) {
        LOG.debug(
            "connection '{}': no fields of {} yet: {}",
            settings.name(),
            rule.model(),
            e.getMessage());
      }
    }
  }

  /** Each schedule and timed rule, once running. */
  private List<ScheduleStatus> schedules() {
    return state.get() == State.RUNNING ? scheduleStatus.get().get() : List.of();
  }

  /** Whether every poller has made at least one pass over every model it watches. */
  public boolean polledOnce() {
    return wiring != null && wiring.polling.polledOnce();
  }

  /**
   * What the rules need to see, for the addon: models, fields written, old values wanted, and the
   * fields of deleted records the unlink syncs send.
   */
  Map<String, Object> watchList() {
    return wiring.watchList();
  }

  /** Where {@code sidecar.schedule} reads the schedules' state (the scheduler's status). */
  void scheduleStatus(Supplier<List<ScheduleStatus>> status) {
    scheduleStatus.set(java.util.Objects.requireNonNull(status, "status"));
  }

  /** The outbound sync's wiring; null before start. */
  SyncWiring sync() {
    return wiring == null ? null : wiring.sync;
  }

  /** The Python engine code actions run on, as configured ({@code python.*}); null before start. */
  io.odoosidecar.script.PythonEngine python() {
    return wiring == null ? null : wiring.python;
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
    jobs.close();
    if (leadership != null) {
      leadership.close(); // another instance leads at once
    }
    if (connections != null) {
      connections.stopConnecting();
    }
    if (wiring != null) {
      wiring.stopFiring(); // no new firings; a running schedule finishes
    }
    if (server != null) {
      server.stop(); // no new pushes
    }
    if (wiring != null) {
      wiring.close(); // batches in flight finish (their leases beaten); the rest waits in the log
    }
    beats.close();
    if (connections != null) {
      connections.close();
    }
    if (rules != null) {
      rules.close();
    }
    if (dataDirLock != null) {
      dataDirLock.close();
    }
    transition(State.STOPPING, State.STOPPED);
    stopped.countDown();
  }

  private void transition(State from, State to) {
    if (!state.compareAndSet(from, to)) {
      throw new IllegalStateException(
          "sidecar cannot go " + from + " -> " + to + ": it is " + state.get());
    }
    LOG.info("sidecar {} -> {}", from, to);
  }
}
