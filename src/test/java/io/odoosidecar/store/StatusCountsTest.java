package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.http.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StatusCountsTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-12-02T08:00:00Z"));
  private final Map<String, Long> log = new HashMap<>(Map.of("pending", 3L, "dead", 1L));
  private final AtomicInteger counted = new AtomicInteger();
  private final Supplier<Map<String, Long>> counts =
      () -> {
        counted.incrementAndGet();
        return Map.copyOf(log);
      };

  @Test
  void theGaugesOfOneScrape_shareOneCountOfTheLog() {
    StatusCounts status = new StatusCounts(counts, clock, Duration.ofSeconds(1));

    assertThat(status.of("pending")).isEqualTo(3);
    assertThat(status.of("dead")).isEqualTo(1);
    assertThat(status.of("done")).isZero();
    assertThat(counted).hasValue(1);
  }

  @Test
  void aCountOlderThanItsFreshness_isMadeAgain_andAnswersTheLogAsItIsNow() {
    StatusCounts status = new StatusCounts(counts, clock, Duration.ofSeconds(1));
    status.of("pending");
    log.put("pending", 9L);

    clock.advance(Duration.ofMillis(999));
    assertThat(status.of("pending")).isEqualTo(3);
    clock.advance(Duration.ofMillis(1));
    assertThat(status.of("pending")).isEqualTo(9);
    assertThat(counted).hasValue(2);
  }

  @Test
  void aCountThatFailed_isTriedAgainByTheNextReader_notRememberedAsEmpty() {
    AtomicInteger tries = new AtomicInteger();
    StatusCounts status =
        new StatusCounts(
            () -> {
              if (tries.incrementAndGet() == 1) {
                throw new StoreUnavailableException("event log unavailable: test");
              }
              return Map.of("pending", 4L);
            },
            clock,
            Duration.ofSeconds(1));

    assertThatThrownBy(() -> status.of("pending")).isInstanceOf(StoreUnavailableException.class);
    assertThat(status.of("pending")).isEqualTo(4);
  }

  @Test
  void aClockSetBack_doesNotKeepACountFromItsFuture() {
    StatusCounts status = new StatusCounts(counts, clock, Duration.ofSeconds(1));
    clock.advance(Duration.ofMinutes(5));
    status.of("pending");
    log.put("pending", 6L);

    clock.advance(Duration.ofMinutes(-5));
    assertThat(status.of("pending")).isEqualTo(6);
  }

  @Test
  void aNegativeFreshness_isRefused() {
    assertThatThrownBy(() -> new StatusCounts(counts, clock, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
  }
}
