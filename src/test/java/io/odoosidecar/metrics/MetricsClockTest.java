package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.http.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Micrometer's clock follows the sidecar's. */
class MetricsClockTest {
  @Test
  void aTestClockDrivesWallAndMeasuredTime() {
    Instant start = Instant.parse("2026-03-01T10:00:00.250Z");
    TestClock time = new TestClock(start);
    io.micrometer.core.instrument.Clock clock = MetricsClock.of(time);
    long before = clock.monotonicTime();

    time.advance(Duration.ofMillis(1_500).plusNanos(7));

    assertThat(clock.monotonicTime() - before).isEqualTo(1_500_000_007L);
    assertThat(clock.wallTime()).isEqualTo(start.plusMillis(1_500).toEpochMilli());
  }

  @Test
  void theSystemClockIsMicrometersOwn_inAnyZone() {
    assertThat(MetricsClock.of(Clock.systemUTC()))
        .isSameAs(io.micrometer.core.instrument.Clock.SYSTEM);
    assertThat(MetricsClock.of(Clock.system(ZoneId.of("Europe/Brussels"))))
        .isSameAs(io.micrometer.core.instrument.Clock.SYSTEM);
    assertThat(MetricsClock.of(Clock.fixed(Instant.EPOCH, ZoneId.of("UTC"))))
        .isNotSameAs(io.micrometer.core.instrument.Clock.SYSTEM);
  }
}
