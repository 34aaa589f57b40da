package io.odoosidecar.store;

import io.odoosidecar.odoo.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a broken event log back, or ends the process: when the log becomes unusable, reopens it
 * with capped exponential backoff; when every attempt failed, or the log failed for good (an {@link
 * Error} such as running out of memory), calls the exit hook so that a supervisor restarts the
 * sidecar with a fresh heap and a fresh connection.
 */
public final class StoreRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

  /** The exit status of a sidecar whose event log failed beyond recovery. */
  public static final int EXIT_STATUS = 5;

  private final EventLog log;
  private final RetryPolicy policy;
  private final RetryPolicy.Sleeper sleeper;
  private final IntConsumer exit;
  private final AtomicBoolean recovering = new AtomicBoolean();
  private volatile boolean stopped;
  private volatile boolean gaveUp;
  private volatile Thread thread;

  /**
   * @param policy how many reopen attempts, and the waits before each
   * @param exit called with {@link #EXIT_STATUS} when the log cannot be brought back
   */
  public StoreRecovery(
      EventLog log, RetryPolicy policy, RetryPolicy.Sleeper sleeper, IntConsumer exit) {
    this.log = log;
    this.policy = policy;
    this.sleeper = sleeper;
    this.exit = exit;
  }

  /** Starts watching the log: each time it breaks, a recovery runs on its own thread. */
  public StoreRecovery start() {
    log.onBroken(this::broken);
    return this;
  }

  /** Stops any recovery in progress (the daemon is stopping). */
  public void stop() {
    stopped = true;
    Thread running = thread;
    if (running != null) {
      running.interrupt();
    }
  }

  private void broken() {
    if (stopped || gaveUp || !recovering.compareAndSet(false, true)) {
      return;
    }
    Thread recovery = new Thread(this::recover, "event-log-recovery");
    recovery.setDaemon(true);
    thread = recovery;
    recovery.start();
  }

  private void recover() {
    try {
      for (int attempt = 1; attempt <= policy.maxAttempts() && !stopped; attempt++) {
        if (log.health().state() == EventLog.State.FAILED) {
          giveUp("the event log failed for good: " + log.health().reason());
          return;
        }
        Duration wait = policy.backoff(attempt);
        sleeper.sleep(wait);
        if (tryReopen(attempt)) {
          return;
        }
      }
      if (!stopped) {
        giveUp("the event log could not be reopened in " + policy.maxAttempts() + " attempts");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      recovering.set(false);
    }
    if (!stopped && !gaveUp && !log.health().usable()) {
      broken(); // broke again while this recovery ended
    }
  }

  private boolean tryReopen(int attempt) {
    try {
      log.reopen();
      return true;
    } catch (java.sql.SQLException | RuntimeException e) {
      LOG.warn(
          "event log: reopen attempt {} of {} failed: {}",
          attempt,
          policy.maxAttempts(),
          e.getMessage());
      return false;
    }
  }

  private void giveUp(String reason) {
    gaveUp = true;
    LOG.error("{}; exiting with status {} for a restart", reason, EXIT_STATUS);
    exit.accept(EXIT_STATUS);
  }
}
