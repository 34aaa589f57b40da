package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two sidecars on one PostgreSQL with the same timed rule: each due record fires once. */
class TimedClusterTest {
  static final String DB = "memory";

  @Test
  void twoInstancesSweepingTogetherStoreEachFiringOnce() throws Exception {
    String url = TestDatabases.freshPostgres("timed_cluster");
    TestClock clock = new TestClock(TimedIndexTest.T0);
    MemoryOdoo odoo = MemoryOdoo.empty();
    odoo.define(
        "x.task",
        Map.of(
            "deadline", "datetime",
            "priority", "char",
            "active", "boolean",
            "write_date", "datetime"));
    for (long id = 1; id <= 300; id++) {
      odoo.put(
          "x.task",
          id,
          Map.of(
              "deadline",
              "2026-12-01 09:" + String.format("%02d", id % 60) + ":00",
              "priority",
              "3",
              "active",
              true,
              "write_date",
              "2026-12-01 07:00:00"));
    }
    List<Rule> rules = List.of(TimedIndexTest.hourBefore(Map.of()));
    List<EventLog> logs = new ArrayList<>();
    List<TimedIndex> instances = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      EventLog log = EventLog.open(url, "postgres", "");
      logs.add(log);
      instances.add(
          new TimedIndex(
              DueIndex.open(log.connectionSource(), clock),
              log,
              List.of(DB),
              db -> odoo,
              () -> rules,
              (db, id, days, utc) -> null,
              clock,
              () -> {}));
    }
    try {
      instances.get(0).reconcile(true);
      instances.get(1).reconcile(true); // both start: the second reads the same records again
      clock.advance(Duration.ofHours(2));

      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      List<Future<Integer>> sweeps = new ArrayList<>();
      for (TimedIndex instance : instances) {
        sweeps.add(
            pool.submit(
                () -> {
                  go.await();
                  return instance.sweep();
                }));
      }
      go.countDown();
      int stored = 0;
      for (Future<Integer> sweep : sweeps) {
        stored += sweep.get();
      }
      pool.shutdown();

      assertThat(stored).as("firings stored by the two instances together").isEqualTo(300);
      List<EventLog.Event> events =
          EventLog.open(url, "postgres", "").claim(10_000, clock.instant());
      assertThat(events).hasSize(300);
      assertThat(events.stream().map(EventLog.Event::recordId).distinct()).hasSize(300);
    } finally {
      logs.forEach(EventLog::close);
    }
  }

  /** A job that counts its runs. */
  static final class Counted implements org.quartz.Job {
    private final AtomicInteger runs;

    Counted(AtomicInteger runs) {
      this.runs = runs;
    }

    @Override
    public void execute(org.quartz.JobExecutionContext context) {
      runs.incrementAndGet();
    }
  }

  @Test
  void aTriggerOfTheClusterFiresOnOneInstance() throws Exception {
    Quartz.Store store =
        new Quartz.Store(TestDatabases.freshPostgres("quartz_cluster"), "postgres", "");
    AtomicInteger runs = new AtomicInteger();
    try (Quartz one = Quartz.jdbc("cluster", "one", store, 2, Clock.systemUTC());
        Quartz two = Quartz.jdbc("cluster", "two", store, 2, Clock.systemUTC())) {
      for (Quartz q : List.of(one, two)) {
        q.jobs(Counted.class, () -> new Counted(runs));
      }
      one.start();
      two.start();
      for (int i = 0; i < 20; i++) {
        one.scheduler()
            .scheduleJob(
                org.quartz.JobBuilder.newJob(Counted.class).withIdentity("job" + i).build(),
                org.quartz.TriggerBuilder.newTrigger()
                    .startAt(java.util.Date.from(Instant.now().plusMillis(200)))
                    .build());
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 20);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  one.scheduler().getTriggerGroupNames().isEmpty()
                      || one.scheduler()
                          .getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.anyTriggerGroup())
                          .isEmpty());
      assertThat(runs.get()).as("each of the 20 triggers ran once in the cluster").isEqualTo(20);
    }
  }
}
