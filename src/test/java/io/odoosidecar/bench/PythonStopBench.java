package io.odoosidecar.bench;

import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.script.PythonEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How soon the time-out stops code inside one long built-in call ({@code scripts/bench python stop
 * [ROUNDS]}): for each bomb of the hostile corpus, the time from the call to the caller's failure
 * and to the end of the bomb's thread, over ROUNDS rounds in one JVM (the first on a fresh heap),
 * with a 400 ms time-out.
 */
public final class PythonStopBench {
  static final Duration TIMEOUT = Duration.ofMillis(400);
  static final List<String> BOMBS =
      List.of(
          "max(range(10**15))",
          "x = 9**9**9",
          "x = sum(range(10**12))",
          "x = sorted(range(10**9))",
          "x = len('a' * 10**10)",
          "x = min(range(10**15), key=abs)");

  private PythonStopBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    MemoryOdoo odoo =
        MemoryOdoo.fromFixtures(
            Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18"));
    List<Long> one = List.of(odoo.records("crm.lead").keySet().iterator().next());
    System.out.printf(
        "time-out %d ms, max heap %d MB, %d rounds; ms: caller failed (first round, p50, max) |"
            + " thread ended (first, p50, max) | outcome%n",
        TIMEOUT.toMillis(), Runtime.getRuntime().maxMemory() >> 20, rounds);
    try (PythonEngine engine = new PythonEngine(1, Long.MAX_VALUE / 2, TIMEOUT)) {
      engine.warmUp();
      for (String bomb : BOMBS) {
        double[] failed = new double[rounds];
        double[] ended = new double[rounds];
        String outcome = "";
        for (int r = 0; r < rounds; r++) {
          engine.run("action = 'ready'", odoo, 2, "crm.lead", one);
          Thread runner = runners().get(0);
          long start = System.nanoTime();
          outcome = outcome(engine, bomb, odoo, one);
          failed[r] = (System.nanoTime() - start) / 1e6;
          if (outcome.startsWith("time-out")) {
            runner.join(60_000);
          }
          // refused code leaves its thread idle, alive
          ended[r] = runner.isAlive() ? Double.NaN : (System.nanoTime() - start) / 1e6;
        }
        System.out.printf(
            "%-34s %6s %6s %6s | %6s %6s %6s | %s%n",
            bomb,
            ms(failed[0]),
            ms(median(failed)),
            ms(max(failed)),
            ms(ended[0]),
            ms(median(ended)),
            ms(max(ended)),
            outcome);
      }
    }
    System.exit(0);
  }

  static String outcome(PythonEngine engine, String bomb, MemoryOdoo odoo, List<Long> ids) {
    try {
      engine.run(bomb, odoo, 2, "crm.lead", ids);
      return "ran to its end";
    } catch (PythonEngine.ScriptException e) {
      return e.timedOut()
          ? "time-out"
          : "refused: " + e.getMessage().lines().findFirst().orElse("");
    }
  }

  /** The threads of the engine's Python contexts. */
  static List<Thread> runners() {
    List<Thread> found = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().matches("python-\\d+")) {
        found.add(t);
      }
    }
    return found;
  }

  /** Milliseconds, or "-" where the thread did not end (refused code leaves it idle). */
  static String ms(double value) {
    return Double.isNaN(value) ? "-" : String.format("%.0f", value);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
