package io.odoosidecar.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.odoosidecar.SidecarException;
import io.odoosidecar.script.CronProgress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.quartz.CalendarIntervalScheduleBuilder;
import org.quartz.CronScheduleBuilder;
import org.quartz.DateBuilder.IntervalUnit;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ScheduleBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the schedules on Quartz: one job per active schedule in group {@value #GROUP}, fired by a
 * calendar-interval trigger (an interval, in the schedule's zone: months are months, and a day
 * stays the same local hour across daylight saving) or a cron trigger in the zone.
 *
 * <p>{@link #apply} reconciles the jobs with a list of schedules, and is called again on every
 * reload: a new schedule gets a job, a changed one (its fingerprint, kept in the job's data,
 * differs) is replaced, a removed or inactive one is deleted, and an unchanged one keeps its
 * trigger, so a reload does not move its next run. A job's first fire is {@code
 * parameters.nextcall} (an ISO UTC instant, as an offloaded {@code ir.cron} job carries) when it is
 * in the future or has come without a run since (then it runs at once), else one interval from now
 * or the cron's next time.
 *
 * <p>After downtime, {@code catch_up: once} fires once and proceeds; {@code all} fires every missed
 * run, in order (Quartz's ignore-misfire policy). A firing whose code reports that work remains
 * ({@code _notify_progress}) is run again at once, up to {@value #MAX_BATCHES} times per firing as
 * Odoo's cron worker does; the rest waits for the next firing. A failing firing is recorded as
 * {@code failed: <reason>}; the next is scheduled all the same.
 */
public final class Schedules {
  /** The Quartz group of the schedules' jobs. */
  public static final String GROUP = "schedules";

  /** The most runs of one firing while its code reports work left (Odoo's as well). */
  public static final int MAX_BATCHES = 10;

  static final String FINGERPRINT = "fingerprint";
  private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final Quartz quartz;
  private final ScheduleExecutor executor;
  private final ScheduleRuns runs;
  private final Clock clock;
  private final Map<String, Schedule> active = new ConcurrentHashMap<>();
  private volatile List<Schedule> applied = List.of();

  /**
   * @param quartz the scheduler; its job maker for the schedules' job is registered here, so one
   *     runner serves a scheduler (a second one takes its jobs over)
   * @param executor what runs a firing
   * @param runs where each run's start, end and result are kept
   * @param clock now, for first fires
   */
  public Schedules(Quartz quartz, ScheduleExecutor executor, ScheduleRuns runs, Clock clock) {
    this.quartz = quartz;
    this.executor = executor;
    this.runs = runs;
    this.clock = clock;
    quartz.jobs(ScheduleJob.class, () -> new ScheduleJob(this));
  }

  /** A schedule's job name: its database (empty for the main one) and its name. */
  static String key(Schedule schedule) {
    return (schedule.database() == null ? "" : schedule.database()) + "/" + schedule.name();
  }

  /** Reconciles the jobs of group {@value #GROUP} with these schedules. */
  public void apply(List<Schedule> schedules) {
    apply(schedules, key -> false);
  }

  /**
   * Reconciles the jobs of group {@value #GROUP} with these schedules; a job not among them whose
   * key (database/name) {@code unknownYet} names, as an offloaded job of a database not read since
   * the start, is paused instead of deleted: applied again with it, it goes on from its trigger,
   * its missed runs caught up by its policy.
   */
  public synchronized void apply(List<Schedule> schedules, Predicate<String> unknownYet) {
    Map<String, Schedule> wanted = new LinkedHashMap<>();
    schedules.stream().filter(Schedule::active).forEach(s -> wanted.put(key(s), s));
    Scheduler scheduler = quartz.scheduler();
    try {
      for (JobKey job : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
        if (wanted.containsKey(job.getName())) {
          continue;
        }
        if (unknownYet.test(job.getName())) {
          scheduler.pauseJob(job);
          LOG.info("schedule {}: paused until its source is read", job.getName());
        } else {
          scheduler.deleteJob(job);
          LOG.info("schedule {} removed", job.getName());
        }
      }
      active.keySet().retainAll(wanted.keySet());
      active.putAll(wanted);
      applied = List.copyOf(schedules);
      for (Map.Entry<String, Schedule> entry : wanted.entrySet()) {
        try {
          schedule(scheduler, entry.getKey(), entry.getValue());
        } catch (SchedulerException | RuntimeException e) {
          LOG.error("schedule {} not scheduled: {}", entry.getKey(), e.getMessage());
        }
      }
    } catch (SchedulerException e) {
      throw new SidecarException("cannot schedule the schedules: " + e.getMessage(), e);
    }
  }

  private void schedule(Scheduler scheduler, String key, Schedule schedule)
      throws SchedulerException {
    JobKey job = new JobKey(key, GROUP);
    String fingerprint = fingerprint(schedule);
    JobDetail existing = scheduler.getJobDetail(job);
    if (existing != null
        && fingerprint.equals(existing.getJobDataMap().getString(FINGERPRINT))
        && !scheduler.getTriggersOfJob(job).isEmpty()) {
      resumeIfPaused(scheduler, job);
      return;
    }
    JobDetail detail =
        JobBuilder.newJob(ScheduleJob.class)
            .withIdentity(job)
            .usingJobData(FINGERPRINT, fingerprint)
            .usingJobData("name", schedule.name())
            .usingJobData("source", String.valueOf(schedule.source()))
            .build();
    scheduler.scheduleJob(detail, Set.of(trigger(schedule, job)), true);
    LOG.info(
        "schedule {} {}: next run {}",
        key,
        existing == null ? "added" : "changed",
        scheduler.getTriggersOfJob(job).get(0).getNextFireTime().toInstant());
  }

  /** A job paused while its source was unknown goes on; a past next fire is a misfire then. */
  private static void resumeIfPaused(Scheduler scheduler, JobKey job) throws SchedulerException {
    for (Trigger trigger : scheduler.getTriggersOfJob(job)) {
      if (scheduler.getTriggerState(trigger.getKey()) == Trigger.TriggerState.PAUSED) {
        scheduler.resumeJob(job);
        LOG.info("schedule {} resumed", job.getName());
        return;
      }
    }
  }

  /** The trigger of a schedule: interval or cron, in its zone, with its catch-up policy. */
  Trigger trigger(Schedule schedule, JobKey job) {
    TimeZone zone = TimeZone.getTimeZone(schedule.timezone());
    ScheduleBuilder<? extends Trigger> builder;
    if (schedule.every() != null) {
      Schedule.Every every = schedule.every();
      CalendarIntervalScheduleBuilder interval =
          CalendarIntervalScheduleBuilder.calendarIntervalSchedule()
              .withInterval(every.number(), unit(every.unit()))
              .inTimeZone(zone)
              .preserveHourOfDayAcrossDaylightSavings(daysOrMore(every.unit()));
      builder =
          schedule.catchUp() == Schedule.CatchUp.ALL
              ? interval.withMisfireHandlingInstructionIgnoreMisfires()
              : interval.withMisfireHandlingInstructionFireAndProceed();
    } else {
      CronScheduleBuilder cron =
          CronScheduleBuilder.cronSchedule(CronExpressions.quartz(schedule.cron()))
              .inTimeZone(zone);
      builder =
          schedule.catchUp() == Schedule.CatchUp.ALL
              ? cron.withMisfireHandlingInstructionIgnoreMisfires()
              : cron.withMisfireHandlingInstructionFireAndProceed();
    }
    return TriggerBuilder.newTrigger()
        .withIdentity(job.getName(), GROUP)
        .forJob(job)
        .withSchedule(builder)
        .startAt(Date.from(firstFire(schedule)))
        .build();
  }

  /**
   * {@code nextcall} when in the future, or when it has come and the job has not run since: Odoo's
   * scheduler runs a job whose next call has passed at once, then on the grid of that next call (a
   * start in the past is a misfire, run by the catch-up policy). Else one interval from now, or now
   * for a cron.
   */
  private Instant firstFire(Schedule schedule) {
    Instant now = clock.instant();
    Optional<Instant> nextcall = nextcall(schedule);
    if (nextcall.isPresent()
        && (nextcall.get().isAfter(now) || !ranSince(schedule, nextcall.get()))) {
      return nextcall.get();
    }
    if (schedule.every() == null) {
      return now; // the cron trigger's first fire is its first time from here
    }
    Schedule.Every every = schedule.every();
    return ZonedDateTime.ofInstant(now, schedule.timezone())
        .plus(every.number(), chronoUnit(every.unit()))
        .toInstant();
  }

  /**
   * Whether the schedule started a run at or after {@code at}: the next call Odoo gave it is then
   * spent (the sidecar does not write it back). Unknown counts as run: a run is not doubled.
   */
  private boolean ranSince(Schedule schedule, Instant at) {
    try {
      return runs.last(schedule.database(), schedule.name())
          .map(run -> !run.started().isBefore(at))
          .orElse(false);
    } catch (RuntimeException e) {
      LOG.warn(
          "schedule '{}': last run unknown, {} taken as spent: {}",
          schedule.name(),
          at,
          e.getMessage());
      return true;
    }
  }

  private static Optional<Instant> nextcall(Schedule schedule) {
    Object value = schedule.parameters().get("nextcall");
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(String.valueOf(value)));
    } catch (DateTimeException e) {
      LOG.warn(
          "schedule '{}': nextcall {} is not an ISO UTC instant; ignored", schedule.name(), value);
      return Optional.empty();
    }
  }

  private static boolean daysOrMore(Schedule.Unit unit) {
    return unit != Schedule.Unit.MINUTES && unit != Schedule.Unit.HOURS;
  }

  private static IntervalUnit unit(Schedule.Unit unit) {
    return switch (unit) {
      case MINUTES -> IntervalUnit.MINUTE;
      case HOURS -> IntervalUnit.HOUR;
      case DAYS -> IntervalUnit.DAY;
      case WEEKS -> IntervalUnit.WEEK;
      case MONTHS -> IntervalUnit.MONTH;
    };
  }

  private static ChronoUnit chronoUnit(Schedule.Unit unit) {
    return switch (unit) {
      case MINUTES -> ChronoUnit.MINUTES;
      case HOURS -> ChronoUnit.HOURS;
      case DAYS -> ChronoUnit.DAYS;
      case WEEKS -> ChronoUnit.WEEKS;
      case MONTHS -> ChronoUnit.MONTHS;
    };
  }

  /**
   * What makes a schedule's job differ: every field but {@code parameters.nextcall} (which only
   * places the first fire of a new job), as a digest.
   */
  static String fingerprint(Schedule s) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", s.name());
    fields.put("database", s.database());
    fields.put("model", s.model());
    fields.put("every", s.every() == null ? null : s.every().number() + " " + s.every().unit());
    fields.put("cron", s.cron());
    fields.put("timezone", s.timezone().getId());
    fields.put("filter_domain", s.filterDomain());
    fields.put("actions", s.actions());
    fields.put("catch_up", s.catchUp().name());
    Map<String, Object> parameters = new LinkedHashMap<>(s.parameters());
    parameters.remove("nextcall");
    fields.put("parameters", parameters);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest schedule '" + s.name() + "'", e);
    }
  }

  /** A firing of the job {@code key}, due at {@code scheduledFor}: runs it and records the run. */
  void fire(String key, Instant scheduledFor) {
    Schedule schedule = active.get(key);
    if (schedule == null) {
      LOG.warn("schedule {} fired but is not among this sidecar's schedules: skipped", key);
      return;
    }
    note(() -> runs.started(schedule.database(), schedule.name(), clock.instant()));
    String result = "ok";
    try {
      batches(schedule, scheduledFor);
    } catch (RuntimeException e) {
      result = "failed: " + e.getMessage();
      LOG.error("schedule {} (due {}) failed: {}", key, scheduledFor, e.getMessage());
    }
    String outcome = result;
    note(() -> runs.finished(schedule.database(), schedule.name(), clock.instant(), outcome));
  }

  /** Runs the firing, again at once while its code reports work left (done and remaining). */
  private void batches(Schedule schedule, Instant scheduledFor) {
    for (int batch = 1; ; batch++) {
      Progress progress = new Progress();
      executor.run(schedule, scheduledFor, progress);
      if (progress.remaining <= 0 || progress.done <= 0) {
        if (progress.deactivate) {
          LOG.warn(
              "schedule '{}' asked to be deactivated: set active: false where it is defined",
              schedule.name());
        }
        return;
      }
      if (batch >= MAX_BATCHES) {
        LOG.warn(
            "schedule '{}' still reports {} left after {} runs: the rest waits for its next run",
            schedule.name(),
            progress.remaining,
            batch);
        return;
      }
      LOG.info(
          "schedule '{}' processed {}, {} left: running it again (run {} of at most {})",
          schedule.name(),
          progress.done,
          progress.remaining,
          batch + 1,
          MAX_BATCHES);
    }
  }

  /** The runs store's failure does not stop the firing: it is logged. */
  private static void note(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      LOG.error("cannot record a schedule's run: {}", e.getMessage());
    }
  }

  /** The last report of one run. */
  private static final class Progress implements CronProgress {
    volatile long done;
    volatile long remaining = -1;
    volatile boolean deactivate;

    @Override
    public void report(long done, long remaining, boolean deactivate) {
      this.done = done;
      this.remaining = remaining;
      this.deactivate = deactivate;
    }
  }

  /**
   * Every schedule last applied, inactive ones included (with no next fire), by name: next fire
   * from Quartz, last run from the runs store.
   */
  public List<ScheduleStatus> status() {
    Map<String, ScheduleRuns.Run> last = new LinkedHashMap<>();
    try {
      runs.all()
          .forEach(r -> last.put((r.database() == null ? "" : r.database()) + "/" + r.name(), r));
    } catch (RuntimeException e) {
      LOG.warn("schedules' last runs unknown: {}", e.getMessage());
    }
    List<ScheduleStatus> out = new ArrayList<>();
    for (Schedule s : applied) {
      String key = key(s);
      ScheduleRuns.Run run = last.get(key);
      out.add(
          new ScheduleStatus(
              kind(s),
              s.name(),
              s.database(),
              s.active() ? nextFire(key) : null,
              run == null ? null : run.started(),
              run == null ? null : run.result(),
              0,
              run != null && run.running()));
    }
    out.sort(Comparator.comparing(ScheduleStatus::name));
    return out;
  }

  private static String kind(Schedule s) {
    return s.source() != null && s.source().startsWith("odoo:ir.cron:") ? "cron" : "schedule";
  }

  private Instant nextFire(String key) {
    try {
      return quartz.scheduler().getTriggersOfJob(new JobKey(key, GROUP)).stream()
          .map(Trigger::getNextFireTime)
          .filter(java.util.Objects::nonNull)
          .min(Date::compareTo)
          .map(Date::toInstant)
          .orElse(null);
    } catch (SchedulerException e) {
      LOG.warn("next run of schedule {} unknown: {}", key, e.getMessage());
      return null;
    }
  }
}
