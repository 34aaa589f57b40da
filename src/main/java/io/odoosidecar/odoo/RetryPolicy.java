package io.odoosidecar.odoo;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How transport failures are retried: at most {@code maxAttempts} tries, waiting a capped
 * exponential backoff with jitter between them.
 *
 * @param maxAttempts the most tries in all, 1 for no retry
 * @param initialBackoff the wait before the second try
 * @param maxBackoff the longest wait between two tries
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  /** Four tries, 200 ms then doubling up to 5 s. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5));

  /** No retry at all. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max-attempts must be at least 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
    }
  }

  /**
   * The wait after failed try number {@code attempt} (1-based): half of the capped exponential
   * step, plus a random part of the other half, so that clients that failed together spread out.
   */
  public Duration backoff(int attempt) {
    long cap = maxBackoff.toMillis();
    long step = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
    long ceiling = Math.min(cap, step < 0 ? cap : step);
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  /** Waits between two tries; {@link #system()} sleeps, tests record the waits instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    static Sleeper system() {
      return duration -> Thread.sleep(duration.toMillis());
    }
  }
}
