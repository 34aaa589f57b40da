package io.odoosidecar.metrics;

import io.micrometer.core.instrument.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Micrometer's clock over a {@link java.time.Clock}: the sidecar's injected time drives the
 * registry's wall time and the timers' measured time, so that a test's clock gives known durations.
 * The system clock maps to Micrometer's own, whose monotonic time is {@link System#nanoTime}, which
 * never steps back when the wall clock is set.
 */
final class MetricsClock implements Clock {
  private final java.time.Clock time;

  private MetricsClock(java.time.Clock time) {
    this.time = time;
  }

  /** Micrometer's clock for this time. */
  static Clock of(java.time.Clock time) {
    Objects.requireNonNull(time, "time");
    if (time.equals(java.time.Clock.system(time.getZone()))) {
      return Clock.SYSTEM;
    }
    return new MetricsClock(time);
  }

  @Override
  public long wallTime() {
    return time.millis();
  }

  @Override
  public long monotonicTime() {
    Instant now = time.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }
}
