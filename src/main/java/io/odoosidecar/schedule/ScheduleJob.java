package io.odoosidecar.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job of every schedule: hands the firing to {@link Schedules}. Not concurrent: a run
 * still going when the next is due delays that one (across a cluster too, where the job store
 * blocks the job's triggers while it runs).
 */
@DisallowConcurrentExecution
final class ScheduleJob implements Job {
  private final Schedules schedules;

  ScheduleJob(Schedules schedules) {
    this.schedules = schedules;
  }

  @Override
  public void execute(JobExecutionContext context) {
    schedules.fire(
        context.getJobDetail().getKey().getName(), context.getScheduledFireTime().toInstant());
  }
}
