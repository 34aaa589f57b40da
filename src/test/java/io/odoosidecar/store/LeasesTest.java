package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Named leases' contract, on embedded H2 and on PostgreSQL: one owner at a time, until its end. */
class LeasesTest {
  private static final Instant T0 = Instant.parse("2031-05-06T07:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void oneOwnerAtATime_renewedByIt_takenByAnotherOnceItEnds(String backend) {
    try (Leases a = Leases.open(Runs.source(backend, dir, "leases_owner"))) {
      assertThat(a.holder("leader", T0)).isEmpty();
      assertThat(a.acquire("leader", "a", T0, TTL)).isTrue();
      assertThat(a.acquire("leader", "b", T0.plusSeconds(10), TTL)).as("a holds it").isFalse();
      assertThat(a.acquire("leader", "a", T0.plusSeconds(20), TTL)).as("renewed").isTrue();
      assertThat(a.acquire("leader", "b", T0.plusSeconds(49), TTL)).isFalse();
      assertThat(a.holder("leader", T0.plusSeconds(49))).contains("a");
      assertThat(a.holder("leader", T0.plusSeconds(50))).as("ended").isEmpty();
      assertThat(a.acquire("leader", "b", T0.plusSeconds(50), TTL)).as("taken over").isTrue();
      assertThat(a.acquire("leader", "a", T0.plusSeconds(51), TTL))
          .as("the old holder cannot renew it")
          .isFalse();
      assertThat(a.holder("leader", T0.plusSeconds(51))).contains("b");
      assertThat(a.acquire("other", "a", T0.plusSeconds(51), TTL))
          .as("another name is another lease")
          .isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aReleasedLease_isTakenAtOnce_butOnlyItsOwnerReleasesIt(String backend) {
    try (Leases leases = Leases.open(Runs.source(backend, dir, "leases_release"))) {
      leases.acquire("leader", "a", T0, TTL);
      leases.release("leader", "b");
      assertThat(leases.holder("leader", T0)).contains("a");
      leases.release("leader", "a");
      assertThat(leases.holder("leader", T0)).isEmpty();
      assertThat(leases.acquire("leader", "b", T0.plusSeconds(1), TTL)).isTrue();
    }
  }
}
