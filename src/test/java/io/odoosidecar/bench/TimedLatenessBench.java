package io.odoosidecar.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.odoosidecar.app.Daemon;
import io.odoosidecar.app.LiveSidecar;
import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.SearchOptions;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How late the sidecar fires a timed rule on a live Odoo with the sidecar_bridge addon ({@code
 * scripts/bench timed-lateness [N] [SPREAD]}): N (default 1000) project.task records get a {@code
 * date_deadline} spread over SPREAD seconds (default 120) from 30 s after they are written, one
 * {@code on_time} rule one minute before the deadline sends each to a webhook on a local endpoint,
 * and a record's lateness is the request's arrival less its due time (on this machine's clock,
 * which is Odoo's: it runs here). Prints p50, p90, p99 and max next to Odoo's own bound: its check
 * runs every {@code _get_cron_interval} minutes (1 for this rule).
 */
public final class TimedLatenessBench {
  private static final DateTimeFormatter ODOO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LEAD_SECONDS = 30;
  private static final long RANGE_MINUTES = -1;

  private final Map<Long, Instant> arrivals = new ConcurrentHashMap<>();

  private TimedLatenessBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int spread = args.length > 1 ? Integer.parseInt(args[1]) : 120;
    new TimedLatenessBench().run(LiveOdoo.settings(), n, spread);
    System.exit(0);
  }

  private void run(OdooSettings settings, int n, int spread) throws Exception {
    HttpServer endpoint = endpoint();
    Path dir = Files.createTempDirectory("timed-lateness");
    List<Long> tasks = List.of();
    try (OdooClient odoo = OdooClients.create(settings)) {
      Daemon daemon =
          LiveSidecar.start(
              settings,
              odoo,
              dir,
              rules(endpoint.getAddress().getPort()),
              LiveSidecar.freePort(),
              "project.task");
      try {
        tasks = create(odoo, n);
        Map<Long, Instant> due = schedule(odoo, tasks, spread);
        Instant last = due.values().stream().max(Instant::compareTo).orElseThrow();
        Instant giveUp = last.plusSeconds(60);
        while (arrivals.size() < n && Instant.now().isBefore(giveUp)) {
          Thread.sleep(200);
        }
        report(due, n, spread);
      } finally {
        daemon.close();
        for (int i = 0; i < tasks.size(); i += 500) {
          odoo.unlink("project.task", tasks.subList(i, Math.min(tasks.size(), i + 500)));
        }
      }
    } finally {
      endpoint.stop(0);
    }
  }

  private static String rules(int endpointPort) {
    return """
        rules:
          - name: bench timed lateness
            model: project.task
            trigger: on_time
            trg_date_id: date_deadline
            trg_date_range: %d
            trg_date_range_type: minutes
            filter_domain: "[('name', '=like', 'bench timed %%')]"
            actions:
              - state: webhook
                webhook_url: http://127.0.0.1:%d/due
                webhook_field_ids: [name]
        """
        .formatted(RANGE_MINUTES, endpointPort);
  }

  /** The local endpoint: the first arrival of each record, by its id. */
  private HttpServer endpoint() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/due",
        exchange -> {
          Instant at = Instant.now();
          try (InputStream body = exchange.getRequestBody()) {
            long id = JSON.readTree(body.readAllBytes()).path("_id").asLong();
            arrivals.putIfAbsent(id, at);
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
    return server;
  }

  /** N tasks without a deadline, in the first project. */
  private static List<Long> create(OdooClient odoo, int n) {
    long project = odoo.search("project.project", List.of(), new SearchOptions(0, 1, "id")).get(0);
    List<Long> ids = new ArrayList<>();
    for (int start = 0; start < n; start += 200) {
      List<Map<String, Object>> values = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + 200); i++) {
        values.add(Map.of("name", "bench timed " + i, "project_id", project));
      }
      ids.addAll(odoo.createMany("project.task", values));
    }
    return ids;
  }

  /**
   * Due times spread evenly over {@code spread} seconds from {@link #LEAD_SECONDS} from now, one
   * write of the deadlines (due time less the rule's range) per second; returns each task's due
   * time.
   */
  private static Map<Long, Instant> schedule(OdooClient odoo, List<Long> tasks, int spread) {
    Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(LEAD_SECONDS);
    Map<Instant, List<Long>> bySecond = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Instant at = base.plusSeconds((long) i * spread / tasks.size());
      bySecond.computeIfAbsent(at, k -> new ArrayList<>()).add(tasks.get(i));
    }
    Map<Long, Instant> due = new HashMap<>();
    bySecond.forEach(
        (at, ids) -> {
          odoo.write(
              "project.task",
              ids,
              Map.of(
                  "date_deadline",
                  ODOO.format(
                      LocalDateTime.ofInstant(
                          at.minusSeconds(RANGE_MINUTES * 60), ZoneOffset.UTC))));
          ids.forEach(id -> due.put(id, at));
        });
    Instant written = Instant.now();
    if (written.isAfter(base)) {
      System.out.printf(
          "# the deadlines took %d s to write: the first were due before they were written%n",
          Duration.between(base, written).toSeconds());
    }
    return due;
  }

  private void report(Map<Long, Instant> due, int n, int spread) {
    double[] late =
        due.entrySet().stream()
            .filter(e -> arrivals.containsKey(e.getKey()))
            .mapToDouble(e -> Duration.between(e.getValue(), arrivals.get(e.getKey())).toMillis())
            .sorted()
            .toArray();
    System.out.printf(
        "timed-lateness: %d due times over %d s, on_time project.task date_deadline %+d minutes,"
            + " webhook to a local endpoint; lateness = arrival - due%n",
        n, spread, RANGE_MINUTES);
    System.out.printf("%-28s %9s %9s %9s %9s %8s%n", "", "p50", "p90", "p99", "max", "missing");
    if (late.length > 0) {
      System.out.printf(
          "%-28s %7.0fms %7.0fms %7.0fms %7.0fms %8d%n",
          "sidecar",
          EndToEndBench.percentile(late, 50),
          EndToEndBench.percentile(late, 90),
          EndToEndBench.percentile(late, 99),
          late[late.length - 1],
          n - late.length);
      long early = Arrays.stream(late).filter(ms -> ms < 0).count();
      if (early > 0) {
        System.out.printf("# %d fired before their due time%n", early);
      }
    } else {
      System.out.printf("%-28s %9s %9s %9s %9s %8d%n", "sidecar", "-", "-", "-", "-", n);
    }
    System.out.printf(
        "%-28s up to 60 s + the check's run: base.automation's cron every"
            + " _get_cron_interval() = 1 min for this rule (range %+d minutes; 1 min to 4 h, 4 h"
            + " for a range of 0)%n",
        "Odoo 18 (stated)", RANGE_MINUTES);
  }
}
