package io.odoosidecar.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The event log's counts by status as the metrics read them: one count serves every reader within
 * {@code fresh} of it. Counting reads the whole log (about 100 ms at 700,000 events on PostgreSQL)
 * while the workers' claims and settles wait for the log, and each scrape of {@code /metrics} read
 * it once per gauge.
 */
public final class StatusCounts {
  private final Supplier<Map<String, Long>> counts;
  private final Clock clock;
  private final Duration fresh;
  private Map<String, Long> last;
  private Instant at;

  /**
   * @param counts the count itself ({@link EventLog#counts})
   * @param fresh how long one count answers
   */
  public StatusCounts(Supplier<Map<String, Long>> counts, Clock clock, Duration fresh) {
    if (fresh.isNegative()) {
      throw new IllegalArgumentException("a count cannot stay fresh for " + fresh);
    }
    this.counts = counts;
    this.clock = clock;
    this.fresh = fresh;
  }

  /** The events with {@code status}: from the last count if it is fresh, else from a new one. */
  public synchronized long of(String status) {
    Instant now = clock.instant();
    if (last == null || now.isBefore(at) || !now.isBefore(at.plus(fresh))) {
      last = Map.copyOf(counts.get());
      at = now;
    }
    return last.getOrDefault(status, 0L);
  }
}
