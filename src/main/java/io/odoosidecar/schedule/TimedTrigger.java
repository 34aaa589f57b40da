package io.odoosidecar.schedule;

import io.odoosidecar.SidecarException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Quartz trigger of the timed rules: it fires at the index's earliest due time and sweeps
 * what has come due, then is armed again at the next. On a clustered store one instance fires it; a
 * sweep that cannot read Odoo is tried again with a capped, doubling wait.
 */
public final class TimedTrigger {
  private static final Logger LOG = LoggerFactory.getLogger(TimedTrigger.class);
  static final JobKey JOB = new JobKey("due", "timed");
  static final TriggerKey TRIGGER = new TriggerKey("due", "timed");
  private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
  private static final Duration LAST_RETRY = Duration.ofMinutes(1);

  private final Scheduler scheduler;
  private final TimedIndex index;
  private int failures;

  private TimedTrigger(Scheduler scheduler, TimedIndex index) {
    this.scheduler = scheduler;
    this.index = index;
  }

  /** Installs the sweeping job on a scheduler and arms the index's due times through it. */
  public static TimedTrigger install(Quartz quartz, TimedIndex index) {
    TimedTrigger trigger = new TimedTrigger(quartz.scheduler(), index);
    quartz.jobs(Sweep.class, () -> new Sweep(trigger));
    try {
      quartz
          .scheduler()
          .addJob(JobBuilder.newJob(Sweep.class).withIdentity(JOB).storeDurably().build(), true);
    } catch (SchedulerException e) {
      throw new SidecarException("cannot install the timed rules' job: " + e.getMessage(), e);
    }
    index.onArm(trigger::arm);
    index.onArmedAt(trigger::armedAt);
    return trigger;
  }

  /** When the trigger fires next, or null when none is armed (or it cannot be read). */
  Instant armedAt() {
    try {
      Trigger current = scheduler.getTrigger(TRIGGER);
      return current == null || current.getNextFireTime() == null
          ? null
          : current.getNextFireTime().toInstant();
    } catch (SchedulerException e) {
      LOG.warn("timed rules: cannot read the trigger: {}", e.getMessage());
      return null;
    }
  }

  /**
   * Fires the sweep at {@code at} (at once if it has passed), replacing the earlier time; a failure
   * is logged and mended by {@link TimedIndex#repair}, which finds the trigger missing.
   */
  void arm(Instant at) {
    try {
      replace(at);
    } catch (RuntimeException e) {
      LOG.warn(
          "timed rules: cannot arm the trigger at {}, tried again shortly: {}", at, e.getMessage());
    }
  }

  private void replace(Instant at) {
    Trigger next =
        TriggerBuilder.newTrigger()
            .withIdentity(TRIGGER)
            .forJob(JOB)
            .startAt(Date.from(at))
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
            .build();
    try {
      if (scheduler.rescheduleJob(TRIGGER, next) == null) {
        scheduler.scheduleJob(next);
      }
    } catch (SchedulerException e) {
      if (e instanceof org.quartz.ObjectAlreadyExistsException) {
        replace(at); // another instance armed it meanwhile: replace its time with ours
        return;
      }
      throw new SidecarException("cannot arm the timed rules' trigger: " + e.getMessage(), e);
    }
  }

  private void sweep() {
    try {
      index.sweep();
      failures = 0;
    } catch (RuntimeException e) {
      failures++;
      Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 5));
      if (wait.compareTo(LAST_RETRY) > 0) {
        wait = LAST_RETRY;
      }
      LOG.warn(
          "timed rules: sweep failed, due times kept, next try in {}: {}", wait, e.getMessage());
      index.retryIn(wait);
    }
  }

  /** The job Quartz runs: one sweep at a time, cluster-wide. */
  @DisallowConcurrentExecution
  static final class Sweep implements Job {
    private final TimedTrigger trigger;

    Sweep(TimedTrigger trigger) {
      this.trigger = trigger;
    }

    @Override
    public void execute(JobExecutionContext context) {
      trigger.sweep();
    }
  }
}
