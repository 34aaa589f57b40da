package io.odoosidecar.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's own periodic jobs (the store's check, purges, the poller, the addon's registration),
 * on one thread: a job that fails is logged and runs again at its next time.
 */
final class PeriodicJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeriodicJobs.class);

  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "poller");
            thread.setDaemon(true);
            return thread;
          });

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

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
