package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What takes the event log down, and what does not. */
class EventLogHealthTest {
  @TempDir Path dir;

  @Test
  void dataErrorOfOneStatement_leavesTheLogUp() {
    try (EventLog log = EventLog.embedded(dir)) {
      String tooLong = "m".repeat(300); // the model column holds 255
      assertThatThrownBy(
              () ->
                  log.append(
                      List.of(new EventLog.NewEvent("odoo", "k", tooLong, 7, "write", "{}")),
                      Instant.now()))
          .isNotInstanceOf(StoreUnavailableException.class);
      assertThat(log.health().usable()).as("a refused row is not a lost store").isTrue();
      assertThat(
              log.append(
                  List.of(new EventLog.NewEvent("odoo", "k", "crm.lead", 7, "write", "{}")),
                  Instant.now()))
          .hasSize(1);
    }
  }

  @Test
  void check_fileGone_marksTheLogDown() throws Exception {
    try (EventLog log = EventLog.embedded(dir)) {
      assertThat(log.check().usable()).isTrue();
      Files.delete(dir.resolve("events.mv.db"));
      EventLog.Health health = log.check();
      assertThat(health.state()).isEqualTo(EventLog.State.DOWN);
      assertThat(health.reason()).contains("events.mv.db");
    }
  }
}
