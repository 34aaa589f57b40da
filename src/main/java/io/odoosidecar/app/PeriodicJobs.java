package io.odoosidecar.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's own periodic jobs (the store's check, purges, the poller, the addon's registration;
 * the cluster's beats on a thread of their own, never waiting behind a long poll), on one thread: a
 * job that fails is logged and runs again at its next time.
 */
final class PeriodicJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicJobs.class);

  private final ScheduledExecutorService executor;

  /** The jobs on a thread named {@code poller}. */
  PeriodicJobs() {
    this("poller");
  }

  /** The jobs on a thread of that name. */
  PeriodicJobs(String thread) {
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread t = new Thread(runnable, thread);
              t.setDaemon(true);
              return t;
            });
  }

  /** Runs {@code job} after {@code first}, then {@code every} after each run ends. */
  PeriodicJobs every(String name, Duration first, Duration every, Runnable job) {
    executor.scheduleWithFixedDelay(
        () -> {
          try {
            job.run();
          } catch (RuntimeException e) {
            LOG.warn("{} failed, next try in {}: {}", name, every, e.getMessage());
          }
        },
        first.toMillis(),
        Math.max(1, every.toMillis()),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Runs {@code job} once, soon, between the periodic ones; a failure is logged. */
  void once(String name, Runnable job) {
    try {
      executor.execute(
          () -> {
            try {
              job.run();
            } catch (RuntimeException e) {
              LOG.warn("{} failed: {}", name, e.getMessage());
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("{} not run: the jobs are stopped", name);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
