package io.odoosidecar.bench;

import com.sun.net.httpserver.HttpServer;
import io.odoosidecar.app.Daemon;
import io.odoosidecar.app.LiveSidecar;
import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The user's side of automation ({@code scripts/bench e2e}): how long a user's {@code write} of one
 * {@code crm.lead} takes over RPC on a live Odoo with the sidecar_bridge addon, with each of three
 * rules run by Odoo in-process, then with the same rule ticked "Run in sidecar" and run by the
 * sidecar, each against writes with no automation (the rule archived, nothing watched) measured
 * just before and just after it; for the sidecar, also how long after the save its effect is
 * visible (a read of Odoo, or the request's arrival at the webhook endpoint). Every case saves at
 * the same pace: each save comes {@link #IDLE} after the last one's automation is over.
 *
 * <p>The rules, as {@code base.automation} records on {@code crm.lead}, on update of {@code
 * expected_revenue}: {@code write}, an {@code object_write} of {@code referred} computed from the
 * revenue; {@code webhook}, a POST of name and revenue to a local endpoint that answers after 300
 * ms; {@code code}, Python reading every lead and posting a message on the record.
 *
 * <p>{@code sync} is the outbound sync of a {@code res.partner} on update of its {@code function}:
 * in Odoo, as {@code bj.api.sync} calls the API inside the save, a {@code base.automation} whose
 * webhook action posts name and function to the same 300 ms endpoint; in the sidecar, a sync config
 * with {@code on: [write]} sending them (the identifier, name, and function as {@code job.title}).
 * Its effect is the request's arrival at the endpoint.
 */
public final class EndToEndBench {
  /** Writes before each case is timed (-Dbench.warmup, default 10). */
  static final int WARMUP = Integer.getInteger("bench.warmup", 10);

  /** The pause after each save: the sidecar idle this long, or this long asleep without one. */
  static final java.time.Duration IDLE = java.time.Duration.ofMillis(200);

  final OdooSettings settings;
  final OdooClient odoo;
  final int n;
  final long lead;
  final long model;
  final long revenueField;

  /** The record each save writes: the lead, or for {@code sync} a partner. */
  Subject subject;

  final BlockingQueue<Arrived> arrivals = new LinkedBlockingQueue<>();
  final Semaphore answered = new Semaphore(0);
  final HttpServer endpoint;
  final Database database = Database.open();
  final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
  double revenue = 100_000;

  record Arrived(long nanos, String body) {}

  record Figures(double[] write, double[] effectAfterSave) {}

  /**
   * A record the user saves, and how its value is written: a number, or text carrying the number
   * (the endpoint finds the number in the request's body either way).
   */
  record Subject(String model, long id, String field, boolean text) {
    void write(OdooClient odoo, double value) {
      Object written = text ? "e2e %d".formatted((long) value) : value;
      odoo.write(model, List.of(id), Map.of(field, written));
    }
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    List<String> kinds =
        args.length > 1 ? List.of(args[1].split(",")) : List.of("write", "webhook", "code", "sync");
    EndToEndBench bench = new EndToEndBench(LiveOdoo.settings(), n);
    try {
      bench.run(kinds);
    } finally {
      bench.close();
    }
    System.exit(0);
  }

  EndToEndBench(OdooSettings settings, int n) throws IOException {
    this.settings = settings;
    this.odoo = OdooClients.create(settings);
    this.n = n;
    if (odoo.searchCount(
            "ir.module.module",
            List.of(List.of("name", "=", "sidecar_bridge"), List.of("state", "=", "installed")))
        != 1) {
      throw new IllegalStateException("the sidecar_bridge addon is not installed");
    }
    this.model = odoo.search("ir.model", List.of(List.of("model", "=", "crm.lead"))).get(0);
    this.revenueField =
        odoo.search(
                "ir.model.fields",
                List.of(
                    List.of("model", "=", "crm.lead"), List.of("name", "=", "expected_revenue")))
            .get(0);
    this.lead =
        odoo.create("crm.lead", Map.of("name", "sidecar e2e bench", "expected_revenue", 1.0));
    this.subject = new Subject("crm.lead", lead, "expected_revenue", false);
    endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    endpoint.setExecutor(Executors.newCachedThreadPool());
    endpoint.createContext(
        "/hook",
        exchange -> {
          long now = System.nanoTime();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          arrivals.add(new Arrived(now, body));
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
          answered.release();
        });
    endpoint.start();
  }

  void run(List<String> kinds) throws Exception {
    System.out.printf(
        "# %s, database %s, %d crm.lead records, %d writes per case after %d of warm-up%n",
        settings.url(), settings.database(), odoo.searchCount("crm.lead", List.of()), n, WARMUP);
    unwatch();
    report("no automation", writes("none", null));
    for (String kind : kinds) {
      if (kind.equals("sync")) {
        sync();
        continue;
      }
      long rule = rule(kind);
      try {
        // each case against no-automation runs just before and just after it (their mean): this
        // machine's speed drifts over minutes more than the differences measured
        active(rule, false);
        Figures before = writes("none", null);
        active(rule, true);
        Figures odooRuns = writes(kind, null);
        active(rule, false);
        Figures between = writes("none", null);
        report(kind + " in Odoo", odooRuns, before, between);
        odoo.write(
            "base.automation", List.of(rule), Map.of("sidecar_offload", true, "active", true));
        Path dir = Files.createTempDirectory("sidecar-e2e-bench");
        Daemon daemon =
            LiveSidecar.start(settings, odoo, dir, "", LiveSidecar.freePort(), "crm.lead");
        Figures sidecar;
        try {
          sidecar = writes(kind, daemon);
        } finally {
          daemon.close();
          unwatch();
        }
        active(rule, false);
        Figures after = writes("none", null);
        report(kind + " in sidecar", sidecar, between, after);
      } finally {
        odoo.unlink("base.automation", List.of(rule));
      }
    }
  }

  /**
   * The {@code sync} case on a partner of its own: no automation, Odoo's webhook inside the save,
   * the sidecar's sync config; each against no-automation runs just before and just after it.
   */
  void sync() throws Exception {
    long partner =
        odoo.create("res.partner", Map.of("name", "sidecar e2e sync bench", "function", "e2e 0"));
    Subject leads = subject;
    subject = new Subject("res.partner", partner, "function", true);
    long rule = partnerWebhook(partner);
    try {
      active(rule, false);
      Figures before = writes("none", null);
      report("no automation (res.partner)", before);
      active(rule, true);
      Figures odooRuns = writes("sync", null);
      active(rule, false);
      Figures between = writes("none", null);
      report("sync in Odoo", odooRuns, before, between);
      Path dir = Files.createTempDirectory("sidecar-e2e-bench");
      Daemon daemon =
          LiveSidecar.start(
              settings, odoo, dir, syncConfig(), LiveSidecar.freePort(), "res.partner");
      Figures sidecar;
      try {
        sidecar = writes("sync", daemon);
      } finally {
        daemon.close();
        unwatch();
      }
      Figures after = writes("none", null);
      report("sync in sidecar", sidecar, between, after);
    } finally {
      subject = leads;
      odoo.unlink("base.automation", List.of(rule));
      odoo.unlink("res.partner", List.of(partner));
    }
  }

  /** The rule file of the sidecar's case: the partner's sync on write of its function. */
  String syncConfig() {
    return """
        sync:
          - name: e2e partner
            model: res.partner
            on: [write]
            trigger_field_ids: [function]
            url: http://127.0.0.1:%d/hook
            concurrency: 4
            mapping:
              - {field: id, key: id, identifier: true}
              - {field: name, key: name}
              - {field: function, key: job.title}
        """
        .formatted(endpoint.getAddress().getPort());
  }

  /** Odoo's way: a rule on the partner's function whose webhook posts name and function. */
  long partnerWebhook(long partner) {
    long partnerModel =
        odoo.search("ir.model", List.of(List.of("model", "=", "res.partner"))).get(0);
    List<Long> fields =
        odoo.search(
            "ir.model.fields",
            List.of(
                List.of("model", "=", "res.partner"),
                List.of("name", "in", List.of("name", "function"))));
    long function =
        odoo.search(
                "ir.model.fields",
                List.of(List.of("model", "=", "res.partner"), List.of("name", "=", "function")))
            .get(0);
    Map<String, Object> action = new LinkedHashMap<>();
    action.put("name", "bench sync");
    action.put("model_id", partnerModel);
    action.put("state", "webhook");
    action.put("webhook_url", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook");
    action.put("webhook_field_ids", List.of(List.of(6, 0, fields)));
    return odoo.create(
        "base.automation",
        Map.of(
            "name",
            "sidecar e2e bench sync",
            "model_id",
            partnerModel,
            "trigger",
            "on_write",
            "trigger_field_ids",
            List.of(List.of(6, 0, List.of(function))),
            "filter_domain",
            "[('id', '=', %d)]".formatted(partner),
            "action_server_ids",
            List.of(List.of(0, 0, action))));
  }

  void active(long rule, boolean active) {
    odoo.write("base.automation", List.of(rule), Map.of("active", active));
  }

  /** No sidecar: the addon watches nothing (its workers read that within WATCH_TTL). */
  void unwatch() throws InterruptedException {
    odoo.executeKw(
        "ir.config_parameter",
        "set_param",
        List.of(),
        Map.of("key", "sidecar_bridge.watch", "value", "{}"));
    Thread.sleep(LiveSidecar.WATCH_TTL.toMillis());
  }

  long rule(String kind) {
    Map<String, Object> action = new LinkedHashMap<>();
    action.put("name", "bench " + kind);
    action.put("model_id", model);
    switch (kind) {
      case "write" -> {
        action.put("state", "object_write");
        action.put("update_path", "referred");
        action.put("evaluation_type", "equation");
        action.put("value", "'revenue %d' % record.expected_revenue");
      }
      case "webhook" -> {
        action.put("state", "webhook");
        action.put("webhook_url", "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook");
        action.put(
            "webhook_field_ids",
            List.of(
                List.of(
                    6,
                    0,
                    odoo.search(
                        "ir.model.fields",
                        List.of(
                            List.of("model", "=", "crm.lead"),
                            List.of("name", "in", List.of("name", "expected_revenue")))))));
      }
      case "code" -> {
        action.put("state", "code");
        action.put(
            "code",
            """
            leads = env['crm.lead'].search([])
            total = sum(leads.mapped('expected_revenue'))
            for lead in records:
                lead.message_post(body=f"revenue {lead.expected_revenue:.0f}: {len(leads)} leads, {total:.0f} in all")
            """);
      }
      default -> throw new IllegalArgumentException(kind);
    }
    return odoo.create(
        "base.automation",
        Map.of(
            "name",
            "sidecar e2e bench " + kind,
            "model_id",
            model,
            "trigger",
            "on_write",
            "trigger_field_ids",
            List.of(List.of(6, 0, List.of(revenueField))),
            "filter_domain",
            "[('id', '=', %d)]".formatted(lead),
            "action_server_ids",
            List.of(List.of(0, 0, action))));
  }

  /** Writes the lead's revenue; with a sidecar, waits for each write's effect before the next. */
  Figures writes(String kind, Daemon sidecar) throws InterruptedException {
    double[] write = new double[n];
    double[] effect = new double[n];
    for (int i = -WARMUP; i < n; i++) {
      revenue += 1;
      String expected = "revenue %d".formatted((long) revenue);
      arrivals.clear();
      answered.drainPermits();
      long start = System.nanoTime();
      subject.write(odoo, revenue);
      long saved = System.nanoTime();
      long visible = saved;
      if (!kind.equals("none")) {
        visible = effect(kind, expected, sidecar != null);
      }
      if (sidecar != null) {
        idle(sidecar);
      } else {
        // the same pace as with a sidecar (at least 200 ms between saves, as a user's are): a
        // write right after the last one finds the server warmer than one after a pause
        Thread.sleep(IDLE.toMillis());
      }
      if (i >= 0) {
        write[i] = (saved - start) / 1e6;
        effect[i] = (visible - saved) / 1e6;
      }
    }
    return new Figures(write, effect);
  }

  /**
   * Waits until the sidecar has processed nothing new for {@link #IDLE} (its own writes come back
   * as events too): each save is timed on its own, as a user's save is when the rule runs in Odoo,
   * not while the previous save's automation still runs.
   */
  void idle(Daemon sidecar) throws InterruptedException {
    java.net.URI health = java.net.URI.create("http://127.0.0.1:" + sidecar.port() + "/health");
    String last = "";
    long stableSince = System.nanoTime();
    while (System.nanoTime() - stableSince < IDLE.toNanos()) {
      String body;
      try {
        body =
            http.send(
                    java.net.http.HttpRequest.newBuilder(health).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      java.util.regex.Matcher processed =
          java.util.regex.Pattern.compile("\"processed\"\\s*:\\s*(\\d+)").matcher(body);
      String now = processed.find() ? processed.group(1) : body;
      if (!now.equals(last)) {
        last = now;
        stableSince = System.nanoTime();
      }
      Thread.sleep(20);
    }
  }

  /** When the write's effect was first seen, in System.nanoTime. */
  long effect(String kind, String expected, boolean sidecar) throws InterruptedException {
    if (kind.equals("webhook") || kind.equals("sync")) {
      String revenueText = expected.substring("revenue ".length());
      Arrived arrived = arrivals.poll(10, TimeUnit.SECONDS);
      while (arrived != null && !arrived.body().contains(revenueText)) {
        arrived = arrivals.poll(10, TimeUnit.SECONDS);
      }
      // the next write once this request was answered: a rule's events on one record run in order
      if (arrived == null || !answered.tryAcquire(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no " + kind + " request for " + expected);
      }
      return arrived.nanos();
    }
    BooleanSupplier seen =
        database != null
            ? () -> database.seen(kind, lead, expected)
            : kind.equals("write")
                ? () ->
                    expected.equals(
                        odoo.read("crm.lead", List.of(lead), List.of("referred"))
                            .get(0)
                            .values()
                            .get("referred"))
                : () ->
                    odoo.searchCount(
                            "mail.message",
                            List.of(
                                List.of("model", "=", "crm.lead"),
                                List.of("res_id", "=", lead),
                                List.of("body", "ilike", expected + ":")))
                        > 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (seen.getAsBoolean()) {
        return System.nanoTime();
      }
      if (!sidecar) {
        throw new IllegalStateException("Odoo's in-process rule left no effect for " + expected);
      }
      Thread.sleep(database != null ? 2 : 20);
    }
    throw new IllegalStateException("no effect within 10 s for " + expected);
  }

  /**
   * Odoo's database, read directly (ODOO_PG_URL, default the database of the same name on the local
   * PostgreSQL as user postgres): an effect is seen the moment it is committed, and looking adds no
   * request to the Odoo server the sidecar and the user share. Without it, Odoo is read over RPC
   * every 20 ms.
   */
  static final class Database {
    final java.sql.Connection connection;

    Database(java.sql.Connection connection) {
      this.connection = connection;
    }

    static Database open() {
      String url =
          System.getenv()
              .getOrDefault(
                  "ODOO_PG_URL",
                  "jdbc:postgresql://127.0.0.1:5432/"
                      + System.getenv().getOrDefault("ODOO_DB", "odoo")
                      + "?user=postgres");
      try {
        java.sql.Connection connection = java.sql.DriverManager.getConnection(url);
        connection.setAutoCommit(true);
        System.out.println("# effects seen in " + url.replaceAll("password=[^&]*", "password=***"));
        return new Database(connection);
      } catch (java.sql.SQLException e) {
        System.out.println("# effects seen over RPC every 20 ms (no database at " + url + ")");
        return null;
      }
    }

    boolean seen(String kind, long lead, String expected) {
      String sql =
          kind.equals("write")
              ? "SELECT 1 FROM crm_lead WHERE id = ? AND referred = ?"
              : "SELECT 1 FROM mail_message WHERE model = 'crm.lead' AND res_id = ?"
                  + " AND body LIKE ? LIMIT 1";
      try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setLong(1, lead);
        statement.setString(2, kind.equals("write") ? expected : "%" + expected + ":%");
        try (java.sql.ResultSet rows = statement.executeQuery()) {
          return rows.next();
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Prints a case's write times and, against no-automation runs measured just before and just after
   * it, their ratio to the mean of those runs' medians.
   */
  void report(String label, Figures figures, Figures... baselines) {
    double[] write = figures.write().clone();
    Arrays.sort(write);
    String ratio = "";
    if (baselines.length > 0) {
      double sum = 0;
      List<String> each = new ArrayList<>();
      for (Figures baseline : baselines) {
        double[] base = baseline.write().clone();
        Arrays.sort(base);
        sum += percentile(base, 50);
        each.add(String.format("%.1f", percentile(base, 50)));
      }
      double base = sum / baselines.length;
      ratio =
          String.format(
              " = %.2fx no automation (%.1f ms: the mean of %s ms measured before and after)",
              percentile(write, 50) / base, base, String.join(" and ", each));
    }
    List<String> parts = new ArrayList<>();
    parts.add(
        String.format(
            "%-20s user's write p50 %7.1f ms, p90 %7.1f ms%s",
            label, percentile(write, 50), percentile(write, 90), ratio));
    if (label.endsWith("in sidecar")) {
      double[] effect = figures.effectAfterSave().clone();
      Arrays.sort(effect);
      parts.add(
          String.format(
              "effect visible after the save p50 %.1f ms, p90 %.1f ms",
              percentile(effect, 50), percentile(effect, 90)));
    }
    System.out.println(String.join("; ", parts));
  }

  static double percentile(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
  }

  void close() {
    try {
      if (database != null) {
        database.connection.close();
      }
    } catch (java.sql.SQLException e) {
      System.out.println("# " + e.getMessage());
    }
    try {
      odoo.unlink("crm.lead", List.of(lead));
    } finally {
      endpoint.stop(0);
      odoo.close();
    }
  }
}
