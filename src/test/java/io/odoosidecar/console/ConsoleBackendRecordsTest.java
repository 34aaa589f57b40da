package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.console.ConsoleBackend.DeadLetter;
import io.odoosidecar.console.ConsoleBackend.DomainCheck;
import io.odoosidecar.console.ConsoleBackend.EventCounts;
import io.odoosidecar.domain.Tri;
import io.odoosidecar.store.EventLog;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backend's records made from what the daemon holds, and the log's guard. */
class ConsoleBackendRecordsTest {

  @Test
  void theCountsAreReadFromTheEventLogsStatuses() {
    EventCounts counts =
        EventCounts.of(
            100, 2, Map.of("pending", 7L, "running", 3L, "dead", 4L, "discarded", 1L, "done", 85L));
    assertThat(counts).isEqualTo(new EventCounts(100, 7, 3, 2, 4, 1));
    assertThat(EventCounts.of(0, 0, Map.of())).isEqualTo(new EventCounts(0, 0, 0, 0, 0, 0));
  }

  @Test
  void aDeadLetterIsMadeFromItsEventAndItsLastRun() {
    Instant at = Instant.parse("2026-01-01T10:00:00Z");
    EventLog.Event event =
        new EventLog.Event(41, "prod", "k", "crm.lead", 7, "write", "{}", "dead", 5, at, null);
    DeadLetter letter = DeadLetter.of(event, "Traceback ...", "Tag hot leads", at);
    assertThat(letter)
        .isEqualTo(
            new DeadLetter(
                41, "prod", "crm.lead", 7, "write", 5, "", "Traceback ...", "Tag hot leads", at));
  }

  @Test
  void aDomainOdooAnsweredSaysSo() {
    DomainCheck check = DomainCheck.answered("[('x', '=', 1)]", true, "needs every record");
    assertThat(check.result()).isEqualTo(Tri.TRUE);
    assertThat(check.steps()).isEmpty();
    assertThat(check.note()).contains("answered by Odoo", "needs every record");
    assertThat(DomainCheck.none().result()).isEqualTo(Tri.TRUE);
  }

  @Test
  void theLogNeverTakesALineBreakFromALogin() {
    assertThat(ConsoleHandler.printable("admin\n12:00 INFO forged\r"))
        .isEqualTo("admin?12:00 INFO forged?");
  }
}
