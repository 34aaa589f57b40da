package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The instance registry's contract, on embedded H2 and on PostgreSQL. */
class InstancesTest {
  private static final Instant T0 = Instant.parse("2031-05-06T07:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void anInstanceIsAlive_whileItsHeartbeatIsWithinTheLease_oldestFirst(String backend) {
    try (Instances registry = Instances.open(Runs.source(backend, dir, "instances_live"))) {
      registry.beat("b", "http://10.0.0.2:8765", T0.plusSeconds(5), T0.plusSeconds(5));
      registry.beat("a", "http://10.0.0.1:8765", T0, T0.plusSeconds(6));
      assertThat(registry.live(T0.plusSeconds(10), LEASE))
          .extracting(Instances.Instance::id, Instances.Instance::url)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("a", "http://10.0.0.1:8765"),
              org.assertj.core.groups.Tuple.tuple("b", "http://10.0.0.2:8765"));

      registry.beat("a", "http://10.0.0.1:9000", T0, T0.plusSeconds(30));
      assertThat(registry.live(T0.plusSeconds(35), LEASE))
          .as("b's last beat is 30 s old")
          .singleElement()
          .satisfies(
              i -> {
                assertThat(i.url())
                    .as("the URL it beat with last")
                    .isEqualTo("http://10.0.0.1:9000");
                assertThat(i.startedAt()).isEqualTo(T0);
                assertThat(i.heartbeatAt()).isEqualTo(T0.plusSeconds(30));
              });
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void anInstanceThatLeaves_orIsSilentForADay_isForgotten(String backend) {
    try (Instances registry = Instances.open(Runs.source(backend, dir, "instances_leave"))) {
      registry.beat("a", "http://a", T0, T0);
      registry.beat("b", "http://b", T0, T0);
      registry.leave("a");
      assertThat(registry.live(T0, LEASE)).extracting(Instances.Instance::id).containsExactly("b");
      Instant later = T0.plus(Instances.KEPT).plusSeconds(1);
      registry.beat("c", "http://c", later, later);
      assertThat(registry.live(later, Instances.KEPT.multipliedBy(2)))
          .as("b, silent for more than a day, forgotten")
          .extracting(Instances.Instance::id)
          .containsExactly("c");
    }
  }
}
