package io.odoosidecar.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the sync log's entries older than the retention, once every interval (an hour in the
 * daemon).
 *
 * <p>Implementation notes: a pass is due when the clock has moved an interval past the last pass,
 * so {@link #tick()} decides with the injected clock alone; the scheduler only calls it, every
 * minute, on a daemon thread. A failing pass is logged and tried again at the next tick.
 */
public final class SyncLogPruner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncLogPruner.class);

  private final SyncLog log;
  private final Duration retention;
  private final Duration interval;
  private final Clock clock;
  private Instant last;
  private ScheduledExecutorService scheduler;

  /**
   * @param log the log pruned
   * @param retention how long entries are kept
   * @param interval how often the log is pruned
   * @param clock the time the retention and the interval are measured on
   */
  public SyncLogPruner(SyncLog log, Duration retention, Duration interval, Clock clock) {
    this.log = log;
    this.retention = retention;
    this.interval = interval;
    this.clock = clock;
  }

  /** Prunes when a pass is due (the first tick always is); returns the entries removed. */
  public synchronized int tick() {
    Instant now = clock.instant();
    if (last != null && now.isBefore(last.plus(interval))) {
      return 0;
    }
    last = now;
    try {
      int removed = log.prune(now.minus(retention));
      if (removed > 0) {
        LOG.info("sync log: {} entries older than {} removed", removed, retention);
      }
      return removed;
    } catch (RuntimeException e) {
      last = null; // due again at the next tick
      LOG.warn("sync log not pruned, next try in a minute: {}", e.getMessage());
      return 0;
    }
  }

  /** Ticks every minute on a daemon thread. */
  public synchronized SyncLogPruner start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "sync-log-pruner");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.MINUTES);
    return this;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
