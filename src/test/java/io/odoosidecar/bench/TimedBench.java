package io.odoosidecar.bench;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.schedule.DueIndex;
import io.odoosidecar.schedule.Quartz;
import io.odoosidecar.schedule.TimedIndex;
import io.odoosidecar.schedule.TimedTrigger;
import io.odoosidecar.store.EventLog;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * The timed rules' figures ({@code scripts/bench timed [memory|live] [N] [CHANGES]}): N crm.lead
 * records (default 100,000), their closing date spread over the next 30 days, under three timed
 * rules: one hour before the closing date ({@code on_time}), three days after creation ({@code
 * on_time_created}) and a month after the last update on the bench's records ({@code
 * on_time_updated} with a filter domain), so 3N due times.
 *
 * <ul>
 *   <li>memory: the JVM's heap after GC with the Odoo double filled and the index empty, then with
 *       the index filled, next to the H2 file's size and the scheduler's jobs and triggers (one
 *       each, whatever N);
 *   <li>the build of the index ({@code reconcile(true)}: first on an empty index, then again as at
 *       a restart), records per second and the share spent waiting on Odoo;
 *   <li>the cost of rescheduling one changed record ({@code learn}, the Odoo read included) over
 *       CHANGES changes (default 10,000) after a warm-up, next to one {@code DueIndex.put} of one
 *       row: p50, p99, mean.
 * </ul>
 *
 * <p>memory runs on the Odoo double; live on ODOO_URL and the other ODOO_* settings, where the
 * records named "sidecar timed bench N" are created when missing (batches of 1000, for at most
 * {@code -Dbench.createSeconds}, 300 by default) and reused afterwards.
 */
public final class TimedBench {
  static final String MODEL = "crm.lead";
  static final String PREFIX = "sidecar timed bench ";
  static final DateTimeFormatter ODOO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  static final int WARMUP = Integer.getInteger("bench.warmup", 2000);

  public static void main(String[] args) throws Exception {
    String target = args.length > 0 ? args[0] : "memory";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int changes = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    Clock clock = Clock.systemUTC();
    OdooClient odoo;
    String database;
    MemoryOdoo memory = null;
    if (target.equals("memory")) {
      memory = leads(n, clock.instant());
      odoo = memory;
      database = "memory";
    } else if (target.equals("live")) {
      odoo = OdooClients.create(LiveOdoo.settings());
      database = odoo.database();
      n = ensureLeads(odoo, n, clock.instant());
    } else {
      throw new IllegalArgumentException("targets: memory | live");
    }
    System.out.printf("# %s, %s: %d %s records, 3 timed rules%n", Instant.now(), target, n, MODEL);
    run(odoo, database, memory, n, changes, clock);
    System.exit(0);
  }

  /** The three rules: before a date, after creation, after the last update with a filter. */
  static List<Rule> rules() {
    return List.of(
        rule(
            "Before closing",
            Trigger.ON_TIME,
            null,
            Map.of(
                "trg_date_id",
                "date_closed",
                "trg_date_range",
                -1L,
                "trg_date_range_type",
                "hour")),
        rule(
            "After creation",
            Trigger.ON_TIME_CREATED,
            null,
            Map.of("trg_date_range", 3L, "trg_date_range_type", "day")),
        rule(
            "Untouched for a month",
            Trigger.ON_TIME_UPDATED,
            "[('name', '=like', '" + PREFIX + "%')]",
            Map.of("trg_date_range", 1L, "trg_date_range_type", "month")));
  }

  private static Rule rule(String name, Trigger trigger, String filter, Map<String, Object> p) {
    return new Rule(
        name,
        MODEL,
        true,
        trigger,
        List.of(),
        null,
        filter,
        p,
        List.of(Map.of("state", "object_write", "update_path", "priority", "value", "3")));
  }

