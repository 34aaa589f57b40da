package io.odoosidecar.harness;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.SearchOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code scripts/bench scale live}: the changes written through the live Odoo ({@code referred} of
 * the "sidecar scale lead N" records, made once and kept, {@code -Dscale.perWrite=100} records a
 * write from 2 threads), the sidecar_bridge addon pushing them to the instances; the rule writes
 * {@code function} back; the effect is seen by counting the records whose {@code function} is set.
 */
final class LiveScale {
  static final String LEAD = "sidecar scale lead ";

  private LiveScale() {}

  static ScaleBench.Round round(int size, int n) throws Exception {
    OdooSettings settings = LiveOdoo.settings();
    try (OdooClient odoo = OdooClients.create(settings);
        EventLogDatabase db = EventLogDatabase.fresh("scale_live_" + size)) {
      List<Long> ids = leads(odoo, n);
      odoo.write("crm.lead", ids, Map.of("function", false));
      Path dir = Files.createTempDirectory("sidecar-scale");
      Path rules = Files.createDirectories(dir.resolve("rules"));
      Files.writeString(
          rules.resolve("scale.yaml"),
          ScaleBench.rule(
              "referred",
              "[('name', '=like', '" + LEAD + "%')]",
              "function",
              "'scale %d' % record.id",
              "scale"));
      InstanceConfig config =
          new InstanceConfig(
              settings.url().toString(),
              settings.database(),
              settings.login(),
              db.url(),
              ScaleBench.pipeline(),
              Map.of());
      try (Cluster cluster =
          new Cluster(
              size,
              dir,
              rules,
              config,
              Map.of(
                  "ODOO_PASSWORD",
                  settings.password().orElseThrow().reveal(),
                  InstanceConfig.SECRET_ENV,
                  "scale-secret"))) {
        cluster.start(Duration.ofMinutes(3));
        AddonWait.registered(odoo, cluster.urls(), "crm.lead", Duration.ofMinutes(2));
        Instant start = Instant.now();
        write(odoo, ids, "scale " + start.getEpochSecond());
        Instant written = Instant.now();
        Instant last = awaitEffects(odoo, ids, start, Duration.ofMinutes(30));
        return new ScaleBench.Round(
            size,
            n,
            Duration.between(start, last).toMillis() / 1000.0,
            Duration.between(start, written).toMillis() / 1000.0,
            -1);
      }
    }
  }

  /** The bench's leads, made when missing. */
  static List<Long> leads(OdooClient odoo, int n) {
    List<Long> ids =
        new ArrayList<>(
            odoo.search(
                "crm.lead",
                List.of(List.of("name", "=like", LEAD + "%")),
                SearchOptions.ALL.withOrder("id")));
    for (int made = ids.size(); made < n; made += 500) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int i = made; i < Math.min(n, made + 500); i++) {
        batch.add(Map.of("name", LEAD + i, "type", "lead"));
      }
      ids.addAll(odoo.createMany("crm.lead", batch));
    }
    return ids.subList(0, n);
  }

  /** The user's change: {@code referred} written on every lead, in writes of several. */
  private static void write(OdooClient odoo, List<Long> ids, String value) throws Exception {
    int per = Integer.getInteger("scale.perWrite", 100);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += per) {
        List<Long> some = ids.subList(from, Math.min(ids.size(), from + per));
        done.add(pool.submit(() -> odoo.write("crm.lead", some, Map.of("referred", value))));
      }
      for (Future<?> one : done) {
        one.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Instant awaitEffects(
      OdooClient odoo, List<Long> ids, Instant start, Duration timeout)
      throws InterruptedException {
    Instant deadline = start.plus(timeout);
    while (true) {
      long seen =
          odoo.searchCount(
              "crm.lead", List.of(List.of("id", "in", ids), List.of("function", "!=", false)));
      if (seen >= ids.size()) {
        return Instant.now();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "only " + seen + " of " + ids.size() + " leads written back within " + timeout);
      }
      Thread.sleep(250);
    }
  }
}
