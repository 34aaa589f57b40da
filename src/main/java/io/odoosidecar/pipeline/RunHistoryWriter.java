package io.odoosidecar.pipeline;

import io.odoosidecar.store.RuleStates;
import io.odoosidecar.store.RunHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rules' runs the pipeline tells of ({@link #ran}) in the {@link RunHistory}, and counts
 * them in the {@link RuleStates}, without slowing the pipeline: a run is put on a bounded queue in
 * memory and written later, in batches, by one background thread.
 *
 * <p>Implementation notes: {@link #ran} never blocks. When the queue is full (the store slower than
 * the pipeline, or away), the run is not kept: it is counted ({@link #notKept}) and a warning is
 * logged at most once a minute. The thread takes what the queue holds, up to a batch, and writes it
 * in one transaction; a batch the store refuses is logged and counted as not kept. A run that
 * waited for Odoo ({@code waiting}) is kept in the history but not counted as a firing of its rule,
 * as it runs again. {@link #close} writes what is queued, for at most the drain time-out; a run
 * told after close is not kept.
 */
public final class RunHistoryWriter implements PipelineListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunHistoryWriter.class);
  private static final long WARN_EVERY_MS = 60_000;

  /** The runs queued at most, by default. */
  public static final int DEFAULT_CAPACITY = 10_000;

  /** The runs written in one transaction at most, by default. */
  public static final int DEFAULT_BATCH = 500;

  /** Where the batches of runs go. */
  @FunctionalInterface
  public interface Sink {
    /** Keeps the runs, all or none; throws when they were not kept. */
    void write(List<RuleRun> runs);
  }

  /** Marks the end of the queue for the writing thread. */
  private static final RuleRun END =
      new RuleRun(
          "", "", "", "", List.of(), List.of(), java.time.Instant.EPOCH, 0, "", "", "", List.of());

  private final Sink sink;
  private final ArrayBlockingQueue<RuleRun> queue;
  private final int batchSize;
  private final Duration drainTimeout;
  private final Clock clock;
  private final AtomicLong kept = new AtomicLong();
  private final AtomicLong notKept = new AtomicLong();
  private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE);
  private final Thread thread;
  private volatile boolean closed;

  private RunHistoryWriter(
      Sink sink, int capacity, int batchSize, Duration drainTimeout, Clock clock) {
    if (capacity < 1 || batchSize < 1) {
      throw new IllegalArgumentException("the queue and a batch hold at least one run");
    }
    this.sink = sink;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSize = batchSize;
    this.drainTimeout = drainTimeout;
    this.clock = clock;
    this.thread = new Thread(this::drain, "run-history-writer");
    this.thread.setDaemon(true);
  }

  /**
   * A started writer into the history and the states, with the default queue ({@value
   * #DEFAULT_CAPACITY} runs) and batch ({@value #DEFAULT_BATCH} runs), draining for at most 10 s on
   * close.
   */
  public static RunHistoryWriter start(RunHistory history, RuleStates states, Clock clock) {
    return start(
        sink(history, states), DEFAULT_CAPACITY, DEFAULT_BATCH, Duration.ofSeconds(10), clock);
  }

  /**
   * A started writer.
   *
   * @param capacity the runs queued at most
   * @param batchSize the runs written in one transaction at most
   * @param drainTimeout how long {@link #close} waits for the queue to be written
   * @param clock the time the warnings of a full queue are spaced on
   */
  public static RunHistoryWriter start(
      Sink sink, int capacity, int batchSize, Duration drainTimeout, Clock clock) {
    RunHistoryWriter writer = new RunHistoryWriter(sink, capacity, batchSize, drainTimeout, clock);
    writer.thread.start();
    return writer;
  }

  /** The sink that keeps runs in the history, then counts the firings in the states. */
  public static Sink sink(RunHistory history, RuleStates states) {
    return runs -> {
      history.append(runs);
      List<RuleStates.Mark> marks = new ArrayList<>();
      for (RuleRun run : runs) {
        if (!"waiting".equals(run.result())) {
          marks.add(new RuleStates.Mark(run.rule(), run.started(), run.error()));
        }
      }
      states.recordRuns(marks);
    };
  }

  /** Queues the run to be kept; never blocks: when the queue is full, the run is not kept. */
  @Override
  public void ran(RuleRun run) {
    if (closed || !queue.offer(run)) {
      long lost = notKept.incrementAndGet();
      if (!closed) {
        warnFull(lost);
      }
    }
  }

  private void warnFull(long lost) {
    long now = clock.millis();
    long last = lastWarning.get();
    if ((last == Long.MIN_VALUE || now - last >= WARN_EVERY_MS)
        && lastWarning.compareAndSet(last, now)) {
      LOG.warn(
          "run history: the queue is full ({} runs wait to be written); runs not kept so far: {}",
          queue.size(),
          lost);
    }
  }

  /** How many runs were written. */
  public long kept() {
    return kept.get();
  }

  /** How many runs were not kept: the queue full, the writer closed, or the store failing. */
  public long notKept() {
    return notKept.get();
  }

  /** How many runs wait to be written. */
  public int queued() {
    return (int) queue.stream().filter(r -> r != END).count();
  }

  /** The writing thread: a batch at a time, until the end mark. */
  private void drain() {
    List<RuleRun> batch = new ArrayList<>(batchSize);
    boolean end = false;
    while (!end) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch, batchSize - 1);
      int at = batch.indexOf(END);
      if (at >= 0) {
        end = true;
        // runs queued after the end mark came after close: too late
        notKept.addAndGet(batch.size() - at - 1L + queue.size());
        queue.clear();
        batch.subList(at, batch.size()).clear();
      }
      write(batch);
      batch.clear();
    }
  }

  private void write(List<RuleRun> batch) {
    if (batch.isEmpty()) {
      return;
    }
    try {
      sink.write(List.copyOf(batch));
      kept.addAndGet(batch.size());
    } catch (RuntimeException e) {
      notKept.addAndGet(batch.size());
      LOG.warn("run history: {} runs not kept: {}", batch.size(), e.getMessage());
    }
  }

  /** Stops taking runs and writes those queued, for at most the drain time-out. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      long deadline = System.nanoTime() + drainTimeout.toNanos();
      if (queue.offer(END, drainTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        thread.join(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn(
          "run history: the store did not take the last runs within {}; {} runs not written yet",
          drainTimeout,
          queued());
    }
  }
}
