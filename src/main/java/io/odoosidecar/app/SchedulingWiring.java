package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.pipeline.ChangeObserver;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.schedule.Calendars;
import io.odoosidecar.schedule.DueIndex;
import io.odoosidecar.schedule.Quartz;
import io.odoosidecar.schedule.ScheduleStatus;
import io.odoosidecar.schedule.TimedIndex;
import io.odoosidecar.schedule.TimedTrigger;
import io.odoosidecar.store.EventLog;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's scheduling, wired: Quartz on the event log's database, the timed rules' due-time
 * index and its trigger, and the working-day calendars. The daemon starts it once the pipeline
 * runs, tells it of rule reloads, and reads its status.
 */
final class SchedulingWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulingWiring.class);
  static final String SCHEDULER = "sidecar";

  private final Quartz quartz;
  private final TimedIndex timed;
  private final Calendars calendars;
  private final DueIndex index;
  private final Supplier<? extends Collection<Rule>> rules;
  private final ScheduledExecutorService worker =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "scheduling");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean filled;
  private volatile List<String> timedSeen = List.of();
  private final io.odoosidecar.schedule.Schedules schedules;
  private final io.odoosidecar.schedule.ScheduleRuns runs;
  private final Supplier<List<io.odoosidecar.schedule.Schedule>> fileSchedules;
  private final Map<String, List<io.odoosidecar.schedule.Schedule>> crons =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<io.odoosidecar.schedule.Schedule> applied;
  private volatile Set<String> appliedRead = Set.of();

  SchedulingWiring(
      SidecarConfig config,
      EventLog log,
      Map<String, OdooClient> byDatabase,
      Supplier<? extends Collection<Rule>> rules,
      Clock clock,
      Runnable wake,
      Supplier<List<io.odoosidecar.schedule.Schedule>> fileSchedules,
      io.odoosidecar.schedule.ScheduleExecutor executor) {
    this.rules = rules;
    this.fileSchedules = fileSchedules;
    int threads = Math.max(2, config.pipeline().workers());
    Quartz.Store store = store(config);
    this.quartz = Quartz.jdbc(SCHEDULER, instanceId(), store, threads, clock);
    this.calendars = new Calendars(byDatabase::get, clock);
    EventLog.ConnectionSource source =
        config.eventLog().url().isPresent()
            ? log.connectionSource()
            : () -> java.sql.DriverManager.getConnection(store.url());
    this.index = DueIndex.open(source, clock);
    this.timed =
        new TimedIndex(
            index,
            log,
            byDatabase.keySet(),
            byDatabase::get,
            rules,
            calendars::planDays,
            clock,
            wake);
    timed.onCalendarChange(calendars::changed);
    TimedTrigger.install(quartz, timed);
    this.runs = io.odoosidecar.schedule.ScheduleRuns.open(source, clock);
    this.schedules = new io.odoosidecar.schedule.Schedules(quartz, executor, runs, clock);
  }

  /**
   * Where Quartz and the due times live: the event log's PostgreSQL when it has one (shared by the
   * instances of a cluster); else an embedded H2 file of their own beside the event log's ({@code
   * data-dir/scheduler}), so that Quartz's pooled connections do not hold the event log's database
   * open when its file is lost and must be made again.
   */
  static Quartz.Store store(SidecarConfig config) {
    SidecarConfig.EventLogConfig c = config.eventLog();
    if (c.url().isPresent()) {
      return new Quartz.Store(c.url().get(), c.user(), c.password().map(Secret::reveal).orElse(""));
    }
    return new Quartz.Store(
        "jdbc:h2:file:"
            + config.dataDir().toAbsolutePath().resolve("scheduler")
            + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0",
        "",
        "");
  }

  /** This process in a cluster: host, process id and a random part, unique per start. */
  private static String instanceId() {
    String runtime = ManagementFactory.getRuntimeMXBean().getName();
    return runtime + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What learns the timed rules' due times from the pipeline's changes. */
  ChangeObserver observer() {
    return (database, model, written, unlinked, fields) ->
        timed.learn(database, model, written, unlinked, fields);
  }

  /** Starts firing, and reads every timed rule's records (the catch-up after downtime). */
  void start() {
    try {
      applySchedules();
    } catch (RuntimeException e) {
      LOG.error("schedules not applied yet, next try in 2 s: {}", e.getMessage());
    }
    quartz.start();
    timedSeen = timedRules();
    worker.execute(() -> fill(Duration.ofSeconds(2)));
    worker.scheduleWithFixedDelay(this::watchRules, 2, 2, TimeUnit.SECONDS);
  }

  /** Reads the timed rules' records in full; Odoo not up yet: again later, with a longer wait. */
  private void fill(Duration wait) {
    List<String> seen = timedRules();
    if (timed.reconcile(true)) {
      timedSeen = seen;
      filled = true;
      return;
    }
    Duration next =
        wait.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0
            ? Duration.ofMinutes(1)
            : wait.multipliedBy(2);
    worker.schedule(() -> fill(next), wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The timed rules as their due times depend on them: name and fingerprint of each (the rules come
   * from files, hot reloaded, and from Odoo's "Run in sidecar", imported every 30 s).
   */
  private List<String> timedRules() {
    List<String> out = new ArrayList<>();
    for (Rule rule : rules.get()) {
      if (rule.active() && io.odoosidecar.schedule.TimedRule.timed(rule.trigger())) {
        out.add(
            rule.name()
                + "\u0000"
                + rule.parameters().get("database")
                + "\u0000"
                + io.odoosidecar.schedule.TimedRule.of(rule).fingerprint());
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  /** The schedules in force: the rule files' and the jobs Odoo offloaded. */
  private List<io.odoosidecar.schedule.Schedule> allSchedules() {
    List<io.odoosidecar.schedule.Schedule> out = new ArrayList<>(fileSchedules.get());
    crons.values().forEach(out::addAll);
    return out;
  }

  /**
   * Brings Quartz in line with the schedules in force. The offloaded jobs of a database whose jobs
   * were not imported since the start are kept, paused, rather than deleted: a start applies the
   * files' schedules before Odoo is read, and a job deleted then would lose its trigger, so its
   * missed runs and the grid of its next call.
   */
  private void applySchedules() {
    List<io.odoosidecar.schedule.Schedule> now = allSchedules();
    Set<String> read = Set.copyOf(crons.keySet());
    if (!now.equals(applied) || !read.equals(appliedRead)) {
      schedules.apply(now, key -> offloadedOfUnread(key, read));
      applied = now;
      appliedRead = read;
    }
  }

  /** Whether a job key (database/name) is an offloaded job of a database not imported yet. */
  static boolean offloadedOfUnread(String key, Set<String> read) {
    int slash = key.indexOf('/');
    return slash > 0
        && key.startsWith(io.odoosidecar.schedule.CronImport.PREFIX, slash + 1)
        && !read.contains(key.substring(0, slash));
  }

  /**
   * Imports the {@code ir.cron} jobs a database ticked "Run in sidecar" (the daemon calls it with
   * the offloaded rules' import); a database that cannot be read keeps its last jobs.
   */
  void importCrons(String database, OdooClient client) {
    try {
      List<io.odoosidecar.schedule.Schedule> found =
          new io.odoosidecar.schedule.CronImport(client).offloaded(database);
      List<io.odoosidecar.schedule.Schedule> before = crons.put(database, found);
      if (before == null || before.size() != found.size()) {
        LOG.info("{}: {} Odoo cron jobs run in the sidecar", database, found.size());
      }
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot import the offloaded cron jobs: {}", database, e.getMessage());
    }
  }

  /** A change of the timed rules: new and changed ones are read, removed ones forgotten. */
  private void watchRules() {
    try {
      applySchedules();
    } catch (RuntimeException e) {
      LOG.warn("schedules: not brought in line with the rule files yet: {}", e.getMessage());
    }
    try {
      if (filled) {
        timed.repair();
      }
    } catch (RuntimeException e) {
      LOG.warn("timed rules: not repaired yet: {}", e.getMessage());
    }
    try {
      List<String> now = timedRules();
      if (filled && !now.equals(timedSeen) && timed.reconcile(false)) {
        timedSeen = now;
      }
    } catch (RuntimeException e) {
      LOG.warn("timed rules: not brought in line with the rules yet: {}", e.getMessage());
    }
  }

  /** Every schedule and timed rule with its next fire time and last run. */
  List<ScheduleStatus> status() {
    List<ScheduleStatus> out = new ArrayList<>(schedules.status());
    try {
      out.addAll(timed.status());
    } catch (RuntimeException e) {
      LOG.debug("timed rules' status unavailable: {}", e.getMessage());
    }
    return out;
  }

  @Override
  public void close() {
    worker.shutdownNow();
    quartz.close();
    runs.close();
    index.close();
  }
}
