package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PollState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollerTest {
  @TempDir Path dir;
  MemoryOdoo odoo;
  EventLog log;
  PollState state;
  Echoes echoes;
  final List<Rule> rules = new ArrayList<>();
  Poller poller;
  Processor processor;

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    log = EventLog.embedded(dir);
    state = PollState.open(log.connectionSource());
    echoes = new Echoes(Clock.systemUTC(), Duration.ofMinutes(10));
    rules.add(ProcessorTest.vip("VIP"));
    rules.add(
        new Rule(
            "Deleted lead",
            "crm.lead",
            true,
            Trigger.ON_UNLINK,
            List.of(),
            null,
            "[('priority', '=', '3')]"));
    poller =
        new Poller(
            "memory",
            odoo,
            log,
            state,
            () -> rules,
            new Poller.Settings(50, Duration.ofSeconds(60), Duration.ZERO),
            Clock.systemUTC(),
            echoes);
    processor =
        new Processor(
            log,
            db -> odoo,
            () -> rules,
            new Processor.Settings(5, new RetryPolicy(3, Duration.ZERO, Duration.ZERO)),
            Clock.systemUTC(),
            echoes);
    odoo.now("2026-11-24 09:00:00");
  }

  @AfterEach
  void tearDown() {
    state.close();
    log.close();
  }

  List<ChangePayload> pending() {
    List<ChangePayload> out = new ArrayList<>();
    for (EventLog.Event event : log.claim(10_000, Clock.systemUTC().instant())) {
      out.add(ChangePayload.parse(event.payload()));
      log.complete(event.id());
    }
    return out;
  }

  void write(long id, Map<String, Object> values) {
    odoo.executeKw("crm.lead", "write", List.of(List.of(id), values), Map.of());
  }

  @Test
  void theFirstPassTakesSnapshotsAndFiresNothingForThePast() {
    assertThat(poller.poll("crm.lead")).isZero();
    assertThat(state.cursor("memory", "crm.lead")).isPresent();
    assertThat(state.snapshots("memory", "crm.lead", null)).hasSameSizeAs(odoo.records("crm.lead"));
    assertThat(poller.poll("crm.lead")).isZero();
  }

  @Test
  void aChangeIsFoundWithItsOldValuesAndFiresTheRule() {
    poller.poll("crm.lead");
    long id = odoo.records("crm.lead").keySet().iterator().next();
    Object before = odoo.records("crm.lead").get(id).get("expected_revenue");
    write(id, Map.of("expected_revenue", 50000.0));

    assertThat(poller.poll("crm.lead")).isEqualTo(1);
    List<EventLog.Event> events = log.claim(10, Clock.systemUTC().instant());
    ChangePayload payload = ChangePayload.parse(events.get(0).payload());
    assertThat(payload.operation()).isEqualTo("write");
    assertThat(payload.fields()).containsExactly("expected_revenue");
    assertThat(payload.old()).containsEntry("expected_revenue", before);
    assertThat(payload.source()).isEqualTo("poll");

    odoo.now("2026-11-24 09:00:05");
    processor.process(events);
    assertThat(odoo.records("crm.lead").get(id).get("priority")).isEqualTo("3");
    // the sidecar's own write comes back to the poller as an echo of the rule: no loop
    assertThat(poller.poll("crm.lead")).isEqualTo(1);
    assertThat(pending())
        .singleElement()
        .satisfies(p -> assertThat(p.chain()).containsExactly("VIP"));
  }

  @Test
  void recordsWrittenInTheSameSecondAreNotSkippedWhateverTheirIds() {
    poller.poll("crm.lead");
    List<Long> ids = new ArrayList<>(odoo.records("crm.lead").keySet());
    long high = ids.get(ids.size() - 1);
    long low = ids.get(0);
    write(high, Map.of("expected_revenue", 1.0));
    assertThat(poller.poll("crm.lead")).isEqualTo(1);
    // later in the same second, a record with a lower id
    write(low, Map.of("expected_revenue", 2.0));
    assertThat(poller.poll("crm.lead")).isEqualTo(1);
    assertThat(pending()).hasSize(2);
    // and a second change of a watched value within that same second
    write(low, Map.of("expected_revenue", 3.0));
    assertThat(poller.poll("crm.lead")).isEqualTo(1);
  }

  @Test
  void aCreatedRecordIsACreateAndADeletedOneAnUnlinkWithItsLastValues() {
    poller.poll("crm.lead");
    Map<String, Object> copy =
        new java.util.LinkedHashMap<>(odoo.records("crm.lead").values().iterator().next());
    copy.remove("id");
    copy.keySet().retainAll(List.of("name", "expected_revenue", "priority"));
    long created =
        ((List<?>) odoo.executeKw("crm.lead", "create", List.of(List.of(copy)), Map.of()))
            .stream().map(o -> ((Number) o).longValue()).findFirst().orElseThrow();
    assertThat(poller.poll("crm.lead")).isEqualTo(1);
    assertThat(pending())
        .singleElement()
        .satisfies(p -> assertThat(p.operation()).isEqualTo("create"));

    long doomed = odoo.records("crm.lead").keySet().iterator().next();
    Object priority = odoo.records("crm.lead").get(doomed).get("priority");
    odoo.records("crm.lead").remove(doomed);
    odoo.records("crm.lead").remove(created);
    assertThat(poller.poll("crm.lead")).isEqualTo(2);
    List<ChangePayload> unlinks = pending();
    assertThat(unlinks).extracting(ChangePayload::operation).containsOnly("unlink");
    assertThat(unlinks.get(0).old()).containsEntry("priority", priority);
    assertThat(poller.poll("crm.lead")).isZero();
  }

  @Test
  void aPollDropsWhatAPushAlreadyDelivered() {
    poller.poll("crm.lead");
    long id = odoo.records("crm.lead").keySet().iterator().next();
    write(id, Map.of("expected_revenue", 70000.0));
    String version = String.valueOf(odoo.records("crm.lead").get(id).get("write_date"));
    log.append(
        List.of(
            new EventLog.NewEvent(
                "memory",
                "outbox:1:" + id,
                "crm.lead",
                id,
                "write",
                "{\"op\":\"write\"}",
                version)),
        Clock.systemUTC().instant());

    assertThat(poller.poll("crm.lead")).isZero();
    assertThat(log.counts()).containsOnly(Map.entry("pending", 1L));
  }
}
