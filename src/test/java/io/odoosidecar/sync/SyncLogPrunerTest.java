package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncLogPrunerTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-01T09:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static SyncLog.Entry entry(Instant at, long record) {
    return new SyncLog.Entry(
        0,
        at,
        "customers",
        List.of(record),
        "write",
        "PUT",
        "http://x/" + record,
        200,
        Duration.ofMillis(5),
        "",
        "{}",
        "{}",
        null,
        null,
        1,
        true);
  }

  @Test
  void tick_prunesOncePerInterval_whatIsOlderThanTheRetention() {
    MovingClock clock = new MovingClock();
    try (SyncLog log = SyncLog.embedded(dir, clock, 1024)) {
      Instant start = clock.now;
      log.record(entry(start.minus(Duration.ofDays(31)), 1));
      log.record(entry(start.minus(Duration.ofDays(29)), 2));
      SyncLogPruner pruner =
          new SyncLogPruner(log, Duration.ofDays(30), Duration.ofHours(1), clock);

      assertThat(pruner.tick()).isEqualTo(1);
      assertThat(log.query(SyncLog.Query.newest(10)))
          .extracting(e -> e.recordIds().get(0))
          .containsExactly(2L);

      clock.now = start.plus(Duration.ofMinutes(59));
      assertThat(pruner.tick()).as("within the hour: not due").isZero();
      assertThat(log.query(SyncLog.Query.newest(10))).hasSize(1);

      clock.now = start.plus(Duration.ofHours(1)).plus(Duration.ofDays(1));
      assertThat(pruner.tick()).isEqualTo(1);
      assertThat(log.query(SyncLog.Query.newest(10))).isEmpty();
    }
  }
}
