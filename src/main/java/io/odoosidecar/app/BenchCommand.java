package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.TransportKind;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sidecar bench rpc}: per-call latency of the Odoo client against a live server. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure the sidecar against a live Odoo.",
    subcommands = {BenchCommand.RpcBench.class})
final class BenchCommand {
  @ParentCommand SidecarCommand root;

  /** The fields every measured call reads. */
  static final List<String> FIELDS =
      List.of(
          "name",
          "partner_id",
          "stage_id",
          "user_id",
          "expected_revenue",
          "probability",
          "priority",
          "tag_ids",
          "date_deadline",
          "email_from");

  /** {@code sidecar bench rpc}. */
  @Command(
      name = "rpc",
      mixinStandardHelpOptions = true,
      description = {
        "Per-call latency of `read` of one crm.lead and `search_read` of 200 crm.lead with 10",
        "fields, on each transport the server offers. Needs at least 200 crm.lead records."
      })
  static final class RpcBench implements Callable<Integer> {
    @ParentCommand BenchCommand parent;
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Option(
        names = "--iterations",
        defaultValue = "200",
        description = "Measured calls of each kind.")
    int iterations;

    @Option(names = "--warmup", defaultValue = "100", description = "Unmeasured calls first.")
    int warmup;

    @Option(
        names = "--worker",
        description = {
          "Serve timed blocks on stdin instead (for scripts/bench, which interleaves them with",
          "another client): each line `TRANSPORT read|search_read N` is answered by one line of N",
          "per-call milliseconds."
        })
    boolean worker;

    @Option(
        names = "--transports",
        defaultValue = "xmlrpc,jsonrpc,json2",
        split = ",",
        description = "Transports to measure; json2 only where the server has it and a key is set.")
    List<String> transports;

    @Override
    public Integer call() {
      parent.root.quietLogs();
      OdooSettings base = connection.settings(parent.root.loadConfig());
      PrintWriter out = spec.commandLine().getOut();
      if (worker) {
        return serveBlocks(base, out);
      }
      out.println(header());
      for (String name : transports) {
        TransportKind kind = TransportKind.of(name);
        if (kind == TransportKind.JSON2 && !json2Available(base)) {
          out.println("# json2 skipped: needs Odoo 19+ and an API key");
          continue;
        }
        try (OdooClient odoo = OdooClients.create(base.withTransport(kind))) {
          List<Long> ids =
              odoo.search("crm.lead", List.of(), SearchOptions.limit(200).withOrder("id"));
          if (ids.size() < 200) {
            throw new IllegalStateException(
                "the benchmark needs 200 crm.lead records, found " + ids.size());
          }
          List<Long> one = List.of(ids.get(0));
          out.println(
              row("read 1 crm.lead", kind, measure(() -> odoo.read("crm.lead", one, FIELDS))));
          List<List<Object>> domain = List.of(List.of("id", "in", ids));
          out.println(
              row(
                  "search_read 200 crm.lead",
                  kind,
                  measure(
                      () ->
                          odoo.searchRead("crm.lead", domain, FIELDS, SearchOptions.limit(200)))));
          out.flush();
        }
      }
      return ExitCodes.OK;
    }

    private int serveBlocks(OdooSettings base, PrintWriter out) {
      java.util.Map<TransportKind, OdooClient> clients =
          new java.util.EnumMap<>(TransportKind.class);
      java.io.BufferedReader in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
      try {
        List<Long> ids = null;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          String[] words = line.trim().split("\\s+");
          if (words.length != 3) {
            continue;
          }
          TransportKind kind = TransportKind.of(words[0]);
          OdooClient odoo =
              clients.computeIfAbsent(kind, k -> OdooClients.create(base.withTransport(k)));
          if (ids == null) {
            ids = odoo.search("crm.lead", List.of(), SearchOptions.limit(200).withOrder("id"));
          }
          List<Long> all = ids;
          List<Long> one = List.of(ids.get(0));
          List<List<Object>> domain = List.of(List.of("id", "in", all));
          Runnable call =
              words[1].equals("read")
                  ? () -> odoo.read("crm.lead", one, FIELDS)
                  : () -> odoo.searchRead("crm.lead", domain, FIELDS, SearchOptions.limit(200));
          iterations = Integer.parseInt(words[2]);
          warmup = 0;
          StringBuilder answer = new StringBuilder();
          for (double millis : measure(call)) {
            answer.append(String.format(Locale.ROOT, "%.4f ", millis));
          }
          out.println(answer.toString().trim());
          out.flush();
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        clients.values().forEach(OdooClient::close);
      }
      return ExitCodes.OK;
    }

    private boolean json2Available(OdooSettings base) {
      if (base.apiKey().isEmpty()) {
        return false;
      }
      try (OdooClient probe = OdooClients.create(base.withTransport(TransportKind.XMLRPC))) {
        return probe.version().hasJson2();
      }
    }

    private double[] measure(Runnable call) {
      for (int i = 0; i < warmup; i++) {
        call.run();
      }
      double[] millis = new double[iterations];
      for (int i = 0; i < iterations; i++) {
        long start = System.nanoTime();
        call.run();
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      return millis;
    }
  }

  static String header() {
    return String.format(
        Locale.ROOT,
        "%-26s %-22s %6s %8s %8s %8s %8s",
        "call",
        "client",
        "n",
        "mean_ms",
        "p50_ms",
        "p90_ms",
        "p99_ms");
  }

  static String row(String call, TransportKind kind, double[] millis) {
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).average().orElse(0);
    return String.format(
        Locale.ROOT,
        "%-26s %-22s %6d %8.2f %8.2f %8.2f %8.2f",
        call,
        "java " + kind.configName(),
        sorted.length,
        mean,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99));
  }

  static double percentile(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