  static void run(
      OdooClient odoo, String database, MemoryOdoo memory, int n, int changes, Clock clock)
      throws Exception {
    Path dir = Files.createTempDirectory("sidecar-timed-bench");
    EventLog log = EventLog.embedded(dir);
    DueIndex index = DueIndex.open(log.connectionSource(), clock);
    MeteredOdoo metered = new MeteredOdoo(odoo, method -> {});
    List<Rule> rules = rules();
    TimedIndex timed =
        new TimedIndex(
            index,
            log,
            List.of(database),
            db -> metered,
            () -> rules,
            (db, c, d, u) -> u,
            clock,
            () -> {});
    try (Quartz quartz = Quartz.memory("timed-bench", 1)) {
      TimedTrigger.install(quartz, timed); // armed, not started: it holds the trigger, fires none
      double before = heapMb();

      long wallNs = -System.nanoTime();
      long odooNs = -metered.nanos.get();
      timed.reconcile(true);
      wallNs += System.nanoTime();
      odooNs += metered.nanos.get();
      long rows = rules.stream().mapToLong(r -> index.summary(database, r.name()).count()).sum();
      double after = heapMb();
      System.out.printf(
          "build (empty index): %d due rows from %d records in %.2f s: %.0f records/s, %.0f"
              + " rows/s; waiting on Odoo %.2f s, the sidecar %.2f s%n",
          rows,
          n,
          wallNs / 1e9,
          n / (wallNs / 1e9),
          rows / (wallNs / 1e9),
          odooNs / 1e9,
          (wallNs - odooNs) / 1e9);
      System.out.printf(
          "memory: heap after GC %.1f MB before, %.1f MB with %d due rows: +%.1f MB (%.0f bytes"
              + " per row); H2 file %.1f MB; scheduler: %d job, %d trigger%n",
          before,
          after,
          rows,
          after - before,
          (after - before) * 1024 * 1024 / rows,
          h2Mb(dir),
          quartz.scheduler().getJobKeys(GroupMatcher.anyJobGroup()).size(),
          quartz.scheduler().getTriggerKeys(GroupMatcher.anyTriggerGroup()).size());

      wallNs = -System.nanoTime();
      odooNs = -metered.nanos.get();
      timed.reconcile(true);
      wallNs += System.nanoTime();
      odooNs += metered.nanos.get();
      System.out.printf(
          "build again (as at a restart, %d rows replaced): %.2f s: %.0f records/s; waiting on"
              + " Odoo %.2f s, the sidecar %.2f s%n",
          rows, wallNs / 1e9, n / (wallNs / 1e9), odooNs / 1e9, (wallNs - odooNs) / 1e9);

      List<Long> ids = odoo.search(MODEL, List.of(List.of("name", "=like", PREFIX + "%")));
      learn(timed, metered, memory, database, ids, changes, clock);
      put(index, database, ids, changes, clock);
      System.out.printf("H2 file after the run: %.1f MB%n", h2Mb(dir));
    }
    log.close();
    try (var c = log.connectionSource().open();
        var s = c.createStatement()) {
      s.execute("SHUTDOWN COMPACT"); // the index's own connection stays open: close them all
    }
    System.out.printf("H2 file after SHUTDOWN COMPACT: %.1f MB%n", h2Mb(dir));
  }

  /** learn() of one changed record at a time: its date moved (on the double), then learned. */
  static void learn(
      TimedIndex timed,
      MeteredOdoo metered,
      MemoryOdoo memory,
      String database,
      List<Long> ids,
      int changes,
      Clock clock) {
    Random random = new Random(11);
    int warmup = Math.min(WARMUP, changes);
    long[] ns = new long[changes];
    long odooNs = 0;
    for (int i = -warmup; i < changes; i++) {
      long id = ids.get(random.nextInt(ids.size()));
      if (memory != null) {
        Map<String, Object> lead = memory.records(MODEL).get(id);
        lead.put(
            "date_closed", odooTime(clock.instant().plusSeconds(7200 + random.nextInt(86400))));
        lead.put("write_date", odooTime(clock.instant()));
      }
      long waited = metered.nanos.get();
      long start = System.nanoTime();
      timed.learn(database, MODEL, List.of(id), List.of());
      long took = System.nanoTime() - start;
      if (i >= 0) {
        ns[i] = took;
        odooNs += metered.nanos.get() - waited;
      }
    }
    System.out.printf(
        "learn one changed record (3 rules: 3 reads, their due times written): %s; of which waiting on"
            + " Odoo %.1f us per change%n",
        stats(ns), odooNs / 1e3 / changes);
  }

