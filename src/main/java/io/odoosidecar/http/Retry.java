package io.odoosidecar.http;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a call is retried: {@code attempts} tries in all, waiting an exponential backoff from {@code
 * initial} up to {@code max} between two of them, with jitter. A {@code Retry-After} header (in
 * seconds or an HTTP date) replaces the backoff, capped by {@code max}.
 *
 * @param attempts the most tries in all, at least 1 (1 for no retry)
 * @param initial the backoff's ceiling after the first failed try
 * @param max the longest wait between two tries
 */
public record Retry(int attempts, Duration initial, Duration max) {
  /** One try, no retry. */
  public static final Retry NONE = new Retry(1, Duration.ZERO, Duration.ZERO);

  public Retry {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max");
    }
  }

  /**
   * The wait after failed try number {@code failed} (1-based), with "equal jitter": the ceiling is
   * {@code min(max, initial * 2^(failed-1))}; the wait is half of it plus a uniformly random part
   * of the other half, so it lies in {@code [ceiling/2, ceiling]} — never zero unless the ceiling
   * is, and spread out for clients that failed together.
   */
  public Duration backoff(int failed, RandomGenerator random) {
    long cap = max.toMillis();
    long step = initial.toMillis() << Math.min(Math.max(failed - 1, 0), 30);
    long ceiling = Math.min(cap, step < 0 ? cap : step);
    long half = ceiling / 2;
    long rest = ceiling - half;
    return Duration.ofMillis(half + (rest == 0 ? 0 : random.nextLong(rest + 1)));
  }
}
