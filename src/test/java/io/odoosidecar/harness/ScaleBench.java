package io.odoosidecar.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/bench scale [N]}: N changes pushed to 1, 2 and 3 sidecar processes on one fresh
 * PostgreSQL event log each time, against the HTTP Odoo double answering every call after 20 ms,
 * with one rule whose {@code object_write} writes each changed record back; events per second from
 * the first push to the last record written, and the ratio to one instance.
 *
 * <p>Options ({@code BENCH_OPTS}): {@code -Dscale.instances=1,2,3}, {@code -Dscale.latency=20}
 * (ms), {@code -Dscale.write=record} (an expression: one write per record, the latency-bound case)
 * or {@code batch} (one value: one write per batch), {@code -Dscale.perPush=100} changes per push,
 * {@code -Dscale.pushers=4} pushes in flight, {@code -Dscale.workers=2} and {@code
 * -Dscale.batch=500} (each instance's pipeline), {@code -Dscale.warmup=1000} changes of other
 * records written back before the count starts (fresh processes compile their hot paths first).
 */
public final class ScaleBench {
  private ScaleBench() {}

  /** One round's figures. */
  record Round(int instances, int events, double seconds, double pushSeconds, long calls) {
    double perSecond() {
      return events / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "memory";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    List<Integer> sizes = new ArrayList<>();
    for (String size : System.getProperty("scale.instances", "1,2,3").split(",")) {
      sizes.add(Integer.parseInt(size.trim()));
    }
    List<Round> rounds = new ArrayList<>();
    for (int size : sizes) {
      Round round = mode.equals("live") ? LiveScale.round(size, n) : memory(size, n);
      rounds.add(round);
      System.err.printf(
          "# %d instance(s): %.0f events/s (%.1f s; pushes stored in %.1f s; %d Odoo calls)%n",
          size, round.perSecond(), round.seconds(), round.pushSeconds(), round.calls());
    }
    print(mode, n, rounds);
    System.exit(0);
  }

  static void print(String mode, int n, List<Round> rounds) {
    System.out.printf(
        "scale %s, %d changes, %s; clustered build: %s%n",
        mode,
        n,
        mode.equals("live")
            ? "live Odoo"
            : "Odoo double at " + Integer.getInteger("scale.latency", 20) + " ms a call",
        InstanceConfig.clustered());
    System.out.printf(
        "%-10s %12s %10s %10s %12s%n", "instances", "events/s", "ratio", "wall s", "Odoo calls");
    double one =
        rounds.stream()
            .filter(r -> r.instances() == 1)
            .mapToDouble(Round::perSecond)
            .findFirst()
            .orElse(Double.NaN);
    for (Round round : rounds) {
      System.out.printf(
          "%-10d %12.0f %9.2fx %10.1f %12d%n",
          round.instances(),
          round.perSecond(),
          round.perSecond() / one,
          round.seconds(),
          round.calls());
    }
  }

  /** The pipeline keys of the bench's instances. */
  static Map<String, String> pipeline() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("workers", System.getProperty("scale.workers", "2"));
    keys.put("batch-size", System.getProperty("scale.batch", "500"));
    return keys;
  }

  /** Whether the rule writes a value per record (an expression) rather than one per batch. */
  static boolean perRecord() {
    return !"batch".equals(System.getProperty("scale.write", "record"));
  }

  /**
   * The rule: on a write of {@code trigger}, write {@code update} back on each record, with the
   * expression {@code perRecord} (one write per record) or the value {@code constant} (one write
   * per batch).
   */
  static String rule(
      String trigger, String domain, String update, String perRecord, String constant) {
    return "rules:\n"
        + "  - name: \"scale: write back\"\n"
        + "    model: crm.lead\n"
        + "    trigger: on_write\n"
        + "    trigger_field_ids: ["
        + trigger
        + "]\n"
        + (domain.isEmpty() ? "" : "    filter_domain: \"" + domain + "\"\n")
        + "    actions:\n"
        + "      - state: object_write\n"
        + "        update_path: "
        + update
        + "\n"
        + (perRecord()
            ? "        evaluation_type: equation\n        value: \"" + perRecord + "\"\n"
            : "        value: \"" + constant + "\"\n");
  }

  static Round memory(int size, int n) throws Exception {
    Path dir = Files.createTempDirectory("sidecar-scale");
    Duration latency = Duration.ofMillis(Integer.getInteger("scale.latency", 20));
    int warmup = Integer.getInteger("scale.warmup", 1000);
    try (HttpOdoo odoo = new HttpOdoo("odoo", "admin", n + warmup, latency, 0).start();
        EventLogDatabase db = EventLogDatabase.fresh("scale_" + size)) {
      Path rules = Files.createDirectories(dir.resolve("rules"));
      Files.writeString(
          rules.resolve("scale.yaml"), rule("description", "", "x_seen", "record.id", "7"));
      InstanceConfig config =
          new InstanceConfig(odoo.url(), "odoo", "admin", db.url(), pipeline(), Map.of());
      try (Cluster cluster =
          new Cluster(
              size,
              dir,
              rules,
              config,
              Map.of("ODOO_PASSWORD", "admin", InstanceConfig.SECRET_ENV, "scale-secret"))) {
        cluster.start(Duration.ofSeconds(120));
        Pusher pusher = new Pusher(cluster::urls, "odoo", "scale-secret", Duration.ofMinutes(5));
        // fresh processes compile their hot paths first: changes of other records, not counted
        Changes changes = new Changes(odoo, pusher, 1);
        List<Long> warm = ids(HttpOdoo.FIRST_ID + n, warmup);
        changes.changeAndPush(warm, "warm ", perPush(), pushers());
        awaitWritten(odoo, warm, Instant.now(), Duration.ofMinutes(10));
        List<Long> ids = ids(HttpOdoo.FIRST_ID, n);
        long callsBefore = total(odoo.calls());
        Instant start = Instant.now();
        changes.changeAndPush(ids, "scale ", perPush(), pushers());
        Instant pushed = Instant.now();
        Instant last = awaitWritten(odoo, ids, start, Duration.ofMinutes(30));
        System.err.println("# " + size + " instance(s): " + progress(odoo, ids, start));
        return new Round(
            size,
            n,
            Duration.between(start, last).toMillis() / 1000.0,
            Duration.between(start, pushed).toMillis() / 1000.0,
            total(odoo.calls()) - callsBefore);
      }
    }
  }

  /** When {@code ids} were first written, from {@code start}: some percentiles. */
  static String progress(HttpOdoo odoo, List<Long> ids, Instant start) {
    List<Long> firsts = new ArrayList<>();
    firstWrites(odoo, ids).forEach(at -> firsts.add(Duration.between(start, at).toMillis()));
    java.util.Collections.sort(firsts);
    StringBuilder out = new StringBuilder("records first written by");
    for (int percent : new int[] {10, 25, 50, 75, 90, 99, 100}) {
      long at = firsts.get(Math.max(0, firsts.size() * percent / 100 - 1));
      out.append(String.format(" %d%%: %.1f s", percent, at / 1000.0));
    }
    return out.toString();
  }

  static long total(Map<String, Long> calls) {
    return calls.values().stream().mapToLong(Long::longValue).sum();
  }

  static List<Long> ids(long first, int count) {
    List<Long> ids = new ArrayList<>();
    for (long id = first; id < first + count; id++) {
      ids.add(id);
    }
    return ids;
  }

  static int perPush() {
    return Integer.getInteger("scale.perPush", 100);
  }

  static int pushers() {
    return Integer.getInteger("scale.pushers", 4);
  }

  /** The first write of each of {@code ids}, once all were written back. */
  static List<Instant> firstWrites(HttpOdoo odoo, List<Long> ids) {
    Map<Long, List<Instant>> writes = odoo.effects().writes(HttpOdoo.MODEL);
    List<Instant> firsts = new ArrayList<>();
    for (Long id : ids) {
      List<Instant> times = writes.get(id);
      if (times == null || times.isEmpty()) {
        return List.of();
      }
      firsts.add(times.get(0));
    }
    return firsts;
  }

  /** Waits until every one of {@code ids} was written back; the time of the last first write. */
  static Instant awaitWritten(HttpOdoo odoo, List<Long> ids, Instant start, Duration timeout) {
    Instant deadline = start.plus(timeout);
    List<Instant> firsts;
    while ((firsts = firstWrites(odoo, ids)).isEmpty()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "only "
                + odoo.effects().recordsWritten(HttpOdoo.MODEL)
                + " records written (of "
                + ids.size()
                + " awaited) within "
                + timeout);
      }
      SidecarProcess.sleep(Duration.ofMillis(50));
    }
    return firsts.stream().max(Instant::compareTo).orElseThrow();
  }
}
