package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * The runner on a RAM-store Quartz: jobs reconciled with the schedules, first fires, catch-up after
 * downtime (a clock days behind Quartz's makes the first fires missed ones), no overlapping runs,
 * progress reruns, failures recorded.
 */
class SchedulesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final Quartz quartz = Quartz.memory("schedules-" + System.nanoTime(), 3);
  private final ScheduleRuns runs =
      ScheduleRuns.open(
          () ->
              DriverManager.getConnection(
                  "jdbc:h2:mem:runs" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"),
          Clock.systemUTC());

  @AfterEach
  void close() {
    quartz.close();
    runs.close();
  }

  private static Schedule every(String name, int days, Schedule.CatchUp catchUp) {
    return schedule(name, new Schedule.Every(days, Schedule.Unit.DAYS), null, catchUp, Map.of());
  }

  private static Schedule schedule(
      String name,
      Schedule.Every every,
      String cron,
      Schedule.CatchUp catchUp,
      Map<String, Object> parameters) {
    return new Schedule(
        name,
        null,
        null,
        every,
        cron,
        ZoneOffset.UTC,
        null,
        List.of(Map.of("state", "code", "code", "x = 1")),
        catchUp,
        true,
        "test.yaml",
        parameters);
  }

  /** A clock three days behind, an hour on: daily fires at -2d+1h and -1d+1h are missed. */
  private static Clock behind() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return Clock.fixed(now.minus(Duration.ofDays(3)).plus(Duration.ofHours(1)), ZoneOffset.UTC);
  }

  @Test
  void catchUpAll_firesEveryMissedRunInOrder() {
    Clock clock = behind();
    List<Instant> fired = new CopyOnWriteArrayList<>();
    Schedules schedules = new Schedules(quartz, (s, at, p) -> fired.add(at), runs, clock);

    schedules.apply(List.of(every("all", 1, Schedule.CatchUp.ALL)));
    quartz.start();

    Instant start = clock.instant().plus(Duration.ofDays(1));
    await().atMost(WAIT).until(() -> fired.size() >= 2);
    await().atMost(WAIT).until(() -> !schedules.status().get(0).running());
    assertThat(fired).containsExactly(start, start.plus(Duration.ofDays(1)));
    assertThat(schedules.status().get(0).nextFire()).isEqualTo(start.plus(Duration.ofDays(2)));
    assertThat(schedules.status().get(0).lastResult()).isEqualTo("ok");
  }

  @Test
  void catchUpOnce_firesOnceAndProceedsToTheNextDueTime() {
    Clock clock = behind();
    List<Instant> fired = new CopyOnWriteArrayList<>();
    CountDownLatch ran = new CountDownLatch(1);
    Schedules schedules =
        new Schedules(
            quartz,
            (s, at, p) -> {
              fired.add(at);
              ran.countDown();
            },
            runs,
            clock);

    schedules.apply(List.of(every("once", 1, Schedule.CatchUp.ONCE)));
    quartz.start();

    await().atMost(WAIT).until(() -> ran.getCount() == 0);
    // the next fire is already set when the job runs: an hour away, so no second run can come
    Instant next = clock.instant().plus(Duration.ofDays(3));
    assertThat(schedules.status().get(0).nextFire()).isEqualTo(next);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0)).isAfter(clock.instant().plus(Duration.ofDays(2)));
  }

  @Test
  void aRunStillGoing_blocksTheNextFiring() throws Exception {
    Clock clock = behind();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger count = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Schedules schedules =
        new Schedules(
            quartz,
            (s, at, p) -> {
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              entered.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              inside.decrementAndGet();
              count.incrementAndGet();
            },
            runs,
            clock);
    schedules.apply(List.of(every("slow", 1, Schedule.CatchUp.ALL)));
    quartz.start();

    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    // the second missed run is due already; the store holds it back while the first runs
    TriggerKey trigger =
        new TriggerKey(Schedules.key(every("slow", 1, Schedule.CatchUp.ALL)), Schedules.GROUP);
    assertThat(quartz.scheduler().getTriggerState(trigger)).isEqualTo(Trigger.TriggerState.BLOCKED);
    assertThat(schedules.status().get(0).running()).isTrue();
    release.countDown();

    await().atMost(WAIT).until(() -> count.get() == 2);
    assertThat(most.get()).isEqualTo(1);
  }

  @Test
  void apply_addsReplacesChangedRemovesGoneAndInactive_keepsUnchanged() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2030-01-10T08:00:00Z"), ZoneOffset.UTC);
    Schedules schedules = new Schedules(quartz, (s, at, p) -> {}, runs, clock);
    Schedule a = every("a", 1, Schedule.CatchUp.ONCE);
    Schedule b = every("b", 1, Schedule.CatchUp.ONCE);
    schedules.apply(List.of(a, b));
    assertThat(jobs()).containsExactlyInAnyOrder("/a", "/b");
    Trigger before = quartz.scheduler().getTriggersOfJob(new JobKey("/b", Schedules.GROUP)).get(0);

    Schedule a2 = every("a", 2, Schedule.CatchUp.ONCE);
    Schedule c = every("c", 1, Schedule.CatchUp.ONCE);
    Schedule off =
        new Schedule(
            "off",
            null,
            null,
            b.every(),
            null,
            ZoneOffset.UTC,
            null,
            b.actions(),
            Schedule.CatchUp.ONCE,
            false,
            "test.yaml",
            Map.of());
    Clock later = Clock.offset(clock, Duration.ofHours(5));
    Schedules again = new Schedules(quartz, (s, at, p) -> {}, runs, later);
    again.apply(List.of(a2, b, c, off));

    assertThat(jobs()).containsExactlyInAnyOrder("/a", "/b", "/c");
    // a changed: its new interval counts from the later now; b unchanged keeps its trigger
    assertThat(nextFire(again, "a")).isEqualTo(later.instant().plus(Duration.ofDays(2)));
    assertThat(nextFire(again, "b")).isEqualTo(before.getNextFireTime().toInstant());
    assertThat(nextFire(again, "b")).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
    assertThat(nextFire(again, "off")).isNull();

    again.apply(List.of(c));
    assertThat(jobs()).containsExactly("/c");
  }

  @Test
  void firstFire_nextcallNotSpent_elseOneIntervalOrTheNextCronTime() {
    Clock clock = Clock.fixed(Instant.parse("2030-03-30T09:00:00Z"), ZoneOffset.UTC);
    Schedules schedules = new Schedules(quartz, (s, at, p) -> {}, runs, clock);
    Instant nextcall = Instant.parse("2030-04-02T03:04:05Z");
    ZoneId brussels = ZoneId.of("Europe/Brussels");
    Schedule imported =
        schedule(
            "imported",
            new Schedule.Every(1, Schedule.Unit.HOURS),
            null,
            Schedule.CatchUp.ONCE,
            Map.of("nextcall", nextcall.toString()));
    Schedule stale =
        schedule(
            "stale",
            new Schedule.Every(1, Schedule.Unit.HOURS),
            null,
            Schedule.CatchUp.ONCE,
            Map.of("nextcall", "2020-01-01T00:00:00Z"));
    Schedule spent =
        schedule(
            "spent",
            new Schedule.Every(1, Schedule.Unit.HOURS),
            null,
            Schedule.CatchUp.ONCE,
            Map.of("nextcall", "2030-03-30T08:00:00Z"));
    runs.started(null, "spent", Instant.parse("2030-03-30T08:00:01Z"));
    Schedule cron =
        new Schedule(
            "cron",
            null,
            null,
            null,
            "30 7 * * *",
            brussels,
            null,
            stale.actions(),
            Schedule.CatchUp.ONCE,
            true,
            "test.yaml",
            Map.of());

    schedules.apply(List.of(imported, stale, spent, cron));

    assertThat(nextFire(schedules, "imported")).isEqualTo(nextcall);
    // come and not run: due at once, as Odoo runs it (Quartz's misfire policy takes it from there)
    assertThat(nextFire(schedules, "stale")).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    // run since its next call: that one is spent
    assertThat(nextFire(schedules, "spent")).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    ZonedDateTime local = clock.instant().atZone(brussels);
    ZonedDateTime expected = local.with(LocalTime.of(7, 30));
    if (!expected.isAfter(local)) {
      expected = expected.plusDays(1);
    }
    assertThat(nextFire(schedules, "cron")).isEqualTo(expected.toInstant());
  }

  @Test
  void aJobOfAnUnknownSourceIsPausedNotDeleted_andGoesOnFromItsTriggerOnceKnown() throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2030-03-30T09:00:00Z"), ZoneOffset.UTC);
    Schedules schedules = new Schedules(quartz, (s, at, p) -> {}, runs, clock);
    Schedule job =
        schedule(
            "ir.cron:7",
            new Schedule.Every(1, Schedule.Unit.MINUTES),
            null,
            Schedule.CatchUp.ONCE,
            Map.of());
    schedules.apply(List.of(job));
    TriggerKey key = new TriggerKey("/ir.cron:7", Schedules.GROUP);
    Instant next = quartz.scheduler().getTrigger(key).getNextFireTime().toInstant();

    schedules.apply(List.of(), k -> k.equals("/ir.cron:7"));
    assertThat(jobs()).containsExactly("/ir.cron:7");
    assertThat(quartz.scheduler().getTriggerState(key)).isEqualTo(Trigger.TriggerState.PAUSED);

    schedules.apply(List.of(job), k -> false);
    assertThat(quartz.scheduler().getTriggerState(key)).isEqualTo(Trigger.TriggerState.NORMAL);
    assertThat(quartz.scheduler().getTrigger(key).getNextFireTime().toInstant()).isEqualTo(next);

    schedules.apply(List.of(), k -> false);
    assertThat(jobs()).isEmpty();
  }

  @Test
  void daysKeepTheLocalHourAcrossDaylightSaving_andMonthsAreMonths() throws Exception {
    ZoneId brussels = ZoneId.of("Europe/Brussels");
    Instant now = LocalDateTime.of(2030, 3, 30, 10, 0).atZone(brussels).toInstant();
    Schedules schedules =
        new Schedules(quartz, (s, at, p) -> {}, runs, Clock.fixed(now, ZoneOffset.UTC));
    Schedule daily =
        new Schedule(
            "daily",
            null,
            null,
            new Schedule.Every(1, Schedule.Unit.DAYS),
            null,
            brussels,
            null,
            List.of(Map.of("state", "code", "code", "x = 1")),
            Schedule.CatchUp.ONCE,
            true,
            "t",
            Map.of());
    Schedule monthly =
        new Schedule(
            "monthly",
            null,
            null,
            new Schedule.Every(1, Schedule.Unit.MONTHS),
            null,
            brussels,
            null,
            daily.actions(),
            Schedule.CatchUp.ONCE,
            true,
            "t",
            Map.of());
    schedules.apply(List.of(daily, monthly));

    Trigger day = quartz.scheduler().getTriggersOfJob(new JobKey("/daily", Schedules.GROUP)).get(0);
    Instant first = day.getNextFireTime().toInstant();
    Instant second = day.getFireTimeAfter(day.getNextFireTime()).toInstant();
    // the clocks go forward on 31 March 2030: a day later is 23 hours later, at 10:00 still
    assertThat(first.atZone(brussels).toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2030, 3, 31, 10, 0));
    assertThat(second.atZone(brussels).toLocalDateTime())
        .isEqualTo(LocalDateTime.of(2030, 4, 1, 10, 0));
    assertThat(nextFire(schedules, "monthly").atZone(brussels).toLocalDate())
        .isEqualTo(LocalDate.of(2030, 4, 30));
  }

  @Test
  void progress_runsAgainWhileWorkRemains_boundedAndLogged() {
    Clock clock = behind();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    Schedules schedules =
        new Schedules(
            quartz,
            (s, at, p) -> {
              int call = calls.incrementAndGet();
              p.report(10, Math.max(0, 30 - 10L * call), false); // three pages
              if (call == 3) {
                done.countDown();
              }
            },
            runs,
            clock);
    schedules.apply(List.of(every("pages", 1, Schedule.CatchUp.ONCE)));
    quartz.start();
    await().atMost(WAIT).until(() -> done.getCount() == 0);
    await().atMost(WAIT).until(() -> "ok".equals(schedules.status().get(0).lastResult()));
    assertThat(calls.get()).isEqualTo(3);

    AtomicInteger endless = new AtomicInteger();
    Schedule forever = every("forever", 1, Schedule.CatchUp.ONCE);
    Schedules bounded =
        new Schedules(
            quartz,
            (s, at, p) -> {
              endless.incrementAndGet();
              p.report(1, 1, false);
            },
            runs,
            clock);
    bounded.apply(List.of(forever));
    await().atMost(WAIT).until(() -> "ok".equals(bounded.status().get(0).lastResult()));
    assertThat(endless.get()).isEqualTo(Schedules.MAX_BATCHES);
  }

  @Test
  void aFailingRun_isRecordedFailed_andTheNextIsStillScheduled() {
    Clock clock = behind();
    Schedules schedules =
        new Schedules(
            quartz,
            (s, at, p) -> {
              throw new IllegalStateException("Odoo said no");
            },
            runs,
            clock);
    schedules.apply(List.of(every("failing", 1, Schedule.CatchUp.ONCE)));
    quartz.start();

    await().atMost(WAIT).until(() -> schedules.status().get(0).lastResult() != null);
    ScheduleStatus status = schedules.status().get(0);
    assertThat(status.lastResult()).isEqualTo("failed: Odoo said no");
    assertThat(status.running()).isFalse();
    assertThat(status.lastRun()).isEqualTo(clock.instant());
    assertThat(status.nextFire()).isEqualTo(clock.instant().plus(Duration.ofDays(3)));
    assertThat(status.kind()).isEqualTo("schedule");
  }

  @Test
  void onAJdbcStore_aRestartKeepsTheJobAndItsNextFire_stringsOnlyInTheJobData(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    Quartz.Store store = new Quartz.Store(io.odoosidecar.store.TestDatabases.h2(dir), "", "");
    Clock first = Clock.fixed(Instant.parse("2030-01-10T08:00:00Z"), ZoneOffset.UTC);
    Schedule daily = every("daily", 1, Schedule.CatchUp.ONCE);
    Instant next;
    try (Quartz jdbc = Quartz.jdbc("restart", "one", store, 1, first)) {
      Schedules schedules = new Schedules(jdbc, (s, at, p) -> {}, runs, first);
      schedules.apply(List.of(daily));
      next = nextFire(schedules, "daily");
    }
    Clock later = Clock.offset(first, Duration.ofHours(3));
    try (Quartz jdbc = Quartz.jdbc("restart", "one", store, 1, later)) {
      Schedules schedules = new Schedules(jdbc, (s, at, p) -> {}, runs, later);
      schedules.apply(List.of(daily));
      assertThat(nextFire(schedules, "daily")).isEqualTo(next);
      assertThat(next).isEqualTo(first.instant().plus(Duration.ofDays(1)));
      schedules.apply(List.of());
      assertThat(jdbc.scheduler().getJobKeys(GroupMatcher.jobGroupEquals(Schedules.GROUP)))
          .isEmpty();
    }
  }

  private List<String> jobs() throws Exception {
    return quartz.scheduler().getJobKeys(GroupMatcher.jobGroupEquals(Schedules.GROUP)).stream()
        .map(JobKey::getName)
        .toList();
  }

  private static Instant nextFire(Schedules schedules, String name) {
    return schedules.status().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow()
        .nextFire();
  }
}
