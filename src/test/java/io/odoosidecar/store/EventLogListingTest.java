package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The event log's listing a page at a time and its discarding of dead letters. */
class EventLogListingTest {
  private static final Instant T0 = Instant.parse("2030-01-10T08:00:00Z");

  @TempDir Path dir;

  private EventLog open(String backend, String name) throws java.sql.SQLException {
    return EventLog.open(Runs.source(backend, dir, name), null);
  }

  private static List<Long> append(EventLog log, int count) {
    List<EventLog.NewEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new EventLog.NewEvent("odoo", "outbox:" + i, "crm.lead", 100 + i, "write", "{}"));
    }
    return log.append(events, T0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void page_givesTheEventsInIdOrder_eitherWay_ofOneStatusOrAll(String backend) throws Exception {
    try (EventLog log = open(backend, "event_log_page")) {
      List<Long> ids = append(log, 6);
      List<EventLog.Event> claimed = log.claim(3, T0);
      log.completeAll(List.of(claimed.get(0).id()));
      log.fail(claimed.get(1).id(), "boom", T0, 1);

      assertThat(log.page(0, false, 4, null))
          .extracting(EventLog.Event::id)
          .containsExactlyElementsOf(ids.subList(0, 4));
      assertThat(log.page(ids.get(3), false, 4, null))
          .extracting(EventLog.Event::id)
          .containsExactly(ids.get(4), ids.get(5));
      assertThat(log.page(ids.get(3), true, 2, null))
          .extracting(EventLog.Event::id)
          .containsExactly(ids.get(2), ids.get(1));
      assertThat(log.page(0, false, 10, null))
          .extracting(EventLog.Event::status)
          .containsExactly("done", "dead", "running", "pending", "pending", "pending");
      assertThat(log.page(0, false, 10, "dead"))
          .extracting(EventLog.Event::id)
          .containsExactly(claimed.get(1).id());
      assertThat(log.events(List.of(ids.get(5), ids.get(0), 999_999L)))
          .extracting(EventLog.Event::id)
          .containsExactly(ids.get(0), ids.get(5));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void discard_marksOnlyDeadLetters_keepsThem_andTheyAreNotReplayed(String backend)
      throws Exception {
    try (EventLog log = open(backend, "event_log_discard")) {
      List<Long> ids = append(log, 3);
      List<EventLog.Event> claimed = log.claim(2, T0);
      log.fail(claimed.get(0).id(), "boom", T0, 1);
      log.fail(claimed.get(1).id(), "bang", T0, 1);

      assertThat(log.discard(List.of(ids.get(2), ids.get(1), ids.get(0), ids.get(1)), T0))
          .containsExactly(ids.get(1), ids.get(0));
      assertThat(log.discard(List.of(ids.get(0)), T0)).isEmpty();
      assertThat(log.deadLetters()).isEmpty();
      assertThat(log.replay(ids.get(0), T0)).isFalse();
      assertThat(log.counts()).containsEntry("discarded", 2L).containsEntry("pending", 1L);
      assertThat(log.events(List.of(ids.get(0))))
          .singleElement()
          .satisfies(e -> assertThat(e.lastError()).isEqualTo("boom"));
    }
  }
}
