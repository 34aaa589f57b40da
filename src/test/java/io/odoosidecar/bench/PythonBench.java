package io.odoosidecar.bench;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.script.PythonEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Code-action figures ({@code scripts/bench python memory|live N}): the commission example over N
 * {@code sale.order} records (RPC calls by method, wall time), and the per-execution overhead of a
 * trivial code action after warm-up.
 */
public final class PythonBench {
  /** The example, with project.task standing in for hr.expense (not installed here). */
  static final String COMMISSION =
      """
      for rec in records:
          if rec.amount_total > 5000:
              commission = rec.amount_total * 0.05
              env['project.task'].create({
                  'name': f'Commission: {rec.name} ({rec.user_id.login or "nobody"})',
              })
              log(f"Created commission {commission} for {rec.name}")
      """;

  public static void main(String[] args) throws Exception {
    String target = args.length > 0 ? args[0] : "memory";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    OdooClient odoo;
    List<Long> ids = new ArrayList<>();
    if (target.equals("memory")) {
      MemoryOdoo memory =
          MemoryOdoo.fromFixtures(
              Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18"));
      Map<Long, Map<String, Object>> orders = memory.records("sale.order");
      List<Map<String, Object>> recorded = new ArrayList<>(orders.values());
      for (long id = 1_000_000; ids.size() < n; id++) {
        Map<String, Object> order = new LinkedHashMap<>(recorded.get((int) (id % recorded.size())));
        order.put("id", id);
        orders.put(id, order);
        ids.add(id);
      }
      odoo = memory;
    } else {
      odoo = OdooClients.create(LiveOdoo.settings());
      ids.addAll(
          odoo.search("sale.order", List.of(), new io.odoosidecar.odoo.SearchOptions(0, n, "id")));
      if (ids.size() < n) {
        long partner =
            odoo.search("res.partner", List.of(List.of("customer_rank", ">", 0))).stream()
                .findFirst()
                .orElseGet(() -> odoo.create("res.partner", Map.of("name", "bench customer")));
        long product =
            odoo.search("product.product", List.of(List.of("sale_ok", "=", true))).get(0);
        System.err.printf("# creating %d sale.order records%n", n - ids.size());
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = ids.size(); i < n; i++) {
          batch.add(
              Map.of(
                  "partner_id",
                  partner,
                  "order_line",
                  List.of(
                      List.of(
                          0,
                          0,
                          Map.of(
                              "product_id",
                              product,
                              "product_uom_qty",
                              1 + i % 7,
                              "price_unit",
                              1000.0 * (1 + i % 9))))));
          if (batch.size() == 200 || i == n - 1) {
            ids.addAll(odoo.createMany("sale.order", batch));
            batch.clear();
          }
        }
      }
    }
    try (PythonEngine engine = new PythonEngine(1, 50_000_000, Duration.ofMinutes(5))) {
      long start = System.nanoTime();
      engine.warmUp();
      System.out.printf("first Python context: %.0f ms%n", (System.nanoTime() - start) / 1e6);
      // the commission example: a warm-up run on other records, then the measured one
      MeteredOdoo.BY_METHOD.clear();
      MeteredOdoo warm = new MeteredOdoo(odoo, m -> {});
      engine.run(
          COMMISSION.replace("env['project.task'].create", "(lambda v: v)"),
          warm,
          2,
          "sale.order",
          ids.subList(0, Math.min(50, ids.size())));
      MeteredOdoo.BY_METHOD.clear();
      COUNTS.clear();
      MeteredOdoo metered = new MeteredOdoo(odoo, m -> {});
      start = System.nanoTime();
      PythonEngine.Result result = engine.run(COMMISSION, metered, 2, "sale.order", ids);
      long wall = System.nanoTime() - start;
      StringBuilder byMethod = new StringBuilder();
      MeteredOdoo.BY_METHOD.forEach((method, spent) -> byMethod.append(' ').append(method));
      Map<String, Long> counts = new LinkedHashMap<>();
      System.out.printf(
          "commission example, %s, %d sale.order: %d commissions, %d RPC calls, %.0f ms wall, %.0f ms"
              + " waiting on Odoo; calls by method:%s%n",
          target,
          ids.size(),
          result.logs().size(),
          metered.calls.get(),
          wall / 1e6,
          metered.nanos.get() / 1e6,
          callsByMethod());
      counts.clear();
      // the per-execution overhead of a trivial action
      int rounds = 5_000;
      double[] micros = new double[rounds];
      for (int i = 0; i < 2_000; i++) {
        engine.run("action = 1", odoo, 2, "sale.order", List.of());
      }
      for (int i = 0; i < rounds; i++) {
        long t = System.nanoTime();
        engine.run("action = 1", odoo, 2, "sale.order", List.of());
        micros[i] = (System.nanoTime() - t) / 1e3;
      }
      Arrays.sort(micros);
      System.out.printf(
          "trivial code action after warm-up, %d runs: p50 %.0f µs, p90 %.0f µs, p99 %.0f µs%n",
          rounds, micros[rounds / 2], micros[(int) (rounds * 0.9)], micros[(int) (rounds * 0.99)]);
    }
    System.exit(0);
  }

  static String callsByMethod() {
    StringBuilder out = new StringBuilder();
    COUNTS.forEach((method, n) -> out.append(' ').append(method).append('=').append(n));
    return out.toString();
  }

  static final Map<String, Integer> COUNTS = new java.util.concurrent.ConcurrentHashMap<>();
}
