package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.SidecarException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhooks' store contract, on embedded H2 and on PostgreSQL. */
class WebhooksTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private static final String RULE = "odoo\u0000crm.lead\u0000Lead hook";

  @TempDir Path dir;

  private static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  private static EventLog.NewEvent event(String key, long record) {
    return new EventLog.NewEvent("odoo", key, "crm.lead", record, "webhook", "{}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void attempts_comeBackNewestFirst_withWhenTheyWereMade(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "webhooks_attempts");
    try (Webhooks first = Webhooks.open(source, at(T0));
        Webhooks later = Webhooks.open(source, at(T0.plusSeconds(5)))) {
      first.recordAttempt("Send lead", "https://x.example/hook", 7, 1, 503, 120, "HTTP 503");
      later.recordAttempt("Send lead", "https://x.example/hook", 7, 2, 200, 80, null);
      later.recordAttempt("Other", "https://y.example/", 8, 1, 0, 10_000, "timed out");

      assertThat(first.attempts(2))
          .containsExactly(
              new Webhooks.Attempt(
                  "Other", "https://y.example/", 8, 1, 0, 10_000, "timed out", T0.plusSeconds(5)),
              new Webhooks.Attempt(
                  "Send lead", "https://x.example/hook", 7, 2, 200, 80, null, T0.plusSeconds(5)));
      assertThat(later.attempts(10))
          .hasSize(3)
          .last()
          .extracting(Webhooks.Attempt::at)
          .isEqualTo(T0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void uuid_madeOnce_keptAcrossAReopen(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "webhooks_uuid");
    AtomicInteger made = new AtomicInteger();
    try (Webhooks hooks = Webhooks.open(source, at(T0))) {
      Webhooks.Uuid first = hooks.uuid(RULE, () -> "uuid-" + made.incrementAndGet(), T0);
      assertThat(first).isEqualTo(new Webhooks.Uuid("uuid-1", true));
      assertThat(hooks.uuid(RULE, () -> "uuid-" + made.incrementAndGet(), T0))
          .isEqualTo(new Webhooks.Uuid("uuid-1", false));
      assertThat(hooks.uuid("odoo\u0000crm.lead\u0000Other", () -> "uuid-other", T0))
          .isEqualTo(new Webhooks.Uuid("uuid-other", true));
    }
    try (Webhooks again = Webhooks.open(source, at(T0))) {
      assertThat(again.uuid(RULE, () -> "never", T0.plusSeconds(1)))
          .isEqualTo(new Webhooks.Uuid("uuid-1", false));
    }
    assertThat(made).as("a fresh uuid asked once per rule").hasValue(1);
  }

  /** Two sidecars seeing a new rule at once: the second to store takes the first's uuid. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void uuid_storedMeanwhileByAnotherSidecar_isTheOneTaken(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "webhooks_uuid_race");
    try (Webhooks mine = Webhooks.open(source, at(T0));
        Webhooks theirs = Webhooks.open(source, at(T0))) {
      Webhooks.Uuid kept =
          mine.uuid(
              RULE,
              () -> {
                theirs.uuid(RULE, () -> "theirs", T0); // stored between the look and the insert
                return "mine";
              },
              T0);
      assertThat(kept).isEqualTo(new Webhooks.Uuid("theirs", false));
      assertThat(theirs.uuid(RULE, () -> "never", T0).uuid()).isEqualTo("theirs");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void appendCall_keepsTheEventsAndTheAnswer_andAKeySentAgainStoresNothing(String backend)
      throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "webhooks_call");
    try (EventLog log = EventLog.open(source, null);
        Webhooks hooks = Webhooks.open(log.connectionSource(), at(T0))) {
      assertThat(hooks.answer(RULE, "key-1")).isEmpty();
      assertThat(
              hooks.appendCall(
                  log,
                  List.of(event("w:1:7", 7), event("w:1:8", 8)),
                  RULE,
                  "key-1",
                  "{\"a\":1}",
                  T0))
          .as("a new key")
          .isEmpty();
      assertThat(log.claim(10, T0)).extracting(EventLog.Event::recordId).containsExactly(7L, 8L);
      assertThat(hooks.answer(RULE, "key-1")).contains("{\"a\":1}");

      assertThat(hooks.appendCall(log, List.of(event("w:2:9", 9)), RULE, "key-1", "{\"a\":2}", T0))
          .as("the same key again: the first answer, nothing stored")
          .contains("{\"a\":1}");
      assertThat(hooks.answer("odoo\u0000crm.lead\u0000Other", "key-1")).isEmpty();
      assertThat(log.counts()).containsOnly(java.util.Map.entry("pending", 2L));
    }
    try (EventLog log = EventLog.open(source, null);
        Webhooks hooks = Webhooks.open(log.connectionSource(), at(T0))) {
      assertThat(hooks.answer(RULE, "key-1")).as("kept across a restart").contains("{\"a\":1}");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void appendCall_keepsBothOrNeither(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "webhooks_atomic");
    try (EventLog log = EventLog.open(source, null);
        Webhooks hooks = Webhooks.open(log.connectionSource(), at(T0))) {
      EventLog.NewEvent tooLong =
          new EventLog.NewEvent("odoo", "w:1:7", "m".repeat(300), 7, "webhook", "{}");
      assertThatThrownBy(
              () -> hooks.appendCall(log, List.of(event("w:1:6", 6), tooLong), RULE, "k", "{}", T0))
          .isInstanceOf(SidecarException.class);
      assertThat(hooks.answer(RULE, "k")).as("no answer without its events").isEmpty();

      assertThatThrownBy(
              () ->
                  hooks.appendCall(
                      log, List.of(event("w:2:6", 6)), RULE, "k".repeat(300), "{}", T0))
          .isInstanceOf(SidecarException.class);
      assertThat(log.counts()).as("no events without their answer").isEmpty();
      assertThat(log.claim(10, T0)).isEmpty();

      assertThat(hooks.appendCall(log, List.of(event("w:3:6", 6)), RULE, "k", "{}", T0)).isEmpty();
      assertThat(log.claim(10, T0)).extracting(EventLog.Event::dedupeKey).containsExactly("w:3:6");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void purge_forgetsOldAttemptsAndAnswers_keepsTheUuids(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "webhooks_purge");
    Instant recent = T0.plus(Duration.ofDays(8));
    try (EventLog log = EventLog.open(source, null);
        Webhooks old = Webhooks.open(log.connectionSource(), at(T0));
        Webhooks now = Webhooks.open(log.connectionSource(), at(recent))) {
      old.recordAttempt("Send lead", "https://x.example/hook", 7, 1, 200, 80, null);
      now.recordAttempt("Send lead", "https://x.example/hook", 8, 1, 200, 80, null);
      old.appendCall(log, List.of(event("w:old", 7)), RULE, "old", "{\"old\":1}", T0);
      now.appendCall(log, List.of(event("w:new", 8)), RULE, "new", "{\"new\":1}", recent);
      old.uuid(RULE, () -> "uuid-1", T0);

      assertThat(now.purge(T0.plus(Duration.ofDays(7)))).as("one attempt, one answer").isEqualTo(2);

      assertThat(now.attempts(10)).extracting(Webhooks.Attempt::recordId).containsExactly(8L);
      assertThat(now.answer(RULE, "old")).isEmpty();
      assertThat(now.answer(RULE, "new")).contains("{\"new\":1}");
      assertThat(now.uuid(RULE, () -> "never", recent).uuid()).isEqualTo("uuid-1");
    }
  }
}
