package io.odoosidecar.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.pipeline.ChangePayload;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.pipeline.Pipeline;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.SyncConfigLookup;
import io.odoosidecar.sync.SyncEngine;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbound sync's figures ({@code scripts/bench sync N}): N changed {@code res.partner}
 * records, their events in the event log as a push stores them (the written email, and the old and
 * new values of the watched fields: name, email, country), through the daemon's pipeline (2
 * workers, batches of 500: {@code -Dbench.workers}, {@code -Dbench.batch}) to a sync config with
 * {@code on: [write]} whose API is a local server answering each request after 50 ms. The Odoo is
 * the memory double, its calls counted. Two cases: one request per record with {@code concurrency:
 * 8} (requests per second against the 160 that eight requests in flight of 50 ms allow), and {@code
 * batch: 100} (the number of requests, 100 for 10,000 records, and the Odoo calls of the whole
 * run).
 *
 * <p>The mapping has what a real config has: the identifier, a plain field, a nested key, a
 * relational line reading the country's code (a second model), and status fields written back
 * ({@code -Dbench.status=false}: none).
 */
public final class SyncBench {
  static final int DELAY_MS = 50;

  /** Events per batch of the pipeline (the daemon's pipeline.batch-size, 500 by default). */
  static final int BATCH = Integer.getInteger("bench.batch", 500);

