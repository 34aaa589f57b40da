package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The push nonces' contract, on embedded H2 and on PostgreSQL. */
class PushNoncesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(10);

  @TempDir Path dir;

  private static boolean accept(PushNonces nonces, String nonce, Instant now) {
    return nonces.accept(nonce, now, now.minus(WINDOW));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aNonceIsAcceptedOnce_alsoAfterARestart(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "nonces_once");
    try (PushNonces nonces = PushNonces.open(source)) {
      assertThat(accept(nonces, "nonce-0001", T0)).isTrue();
      assertThat(accept(nonces, "nonce-0001", T0.plusSeconds(1))).as("replayed").isFalse();
      assertThat(accept(nonces, "nonce-0002", T0.plusSeconds(1))).isTrue();
    }
    try (PushNonces again = PushNonces.open(source)) {
      assertThat(accept(again, "nonce-0001", T0.plusSeconds(2))).isFalse();
      assertThat(accept(again, "nonce-0003", T0.plusSeconds(2))).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aNonceAcceptedByOneSidecar_isRefusedByAnother(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "nonces_shared");
    try (PushNonces mine = PushNonces.open(source);
        PushNonces theirs = PushNonces.open(source)) {
      assertThat(accept(theirs, "shared-nonce", T0)).isTrue();
      assertThat(accept(mine, "shared-nonce", T0)).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void noncesOlderThanTheirTime_areForgotten_onAcceptAndByPurge(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "nonces_forget");
    try (PushNonces nonces = PushNonces.open(source)) {
      accept(nonces, "early-nonce", T0);
      accept(nonces, "later-nonce", T0.plus(Duration.ofMinutes(8)));
      Instant afterWindow = T0.plus(WINDOW).plusSeconds(1);
      assertThat(accept(nonces, "early-nonce", afterWindow))
          .as("forgotten once older than the window: its push is refused by its time instead")
          .isTrue();
      assertThat(accept(nonces, "later-nonce", afterWindow)).isFalse();

      assertThat(nonces.purge(T0.plus(Duration.ofMinutes(9)))).as("later-nonce").isOne();
      assertThat(accept(nonces, "later-nonce", afterWindow)).isTrue();
      assertThat(accept(nonces, "early-nonce", afterWindow)).as("seen at afterWindow").isFalse();
    }
  }
}
