package io.odoosidecar.script;

/**
 * Where a scheduled code action's progress goes: Odoo 18's {@code
 * env['ir.cron']._notify_progress(done=N, remaining=M)} and Odoo 19's {@code
 * env['ir.cron']._commit_progress(processed=N, remaining=M)}, which the sidecar's Python env
 * answers itself (they never reach Odoo). The runner of scheduled actions runs the action again at
 * once while the last report says work remains.
 *
 * <p>Outside a scheduled run ({@link #NONE}) the calls do nothing, as Odoo's do outside a cron job.
 */
@FunctionalInterface
public interface CronProgress {
  /** No scheduled run: reports are dropped. */
  CronProgress NONE = (done, remaining, deactivate) -> {};

  /**
   * The run's progress so far.
   *
   * @param done the records processed in this run (Odoo 19: the sum of its {@code processed})
   * @param remaining the records left to process
   * @param deactivate whether the code asked the job to be deactivated once done
   */
  void report(long done, long remaining, boolean deactivate);
}
