package io.odoosidecar.pipeline;

import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers that drain the event log: each claims a batch (the oldest pending event of each
 * record, so one record's events stay in order while different records go in parallel), hands it to
 * the {@link Processor}, and waits for new events when the log is empty.
 *
 * <p>At start, events a crash left running are handed out again. {@link #close} stops claiming,
 * lets the batches in flight finish, and returns; what is still pending stays in the log for the
 * next start.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /**
   * @param workers threads claiming and processing batches
   * @param batchSize the most events one batch holds
   * @param idleWait how long a worker sleeps when the log has nothing due (new events wake it)
   * @param drainTimeout how long {@link #close} waits for batches in flight
   */
  public record Settings(int workers, int batchSize, Duration idleWait, Duration drainTimeout) {
    public static Settings defaults() {
      return new Settings(2, 500, Duration.ofMillis(500), Duration.ofSeconds(30));
    }
  }

  private final EventLog log;
  private final Processor processor;
  private final Settings settings;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong processed = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger busy =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile long lastRefresh = System.nanoTime();
  private long signals;

  public Pipeline(EventLog log, Processor processor, Settings settings, Clock clock) {
    this.log = log;
    this.processor = processor;
    this.settings = settings;
    this.clock = clock;
  }

  /** Recovers what a crash left running and starts the workers. */
  public void start() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    int recovered = log.recover();
    if (recovered > 0) {
      LOG.info("{} events left running by the last stop are due again", recovered);
    }
    for (int i = 0; i < settings.workers(); i++) {
      Thread thread = new Thread(this::work, "pipeline-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Wakes the workers: new events are in the log. */
  public void wake() {
    lock.lock();
    try {
      signals++;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How many events the workers have handled (done, retried or parked) since start. */
  public long processed() {
    return processed.get();
  }

  private void work() {
    while (running.get()) {
      long seen;
      lock.lock();
      try {
        seen = signals;
      } finally {
        lock.unlock();
      }
      List<EventLog.Event> batch;
      try {
        batch = log.claim(settings.batchSize(), clock.instant());
      } catch (RuntimeException e) {
        LOG.error("cannot claim events: {}", e.getMessage());
        batch = List.of();
      }
      if (!batch.isEmpty()) {
        busy.incrementAndGet();
        try {
          processor.process(batch);
        } catch (RuntimeException e) {
          // the processor settles every event itself; this is a bug or the log failing
          LOG.error("batch of {} events failed: {}", batch.size(), e.toString(), e);
        } finally {
          busy.decrementAndGet();
        }
        processed.addAndGet(batch.size());
        continue;
      }
      try {
        // idle: fold the completions' batch records into the events, a little at a time and
        // only while no batch is in flight, so that the log's lock is never held long
        if (busy.get() == 0 && log.compactSome(1)) {
          continue;
        }
        if (busy.get() == 0 && System.nanoTime() - lastRefresh > 30_000_000_000L) {
          lastRefresh = System.nanoTime();
          if (log.refresh() > 0) {
            continue; // events another process put back in line
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot compact the event log: {}", e.getMessage());
      }
      lock.lock();
      try {
        if (signals == seen && running.get()) {
          if (!arrived.await(settings.idleWait().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.trace("{} idle: looking for due retries", Thread.currentThread().getName());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Stops claiming, lets the batches in flight finish (up to the drain timeout). */
  @Override
  public void close() {
    if (!running.compareAndSet(true, false)) {
      return;
    }
    wake();
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    for (Thread thread : threads) {
      try {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        thread.join(Math.max(1, left));
        if (thread.isAlive()) {
          LOG.warn(
              "{} still busy after the drain timeout; its events stay in the log",
              thread.getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    threads.clear();
  }
}