  /** DueIndex.put of one row, alone: the index's share of a change, per rule. */
  static void put(DueIndex index, String database, List<Long> ids, int changes, Clock clock) {
    Random random = new Random(13);
    int warmup = Math.min(WARMUP, changes);
    long[] ns = new long[changes];
    for (int i = -warmup; i < changes; i++) {
      long id = ids.get(random.nextInt(ids.size()));
      DueIndex.Due due =
          new DueIndex.Due(
              database,
              "Before closing",
              id,
              clock.instant().plusSeconds(3600 + random.nextInt(30 * 86400)));
      long start = System.nanoTime();
      index.put(List.of(due));
      if (i >= 0) {
        ns[i] = System.nanoTime() - start;
      }
    }
    System.out.printf("DueIndex.put of one row: %s%n", stats(ns));
  }

  static String stats(long[] ns) {
    long[] sorted = ns.clone();
    Arrays.sort(sorted);
    return String.format(
        "%d samples, p50 %.1f us, p99 %.1f us, mean %.1f us",
        sorted.length,
        sorted[sorted.length / 2] / 1e3,
        sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.99))] / 1e3,
        Arrays.stream(sorted).average().orElse(0) / 1e3);
  }

  /** The heap in use after full collections, settled. */
  static double heapMb() throws InterruptedException {
    var bean = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, bean.getHeapMemoryUsage().getUsed());
    }
    return used / 1024.0 / 1024.0;
  }

  static double h2Mb(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
              .filter(p -> p.toString().endsWith(".db"))
              .mapToLong(p -> p.toFile().length())
              .sum()
          / 1024.0
          / 1024.0;
    }
  }

  static String odooTime(Instant at) {
    return LocalDateTime.ofInstant(at, ZoneOffset.UTC).format(ODOO);
  }

  /** The double with n leads: closing within 30 days, created and updated in the last two days. */
  static MemoryOdoo leads(int n, Instant now) {
    MemoryOdoo odoo = MemoryOdoo.empty();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("name", "char");
    fields.put("date_closed", "datetime");
    fields.put("priority", "selection");
    fields.put("active", "boolean");
    fields.put("create_date", "datetime");
    fields.put("write_date", "datetime");
    odoo.define(MODEL, fields);
    Random random = new Random(7);
    for (long id = 1; id <= n; id++) {
      Instant created = now.minusSeconds(random.nextInt(2 * 86400));
      Map<String, Object> lead = new LinkedHashMap<>();
      lead.put("name", PREFIX + id);
      lead.put("date_closed", odooTime(closing(now, random)));
      lead.put("priority", String.valueOf(id % 4));
      lead.put("active", true);
      lead.put("create_date", odooTime(created));
      lead.put("write_date", odooTime(created.plusSeconds(random.nextInt(3600))));
      odoo.put(MODEL, id, lead);
    }
    return odoo;
  }

  private static Instant closing(Instant now, Random random) {
    return now.plusSeconds(3600 + random.nextInt(30 * 86400 - 3600));
  }

  /** The live Odoo's bench leads, created when missing within the time allowed; their count. */
  static int ensureLeads(OdooClient odoo, int n, Instant now) {
    List<Object> bench = List.of(List.of("name", "=like", PREFIX + "%"));
    int have = (int) odoo.searchCount(MODEL, bench);
    if (have >= n) {
      return have;
    }
    Duration allowed = Duration.ofSeconds(Integer.getInteger("bench.createSeconds", 300));
    OdooClient quiet =
        odoo.withContext(
            Map.of(
                "tracking_disable", true,
                "mail_create_nolog", true,
                "mail_create_nosubscribe", true,
                "mail_notrack", true));
    Random random = new Random(have);
    long start = System.nanoTime();
    int made = have;
    System.err.printf("# creating up to %d %s records%n", n - have, MODEL);
    while (made < n && System.nanoTime() - start < allowed.toNanos()) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int i = made; i < Math.min(n, made + 1000); i++) {
        batch.add(
            Map.of(
                "name", PREFIX + i,
                "date_closed", odooTime(closing(now, random)),
                "priority", String.valueOf(i % 4)));
      }
      quiet.createMany(MODEL, batch);
      made += batch.size();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.err.printf(
        "# created %d records in %.0f s (%.0f/s)%s%n",
        made - have,
        seconds,
        (made - have) / seconds,
        made < n ? ", stopped at the time allowed" : "");
    return made;
  }
}
