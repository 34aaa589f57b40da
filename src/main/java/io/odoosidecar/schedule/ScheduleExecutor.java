package io.odoosidecar.schedule;

import io.odoosidecar.script.CronProgress;
import java.time.Instant;

/**
 * Runs one firing of a schedule: its actions, on its records. {@link Schedules} calls it from the
 * scheduler's threads, one firing of a schedule at a time.
 */
@FunctionalInterface
public interface ScheduleExecutor {
  /**
   * Runs the schedule's actions once.
   *
   * @param schedule the schedule
   * @param scheduledFor the time the firing was due (before a catch-up: a time in the past)
   * @param progress where code actions report how much is left ({@code _notify_progress})
   * @throws RuntimeException when an action failed: the firing's result is {@code failed: <reason>}
   */
  void run(Schedule schedule, Instant scheduledFor, CronProgress progress);
}
