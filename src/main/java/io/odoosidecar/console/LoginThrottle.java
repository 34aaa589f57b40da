package io.odoosidecar.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Wrong console logins counted per login and per address. Up to the threshold, each is answered at
 * once; past it, the next attempt is refused (429) until a delay has passed that doubles with each
 * further failure: 2 s, 4 s, 8 s, ... up to 15 minutes. An hour without failure forgets a key, and
 * a login that succeeds forgets its own count (not its address's).
 */
public final class LoginThrottle {
  static final Duration FIRST_DELAY = Duration.ofSeconds(2);
  static final Duration MAX_DELAY = Duration.ofMinutes(15);
  static final Duration FORGET_AFTER = Duration.ofHours(1);
  static final int MAX_KEYS = 10_000;

  private final int threshold;
  private final Clock clock;
  private final Map<String, Failures> byKey = new HashMap<>();

  private record Failures(int count, Instant last) {}

  /** Counts failures; {@code threshold} of them are answered before the delays begin. */
  public LoginThrottle(int threshold, Clock clock) {
    this.threshold = threshold;
    this.clock = clock;
  }

  /** How long the attempt must wait, when a login or an address is being held back. */
  public synchronized Optional<Duration> wait(String login, String address) {
    Instant now = clock.instant();
    Duration longest = Duration.ZERO;
    for (String key : keys(login, address)) {
      Failures f = byKey.get(key);
      if (f != null && f.count() >= threshold) {
        Duration left = Duration.between(now, f.last().plus(delay(f.count())));
        if (left.compareTo(longest) > 0) {
          longest = left;
        }
      }
    }
    return longest.isZero() ? Optional.empty() : Optional.of(longest);
  }

  /** Counts a failed attempt. */
  public synchronized void failed(String login, String address) {
    Instant now = clock.instant();
    forget(now);
    for (String key : keys(login, address)) {
      Failures f = byKey.get(key);
      byKey.put(key, new Failures(f == null ? 1 : f.count() + 1, now));
    }
  }

  /** Forgets a login's failures once it succeeded. */
  public synchronized void succeeded(String login) {
    byKey.remove(keys(login, "")[0]);
  }

  /** The delay after {@code count} failures (none below the threshold). */
  Duration delay(int count) {
    if (count < threshold) {
      return Duration.ZERO;
    }
    int doublings = Math.min(count - threshold, 20);
    Duration delay = FIRST_DELAY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }

  private static String[] keys(String login, String address) {
    return new String[] {"login:" + login.trim().toLowerCase(Locale.ROOT), "address:" + address};
  }

  /** Drops the keys without failure for an hour; past {@link #MAX_KEYS}, the oldest. */
  private void forget(Instant now) {
    byKey.values().removeIf(f -> f.last().plus(FORGET_AFTER).isBefore(now));
    while (byKey.size() >= MAX_KEYS) {
      byKey.entrySet().stream()
          .min(Map.Entry.comparingByValue(java.util.Comparator.comparing(Failures::last)))
          .ifPresent(oldest -> byKey.remove(oldest.getKey()));
    }
  }
}
