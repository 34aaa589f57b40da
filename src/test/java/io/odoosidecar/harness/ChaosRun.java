package io.odoosidecar.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chaos run: a cluster of sidecar processes on a fresh PostgreSQL event log, the changes made
 * in the target while {@link Disruptions} kills instances and restarts what it was told to, the
 * hostile suites thrown at the instances meanwhile; then the backlog drained (every change's two
 * effects found, or the time-out) and the effects counted.
 */
final class ChaosRun {
  static final String SECRET = "chaos-push-secret";

  private final ChaosTarget target;
  private final ChaosSettings settings;
  private final Path dir;
  private final String targetName;

  ChaosRun(ChaosTarget target, String targetName, ChaosSettings settings, Path dir) {
    this.target = target;
    this.targetName = targetName;
    this.settings = settings;
    this.dir = dir;
  }

  /** The push settings every instance runs with: the hostile push suite's limits. */
  static Map<String, String> push() {
    return Map.of("max-events", "100", "max-records", "50", "max-body-bytes", "4194304");
  }

  static Map<String, String> pipeline(ChaosSettings settings) {
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    keys.put("workers", "2");
    keys.put("batch-size", Integer.toString(settings.batchSize()));
    keys.put("retry.max-attempts", "20");
    keys.put("retry.initial-backoff", "1s");
    keys.put("retry.max-backoff", "20s");
    return keys;
  }

  ChaosReport run() throws Exception {
    Instant began = Instant.now();
    try (CountingServer counting = new CountingServer(0).start();
        EventLogDatabase db = EventLogDatabase.fresh("chaos_" + ProcessHandle.current().pid())) {
      Thread drop = new Thread(db::dropQuietly, "chaos-drop-database");
      Runtime.getRuntime().addShutdownHook(drop); // also when the run is stopped midway
      List<Long> ids = target.prepare(settings.changes());
      Path rules = Files.createDirectories(dir.resolve("rules"));
      Files.writeString(rules.resolve("chaos.yaml"), target.rules(counting.url("/hook")));
      InstanceConfig config =
          new InstanceConfig(
              target.odooUrl(),
              target.database(),
              target.login(),
              db.url(),
              pipeline(settings),
              push());
      try (Cluster cluster =
          new Cluster(
              settings.instances(),
              dir,
              rules,
              config,
              Map.of("ODOO_PASSWORD", target.password(), InstanceConfig.SECRET_ENV, SECRET))) {
        cluster.start(Duration.ofMinutes(3));
        target.connect(cluster);
        return changeUnderChaos(ids, cluster, counting, db, began);
      }
    }
  }

  private ChaosReport changeUnderChaos(
      List<Long> ids, Cluster cluster, CountingServer counting, EventLogDatabase db, Instant began)
      throws Exception {
    AtomicInteger made = new AtomicInteger();
    Map<Long, Instant> written = new ConcurrentHashMap<>();
    Disruptions disruptions =
        new Disruptions(cluster, settings, () -> made.get() / (double) ids.size());
    AtomicInteger postgres = new AtomicInteger();
    AtomicInteger odoo = new AtomicInteger();
    List<String> hostile = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Disruptions.OneTime> once = new ArrayList<>();
    if (!settings.endpointDown().isZero()) {
      once.add(
          new Disruptions.OneTime(
              0.1,
              "counting endpoint down " + settings.endpointDown().toSeconds() + " s",
              () -> {
                counting.down(settings.endpointDown(), settings.downMode());
                Thread.sleep(settings.endpointDown().toMillis()); // its "end" when it is back
              }));
    }
    if (settings.hostile()) {
      once.add(
          new Disruptions.OneTime(
              0.3,
              "hostile suites",
              () -> hostile.addAll(ClusterHostility.run(cluster, target.database(), SECRET, db))));
    }
    if (settings.restartPostgres()) {
      once.add(
          new Disruptions.OneTime(
              0.4,
              "PostgreSQL restart",
              () -> {
                Processes.restartPostgres();
                postgres.incrementAndGet();
              }));
    }
    if (settings.restartOdoo()) {
      once.add(
          new Disruptions.OneTime(
              0.7,
              "Odoo restart",
              () -> {
                target.restartOdoo();
                odoo.incrementAndGet();
              }));
    }
    disruptions.start(once);
    makeChanges(ids, made, written);
    disruptions.log("all " + ids.size() + " changes made");
    disruptions.finish(Duration.ofMinutes(20));
    boolean drained = drain(ids, counting, disruptions);
    Map<Long, List<Instant>> messages = target.messages();
    List<EffectCount> effects =
        List.of(
            EffectCount.of("message", ids, written, messages, Map.of()),
            EffectCount.webhooks(ids, written, counting.byRecord()));
    long dead = db.events(target.database(), "crm.lead").getOrDefault("dead", 0L);
    hostile.addAll(target.notes());
    if (!disruptions.failures().isEmpty()) {
      hostile.add("disruptions that failed: " + disruptions.failures());
    }
    return new ChaosReport(
        settings,
        targetName,
        ids.size(),
        cluster.kills(),
        cluster.restarts(),
        disruptions.exits(),
        postgres.get(),
        odoo.get(),
        effects,
        dead,
        drained,
        Duration.between(began, Instant.now()),
        hostile,
        messages,
        disruptions.killTimes());
  }

  private void makeChanges(List<Long> ids, AtomicInteger made, Map<Long, Instant> written)
      throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(settings.writers());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        long id = ids.get(i);
        int seq = i;
        done.add(
            writers.submit(
                () -> {
                  written.put(id, target.change(id, seq));
                  made.incrementAndGet();
                  return null;
                }));
      }
      for (Future<?> one : done) {
        one.get();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  /**
   * Waits until every change has a message and a request (or the time-out), then watches a quiet
   * period more for late duplicates.
   */
  private boolean drain(List<Long> ids, CountingServer counting, Disruptions disruptions)
      throws Exception {
    Instant deadline = Instant.now().plus(settings.drainTimeout());
    while (Instant.now().isBefore(deadline)) {
      Map<Long, List<Instant>> messages = target.messages();
      Map<Long, List<CountingServer.Hit>> hits = counting.byRecord();
      long missing =
          ids.stream().filter(id -> !messages.containsKey(id) || !hits.containsKey(id)).count();
      if (missing == 0) {
        disruptions.log("every effect found; watching " + settings.quiet().toSeconds() + " s more");
        Thread.sleep(settings.quiet().toMillis());
        return true;
      }
      Thread.sleep(2_000);
    }
    disruptions.log("drain time-out: effects still missing");
    return false;
  }
}
