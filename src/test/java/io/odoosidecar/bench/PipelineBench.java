package io.odoosidecar.bench;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.pipeline.ChangePayload;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.pipeline.Pipeline;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.Status;
import io.odoosidecar.store.EventLog;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's figures ({@code scripts/bench pipeline|push}).
 *
 * <ul>
 *   <li>{@code throughput memory|live N}: N changed crm.lead records through one rule with an
 *       object_write action; RPC calls used, events per second, and the sidecar's own time against
 *       the time spent waiting on Odoo. {@code -Dbench.workers=0} runs batches one after the other
 *       on one thread (the default: the daemon's 2 workers); {@code -Dbench.batch} sets their size
 *       (2000). The event log is embedded H2; {@code -Dbench.store=postgresql} puts it in a fresh
 *       database on the local PostgreSQL ({@code -Dbench.postgres}, default {@code
 *       jdbc:postgresql://127.0.0.1:5432/}, user postgres), dropped at the end, where claims are
 *       leases as with several instances.
 *   <li>{@code push N}: latency from a push's delivery to the rule's write acknowledged by a live
 *       Odoo, N pushes of one event each, one at a time.
 * </ul>
 */
public final class PipelineBench {
  static final Rule VIP =
      new Rule(
          "VIP",
          "crm.lead",
          true,
          Trigger.ON_CREATE_OR_WRITE,
          List.of("expected_revenue"),
          null,
          "[('expected_revenue', '>', 10000)]",
          Map.of(),
          List.of(Map.of("state", "object_write", "update_path", "priority", "value", "3")));

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "throughput";
    switch (mode) {
      case "throughput" ->
          throughput(
              args.length > 1 ? args[1] : "memory",
              args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
      case "push" -> push(args.length > 1 ? Integer.parseInt(args[1]) : 200);
      default -> throw new IllegalArgumentException("modes: throughput memory|live N, push N");
    }
  }

  static void throughput(String target, int n) throws Exception {
    Path dir = Files.createTempDirectory("sidecar-bench");
    OdooClient odoo;
    List<Long> ids = new ArrayList<>();
    if (target.equals("memory")) {
      MemoryOdoo memory =
          MemoryOdoo.fromFixtures(
              Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18"));
      Map<Long, Map<String, Object>> records = memory.records("crm.lead");
      Map<String, Object> template = records.values().iterator().next();
      for (long id = 1_000_000; id < 1_000_000 + n; id++) {
        Map<String, Object> lead = new LinkedHashMap<>(template);
        lead.put("id", id);
        lead.put("priority", "0");
        lead.put("expected_revenue", id % 2 == 0 ? 20000.0 : 500.0);
        records.put(id, lead);
        ids.add(id);
      }
      odoo = memory;
    } else {
      odoo = OdooClients.create(LiveOdoo.settings());
      ids.addAll(
          odoo.search("crm.lead", List.of(List.of("name", "=like", "sidecar bench lead %"))));
      if (ids.size() < n) {
        System.err.printf("# creating %d crm.lead records%n", n - ids.size());
        for (int made = ids.size(); made < n; made += 1000) {
          List<Map<String, Object>> batch = new ArrayList<>();
          for (int i = made; i < Math.min(n, made + 1000); i++) {
            batch.add(Map.of("name", "sidecar bench lead " + i, "expected_revenue", 100.0));
          }
          ids.addAll(odoo.createMany("crm.lead", batch));
        }
      }
      ids = new ArrayList<>(ids.subList(0, n));
      // the user's change: half above the threshold, half below (two writes)
      odoo.write(
          "crm.lead", ids.subList(0, n / 2), Map.of("expected_revenue", 20000.0, "priority", "0"));
      odoo.write(
          "crm.lead", ids.subList(n / 2, n), Map.of("expected_revenue", 500.0, "priority", "0"));
    }
    String store = System.getProperty("bench.store", "h2");
    String jdbc = System.getProperty("bench.eventlog");
    if (store.equals("postgresql")) {
      jdbc = freshPostgres();
    } else if (!store.equals("h2")) {
      throw new IllegalArgumentException("bench.store: h2 or postgresql, got " + store);
    }
    EventLog log =
        jdbc == null
            ? EventLog.embedded(dir)
            : EventLog.open(jdbc, System.getProperty("bench.eventlog.user", "postgres"), "");
    int workers = Integer.getInteger("bench.workers", 2);
    int batch = Integer.getInteger("bench.batch", 2000);
    int warmups = Integer.getInteger("bench.warmup", 1);
    MeteredOdoo metered = null;
    long wall = 0;
    // as the daemon runs it: the run history written off the pipeline's path, every run and event
    // metered, the Odoo client metered, pauses asked per batch (-Dbench.operations=false: none)
    boolean operations = Boolean.parseBoolean(System.getProperty("bench.operations", "true"));
    io.odoosidecar.store.RunHistory history =
        io.odoosidecar.store.RunHistory.open(
            log.connectionSource(),
            Clock.systemUTC(),
            io.odoosidecar.store.RunHistory.Limits.DEFAULT);
    io.odoosidecar.store.RuleStates states =
        io.odoosidecar.store.RuleStates.open(log.connectionSource(), Clock.systemUTC());
    // the call journal as the daemon wires it: the calls of the events done forgotten per batch
    io.odoosidecar.store.JournaledCalls journal =
        io.odoosidecar.store.JournaledCalls.open(log.connectionSource());
    io.odoosidecar.metrics.SidecarMetrics metrics =
        new io.odoosidecar.metrics.SidecarMetrics(Clock.systemUTC());
    io.odoosidecar.pipeline.RunHistoryWriter writer =
        io.odoosidecar.pipeline.RunHistoryWriter.start(history, states, Clock.systemUTC());
    // -Dbench.alternate=R: after the warm-up, 2R rounds with and without the operations in the
    // order on, off, off, on, ..., in one JVM: the medians side by side, and of their ratios
    int alternate = Integer.getInteger("bench.alternate", 0);
    int rounds = warmups + (alternate > 0 ? 2 * alternate : 1);
    List<Double> withOps = new ArrayList<>();
    List<Double> withoutOps = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      boolean on =
          alternate > 0 && round >= warmups
              ? (round - warmups) % 4 == 0 || (round - warmups) % 4 == 3
              : operations;
      if (round > 0) { // the user's change again: priorities back to 0
        if (odoo instanceof MemoryOdoo memory) {
          ids.forEach(id -> memory.records("crm.lead").get(id).put("priority", "0"));
        } else {
          odoo.write("crm.lead", ids, Map.of("priority", "0"));
        }
      }
      List<EventLog.NewEvent> events = new ArrayList<>();
      for (long id : ids) {
        events.add(
            new EventLog.NewEvent(
                "bench",
                "b" + round + ":" + id,
                "crm.lead",
                id,
                "write",
                new ChangePayload(
                        "write",
                        List.of("expected_revenue"),
                        Map.of("expected_revenue", 100.0),
                        Map.of(),
                        2,
                        null,
                        "push",
                        id,
                        List.of(),
                        0,
                        Map.of(),
                        null)
                    .toJson()));
      }
      log.append(events, Clock.systemUTC().instant());
      log.compact();
      MeteredOdoo client = new MeteredOdoo(odoo, method -> {});
      metered = client;
      OdooClient used = on ? metrics.meter(client) : client;
      Processor processor =
          new Processor(
              log,
              db -> used,
              () -> List.of(VIP),
              new Processor.Settings(
                  5, new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1))),
              Clock.systemUTC(),
              null);
      processor.withJournal(journal);
      if (on) {
        boolean withHistory = Boolean.parseBoolean(System.getProperty("bench.history", "true"));
        boolean withMetrics = Boolean.parseBoolean(System.getProperty("bench.metrics", "true"));
        processor
            .withListener(
                io.odoosidecar.pipeline.Listeners.of(
                    withMetrics ? metrics : io.odoosidecar.pipeline.PipelineListener.NONE,
                    withHistory ? writer : io.odoosidecar.pipeline.PipelineListener.NONE))
            .withPauses(states::isPaused);
      }
      MeteredOdoo.BY_METHOD.clear();
      long start = System.nanoTime();
      if (workers == 0) { // one thread, batch after batch
        for (List<EventLog.Event> claimed = log.claim(batch, Clock.systemUTC().instant());
            !claimed.isEmpty();
            claimed = log.claim(batch, Clock.systemUTC().instant())) {
          processor.process(claimed);
        }
      } else { // the daemon's workers
        Pipeline pipeline =
            new Pipeline(
                log,
                processor,
                new Pipeline.Settings(
                    workers, batch, Duration.ofMillis(50), Duration.ofSeconds(60)),
                Clock.systemUTC());
        pipeline.start();
        while (pipeline.processed() < n) {
          Thread.sleep(2);
        }
        pipeline.close();
      }
      wall = System.nanoTime() - start;
      if (round < warmups) {
        System.err.printf("# warm-up round %d: %.0f ms%n", round + 1, wall / 1e6);
      } else if (alternate > 0) {
        (on ? withOps : withoutOps).add(n / (wall / 1e9));
      }
    }
    if (alternate > 0) {
      printAlternation(withOps, withoutOps);
    }
    long waiting = metered.nanos.get();
    StringBuilder byMethod = new StringBuilder();
    MeteredOdoo.BY_METHOD.forEach(
        (method, spent) ->
            byMethod.append(String.format(" %s %.0f ms", method, spent.get() / 1e6)));
    System.err.println("# waiting on Odoo by method:" + byMethod);
    long raised =
        odoo.search("crm.lead", List.of(List.of("id", "in", ids), List.of("priority", "=", "3")))
            .size();
    String overhead =
        workers == 0
            ? String.format(
                "%.0f ms waiting on Odoo, %.0f ms sidecar (%.1f%% of the waiting)",
                waiting / 1e6, (wall - waiting) / 1e6, 100.0 * (wall - waiting) / waiting)
            : String.format(
                "%.0f ms waiting on Odoo summed over the workers, whose waits overlap (the"
                    + " sidecar's own share: -Dbench.workers=0)",
                waiting / 1e6);
    System.out.printf(
        "throughput %s (%s, %s, after %d warm-up round): %d events, %d rule firings, %d RPC"
            + " calls, %.0f ms wall, %.0f events/s, %s%n",
        target,
        jdbc == null ? "h2" : jdbc.startsWith("jdbc:postgresql") ? "postgresql" : jdbc,
        workers == 0
            ? "one thread, batches of " + batch
            : workers + " workers, batches of " + batch,
        warmups,
        n,
        raised,
        metered.calls.get(),
        wall / 1e6,
        n / (wall / 1e9),
        overhead);
    System.out.println("event log: " + log.counts());
    writer.close();
    System.out.println(
        "operations: "
            + (operations
                ? "run history "
                    + history.count()
                    + " runs kept, "
                    + writer.notKept()
                    + " not kept; metered"
                : "off (-Dbench.operations=false)"));
    history.close();
    states.close();
    journal.close();
    log.close();
    if (store.equals("postgresql")) {
      dropPostgres();
    }
    deleteTree(dir); // an embedded log of 40 rounds is 2 GB: none left behind
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static final String BENCH_DB = "sidecar_bench_pipeline";

  private static String postgres() {
    return System.getProperty("bench.postgres", "jdbc:postgresql://127.0.0.1:5432/");
  }

  /** A new, empty database for the event log on the local PostgreSQL. */
  private static String freshPostgres() throws java.sql.SQLException {
    dropPostgres();
    try (java.sql.Connection admin =
            java.sql.DriverManager.getConnection(postgres() + "postgres", "postgres", "");
        java.sql.Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + BENCH_DB);
    }
    return postgres() + BENCH_DB;
  }

  private static void dropPostgres() throws java.sql.SQLException {
    try (java.sql.Connection admin =
            java.sql.DriverManager.getConnection(postgres() + "postgres", "postgres", "");
        java.sql.Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + BENCH_DB + " WITH (FORCE)");
    }
  }

  /** The alternated rounds' events/s: each side's median, and the median of the pairs' ratios. */
  private static void printAlternation(List<Double> on, List<Double> off) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(on.size(), off.size()); i++) {
      ratios.add(on.get(i) / off.get(i));
    }
    System.out.printf(
        "alternated %d rounds each: with the operations median %.0f events/s, without %.0f;"
            + " median of the pairs' ratios %.3f (on/off)%n",
        on.size(), median(on), median(off), median(ratios));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  static void push(int n) throws Exception {
    OdooSettings settings = LiveOdoo.settings();
    Path dir = Files.createTempDirectory("sidecar-bench");
    EventLog log = EventLog.embedded(dir);
    io.odoosidecar.store.PushNonces nonces =
        io.odoosidecar.store.PushNonces.open(log.connectionSource());
    SynchronousQueue<Long> acks = new SynchronousQueue<>();
    OdooClient odoo = OdooClients.create(settings);
    MeteredOdoo metered =
        new MeteredOdoo(
            odoo,
            method -> {
              if (method.equals("write")) {
                acks.offer(System.nanoTime());
              }
            });
    Processor processor =
        new Processor(
            log,
            db -> metered,
            () -> List.of(VIP),
            new Processor.Settings(
                5, new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1))),
            Clock.systemUTC(),
            null);
    Pipeline pipeline =
        new Pipeline(
            log,
            processor,
            new Pipeline.Settings(2, 500, Duration.ofMillis(500), Duration.ofSeconds(10)),
            Clock.systemUTC());
    pipeline.start();
    PushReceiver receiver =
        new PushReceiver(
            new PushReceiver.Settings(
                Secret.of("bench"), PushReceiver.Auth.SECRET, Duration.ofMinutes(5), 1000),
            log,
            nonces,
            Set.of(settings.database()),
            pipeline::wake,
            Clock.systemUTC(),
            Map::of);
    RpcEndpoint endpoint = new RpcEndpoint(receiver, 1 << 20);
    HttpServer server =
        new HttpServer(
            "127.0.0.1",
            0,
            () -> new Status("running", true, Map.of(), Map.of(), Map.of()),
            Map.of(
                "/xmlrpc/2/object",
                endpoint.xmlrpc("object"),
                "/xmlrpc/2/common",
                endpoint.xmlrpc("common")));
    server.start();
    OdooClient addon =
        OdooClients.create(
            OdooSettings.of(
                    "sidecar",
                    URI.create("http://127.0.0.1:" + server.port()),
                    settings.database(),
                    "addon",
                    Secret.of("bench"),
                    null)
                .withTransport(TransportKind.XMLRPC));
    long lead =
        odoo.create("crm.lead", Map.of("name", "sidecar push bench", "expected_revenue", 100.0));
    double[] millis = new double[n];
    int warmup = 20;
    for (int i = -warmup; i < n; i++) {
      odoo.write(
          "crm.lead",
          List.of(lead),
          Map.of("expected_revenue", 20000.0 + i + warmup, "priority", "0"));
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("id", System.nanoTime() / 1000);
      event.put("model", "crm.lead");
      event.put("op", "write");
      event.put("ids", List.of(lead));
      event.put("fields", List.of("expected_revenue"));
      event.put("old", Map.of(Long.toString(lead), Map.of("expected_revenue", 100.0)));
      Map<String, Object> batch = new LinkedHashMap<>();
      batch.put("nonce", UUID.randomUUID().toString());
      batch.put("sent_at", System.currentTimeMillis() / 1000.0);
      batch.put("events", List.of(event));
      long sent = System.nanoTime();
      addon.executeKw("sidecar.event", "push", List.of(batch), Map.of());
      Long acked = acks.poll(10, TimeUnit.SECONDS);
      if (acked == null) {
        throw new IllegalStateException("no write within 10 s of push " + i);
      }
      if (i >= 0) {
        millis[i] = (acked - sent) / 1e6;
      }
    }
    Arrays.sort(millis);
    System.out.printf(
        "push to write acknowledged, %d pushes: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        n,
        millis[n / 2],
        millis[(int) (n * 0.9)],
        millis[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)],
        millis[n - 1]);
    odoo.unlink("crm.lead", List.of(lead));
    server.stop();
    pipeline.close();
    nonces.close();
    log.close();
    deleteTree(dir);
    System.exit(0);
  }
}
