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
}
