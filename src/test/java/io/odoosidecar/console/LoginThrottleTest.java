package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.http.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Wrong logins counted per login and per address, with delays that double past the threshold. */
class LoginThrottleTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final LoginThrottle throttle = new LoginThrottle(5, clock);

  @Test
  void theFirstFailuresAreAnsweredAtOnce() {
    for (int i = 0; i < 4; i++) {
      throttle.failed("admin", "10.0.0.1");
      assertThat(throttle.wait("admin", "10.0.0.1")).isEmpty();
    }
    throttle.failed("admin", "10.0.0.1");
    assertThat(throttle.wait("admin", "10.0.0.1")).hasValue(LoginThrottle.FIRST_DELAY);
  }

  @Test
  void eachFurtherFailureDoublesTheDelayUpToTheCap() {
    assertThat(throttle.delay(4)).isZero();
    assertThat(throttle.delay(5)).isEqualTo(LoginThrottle.FIRST_DELAY);
    assertThat(throttle.delay(6)).isEqualTo(LoginThrottle.FIRST_DELAY.multipliedBy(2));
    assertThat(throttle.delay(7)).isEqualTo(LoginThrottle.FIRST_DELAY.multipliedBy(4));
    assertThat(throttle.delay(40)).isEqualTo(LoginThrottle.MAX_DELAY);
  }

  @Test
  void theDelayRunsOut() {
    for (int i = 0; i < 6; i++) {
      throttle.failed("admin", "10.0.0.1");
    }
    Duration wait = throttle.wait("admin", "10.0.0.1").orElseThrow();
    clock.advance(wait.minusSeconds(1));
    assertThat(throttle.wait("admin", "10.0.0.1")).hasValue(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.wait("admin", "10.0.0.1")).isEmpty();
  }

  @Test
  void aLoginIsHeldFromAnyAddressAndAnAddressForAnyLogin() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("Admin ", "10.0.0." + i);
    }
    assertThat(throttle.wait("admin", "10.0.0.99")).isPresent();
    assertThat(throttle.wait("other", "10.0.0.99")).isEmpty();
    for (int i = 0; i < 5; i++) {
      throttle.failed("user" + i, "10.0.0.50");
    }
    assertThat(throttle.wait("fresh", "10.0.0.50")).isPresent();
  }

  @Test
  void successForgetsTheLoginButNotTheAddress() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("admin", "10.0.0.1");
    }
    throttle.succeeded("admin");
    assertThat(throttle.wait("admin", "10.0.0.2")).isEmpty();
    assertThat(throttle.wait("admin", "10.0.0.1")).isPresent();
  }

  @Test
  void anHourWithoutFailureForgetsAKey() {
    for (int i = 0; i < 5; i++) {
      throttle.failed("admin", "10.0.0.1");
    }
    clock.advance(LoginThrottle.FORGET_AFTER.plusSeconds(1));
    throttle.failed("other", "10.0.0.9");
    throttle.failed("admin", "10.0.0.1");
    assertThat(throttle.wait("admin", "10.0.0.1")).isEmpty();
  }
}