  /** Whether the config writes status fields back (-Dbench.status=false: none). */
  static final boolean STATUS = !"false".equals(System.getProperty("bench.status"));

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    try (Api api = Api.start(Duration.ofMillis(DELAY_MS))) {
      Figures single = run(n, api, "concurrency: 8\n    url: " + api.url() + "/partners/{id}");
      double ceiling = 8 * 1000.0 / DELAY_MS;
      System.out.printf(
          "per record, concurrency 8: %s; %.0f requests/s (target >= %.0f: 90%% of the %.0f that"
              + " 8 requests of %d ms allow), %d Odoo calls%n",
          single, single.perSecond(), 0.9 * ceiling, ceiling, DELAY_MS, single.odooCalls());
      Figures batch =
          run(n, api, "concurrency: 8\n    batch: 100\n    url: " + api.url() + "/partners");
      int claims = (n + BATCH - 1) / BATCH;
      System.out.printf(
          "batch 100: %s; %d requests (target %d), %d Odoo calls for the whole run (target <= 30),"
              + " the pipeline's batches of %d events: %d%n",
          batch, batch.requests(), (n + 99) / 100, batch.odooCalls(), BATCH, claims);
    }
    System.exit(0);
  }

  /** What one case measured. */
  record Figures(
      int records,
      long requests,
      long received,
      int maxInFlight,
      double meanInFlight,
      long odooCalls,
      String odooByMethod,
      double wallMillis,
      Map<String, Long> log) {
    double perSecond() {
      return requests / (wallMillis / 1000);
    }

    @Override
    public String toString() {
      return String.format(
          "%d records, %d requests carrying %d records, in flight at the API at most %d and %.2f"
              + " on average, %.0f ms wall, Odoo calls: %s; event log %s",
          records, requests, received, maxInFlight, meanInFlight, wallMillis, odooByMethod, log);
    }
  }

  /** N partners changed, their events processed by a pipeline syncing them with {@code shape}. */
  static Figures run(int n, Api api, String shape) throws Exception {
    MemoryOdoo odoo = partners(n);
    Path dir = Files.createTempDirectory("sidecar-sync-bench");
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("sync.yaml"), config(shape));
    RuleFiles.Contents contents = RuleFiles.loadAll(rules);
    EventLog log = EventLog.embedded(dir);
    log.append(events(odoo, n), Clock.systemUTC().instant());
    log.compact();
    MeteredOdoo client = new MeteredOdoo(odoo, method -> {});
    MeteredOdoo.BY_METHOD.clear();
    PythonBench.COUNTS.clear();
    api.reset();
    try (SyncEngine engine =
        new SyncEngine(client, RetryingSender.system(), null, null, Clock.systemUTC())) {
      Processor processor =
          new Processor(
                  log,
                  db -> client,
                  contents::rules,
                  new Processor.Settings(
                      5, new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1))),
                  Clock.systemUTC(),
                  null)
              .withSync(engine)
              .withSyncConfigs(SyncConfigLookup.of(contents.syncConfigs()));
      Pipeline pipeline =
          new Pipeline(
              log,
              processor,
              new Pipeline.Settings(
                  Integer.getInteger("bench.workers", 2),
                  BATCH,
                  Duration.ofMillis(50),
                  Duration.ofSeconds(60)),
              Clock.systemUTC());
      long start = System.nanoTime();
      pipeline.start();
      while (pipeline.processed() < n) {
        Thread.sleep(2);
      }
      double wall = (System.nanoTime() - start) / 1e6;
      pipeline.close();
      long synced =
          odoo.records("res.partner").values().stream()
              .filter(p -> "synced".equals(p.get("x_sync_state")))
              .count();
      if (STATUS && synced != n) {
        System.err.printf("# only %d of %d partners are marked synced%n", synced, n);
      }
      Figures figures =
          new Figures(
              n,
              api.requests.get(),
              api.records.get(),
              api.maxInFlight.get(),
              api.busyNanos.get() / 1e6 / wall,
              client.calls.get(),
              byMethod(client.calls.get()),
              wall,
              log.counts());
      log.close();
      return figures;
    }
  }

  static String byMethod(long total) {
    StringBuilder out = new StringBuilder().append(total).append(" (");
    List<String> parts = new ArrayList<>();
    PythonBench.COUNTS.forEach((method, count) -> parts.add(method + " " + count));
    return out.append(String.join(", ", parts)).append(", and fields_get per model)").toString();
  }

  static String config(String shape) {
    return """
        sync:
          - name: bench partners
            model: res.partner
            on: [write]
            trigger_field_ids: [name, email, country_id]
            method: {write: PUT}
            %s
            retry: {attempts: 3, initial: 100ms, max: 1s}
            mapping:
              - {field: id, key: id, identifier: true}
              - {field: name, key: name}
              - {field: email, key: contact.email}
              - field: country_id
                key: country
                type: relational
                mapping:
                  - {field: code, key: code}
        %s"""
        .formatted(
            shape,
            STATUS
                ? "    status: {state: x_sync_state, last-success: x_sync_at, last-error:"
                    + " x_sync_error}\n"
                : "");
  }

  /** A memory Odoo with countries and {@code n} partners (ids from 1), each in a country. */
  static MemoryOdoo partners(int n) {
    MemoryOdoo odoo =
        MemoryOdoo.empty()
            .defineAttributes(
                "res.country", Map.of("name", Map.of("type", "char"), "code", type("char")))
            .defineAttributes(
                "res.partner",
                Map.of(
                    "name", type("char"),
                    "email", type("char"),
                    "active", type("boolean"),
                    "country_id", Map.of("type", "many2one", "relation", "res.country"),
                    "x_sync_state", type("selection"),
                    "x_sync_at", type("datetime"),
                    "x_sync_error", type("text")));
    String[][] countries = {{"Belgium", "BE"}, {"France", "FR"}, {"Germany", "DE"}};
    for (int i = 0; i < countries.length; i++) {
      odoo.put("res.country", i + 1, Map.of("name", countries[i][0], "code", countries[i][1]));
    }
    for (long id = 1; id <= n; id++) {
      int country = (int) (id % countries.length);
      odoo.put(
          "res.partner",
          id,
          Map.of(
              "name", "Partner " + id,
              "email", "partner" + id + "@example.com",
              "active", true,
              "country_id", List.of(country + 1L, countries[country][0]),
              "x_sync_state", false,
              "x_sync_at", false,
              "x_sync_error", false));
    }
    return odoo;
  }

  private static Map<String, Object> type(String type) {
    return Map.of("type", type);
  }

  /**
   * Each partner's email changed, the event as the addon pushes it: the written field, and the old
   * and new values of the fields its watch list asks for (the rule's watched fields and {@code
   * active}).
   */
  static List<EventLog.NewEvent> events(MemoryOdoo odoo, int n) {
    List<EventLog.NewEvent> events = new ArrayList<>(n);
    for (long id = 1; id <= n; id++) {
      Map<String, Object> partner = odoo.records("res.partner").get(id);
      Map<String, Object> old = watched(partner);
      partner.put("email", "new" + id + "@example.com");
      events.add(
          new EventLog.NewEvent(
              "bench",
              "s:" + id,
              "res.partner",
              id,
              "write",
              new ChangePayload(
                      "write",
                      List.of("email"),
                      old,
                      watched(partner),
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
    return events;
  }

  /** The values of the watched fields, as the addon reads them (a many2one as [id, name]). */
  private static Map<String, Object> watched(Map<String, Object> partner) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (String field : List.of("name", "email", "country_id", "active")) {
      out.put(field, partner.get(field));
    }
    return out;
  }

  /**
   * The API (Undertow, the sidecar's own server, its requests on 64 worker threads): answers every
   * request after a delay, counting the requests, the records they carry (a JSON array's items,
   * else one), the most in flight at once and the time they spent in flight.
   */
  static final class Api implements AutoCloseable {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicLong busyNanos = new AtomicLong();
    private final Duration delay;
    private Undertow server;

    private Api(Duration delay) {
      this.delay = delay;
    }

    static Api start(Duration delay) {
      Api api = new Api(delay);
      api.server =
          Undertow.builder()
              .addHttpListener(0, "127.0.0.1")
              .setWorkerThreads(64)
              .setHandler(new BlockingHandler(api::answer))
              .build();
      api.server.start();
      return api;
    }

    String url() {
      InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
      return "http://127.0.0.1:" + address.getPort();
    }

    void reset() {
      requests.set(0);
      records.set(0);
      maxInFlight.set(0);
      busyNanos.set(0);
    }

    /**
     * Counts the request and answers it after the delay; it is out of flight before its answer is
     * sent (the client may send the next one as soon as it has the answer).
     */
    private void answer(HttpServerExchange exchange) throws IOException {
      long start = System.nanoTime();
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        byte[] body = exchange.getInputStream().readAllBytes();
        Object sent = body.length == 0 ? null : JSON.readValue(body, Object.class);
        records.addAndGet(sent instanceof List<?> list ? list.size() : 1);
        requests.incrementAndGet();
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.setStatusCode(503);
      } finally {
        inFlight.decrementAndGet();
        busyNanos.addAndGet(System.nanoTime() - start);
      }
      exchange.endExchange();
    }

    @Override
    public void close() {
      server.stop();
    }
  }
}
