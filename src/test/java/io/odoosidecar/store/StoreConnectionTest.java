package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store's connection, opened again after its embedded file was lost, gets its schema back. */
class StoreConnectionTest {
  @TempDir Path dir;

  @Test
  void aStoreWhoseEmbeddedFileWasLostHasItsSchemaAgainOnItsNextUse() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath() + ";DB_CLOSE_DELAY=0";
    EventLog.ConnectionSource source = () -> DriverManager.getConnection(url);
    RunHistory history =
        RunHistory.open(source, Clock.systemUTC(), new RunHistory.Limits(100, Duration.ofDays(1)));
    assertThat(history.count()).isZero();

    history.close(); // as when the event log breaks: the store lets its database go
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }

    assertThat(history.count()).as("the new, empty file has the table again").isZero();
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("store"));
    }
    history.close();
  }

  @Test
  void aStatementRefusedOnAConnectionThatAnswers_isNoUnavailability() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath() + ";DB_CLOSE_DELAY=0";
    try (StoreConnection store =
        StoreConnection.open(
            () -> DriverManager.getConnection(url), "push nonces", "push_nonces")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> store.work(c -> c.createStatement().executeQuery("SELECT * FROM nowhere")))
          .isInstanceOf(io.odoosidecar.SidecarException.class)
          .isNotInstanceOf(StoreUnavailableException.class)
          .hasMessageStartingWith("push nonces: ")
          .hasMessageContaining("NOWHERE");
      Boolean answers = store.work(c -> c.isValid(1));
      assertThat(answers).as("the same connection goes on").isTrue();
    }
  }

  @Test
  void whileTheEventLogIsDownItsStoresOpenNoConnectionSoItsRecoveryFindsANewFile()
      throws Exception {
    EventLog log = EventLog.embedded(dir);
    RuleStates states = RuleStates.open(log.connectionSource(), Clock.systemUTC());
    log.onBroken(states::close);
    try {
      java.nio.file.Files.delete(dir.resolve("events.mv.db"));
      log.check();
      assertThat(log.health().usable()).isFalse();

      org.assertj.core.api.Assertions.assertThatThrownBy(states::refresh)
          .as("no connection is opened on the lost database")
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("event log");
      log.reopen();

      assertThat(log.health().usable()).isTrue();
      assertThat(dir.resolve("events.mv.db")).as("a new file, not the lost one kept open").exists();
      log.check();
      assertThat(log.health().usable()).as("and it stays up").isTrue();
      states.refresh(); // the store's schema in the new file
      assertThat(states.paused()).isEmpty();
    } finally {
      states.close();
      log.close();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.connectionSource().open())
        .hasMessageContaining("closed");
  }
}
