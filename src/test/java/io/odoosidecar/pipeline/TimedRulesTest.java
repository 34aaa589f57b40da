package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimedRulesTest {
  @TempDir Path dir;
  MemoryOdoo odoo;
  EventLog log;
  final List<Rule> rules = new ArrayList<>();
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
  final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    log = EventLog.embedded(dir);
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  static Rule stale(Map<String, Object> parameters) {
    return new Rule(
        "Stale hot lead",
        "crm.lead",
        true,
        Trigger.ON_TIME_UPDATED,
        List.of(),
        null,
        "[('priority', '=', '3')]",
        parameters,
        List.of(Map.of("state", "object_write", "update_path", "color", "value", "7")));
  }

  long dueAfterOneDay(Instant at) {
    LocalDateTime cutoff = LocalDateTime.ofInstant(at, ZoneOffset.UTC).minusDays(1);
    return odoo.records("crm.lead").values().stream()
        .filter(r -> "3".equals(r.get("priority")))
        .filter(r -> !Boolean.FALSE.equals(r.get("active"))) // Odoo's search leaves archived out
        .filter(r -> TimedRules.parse(String.valueOf(r.get("write_date"))).isBefore(cutoff))
        .count();
  }

  @Test
  void recordsFireOnceWhenTheirDatePlusTheDelayHasPassed() {
    rules.add(stale(Map.of("trg_date_range", 1L, "trg_date_range_type", "day")));
    TimedRules timer = new TimedRules("memory", odoo, log, () -> rules, clock);
    long expected = dueAfterOneDay(now.get());
    assertThat(expected).as("the fixtures hold hot leads").isPositive();

    assertThat(timer.run()).isEqualTo((int) expected);
    now.set(now.get().plus(Duration.ofHours(1)));
    assertThat(timer.run()).as("each record's due time passes once").isZero();

    // a hot lead updated now is due a day later, and only then
    long id = odoo.records("crm.lead").keySet().iterator().next();
    odoo.records("crm.lead").get(id).put("priority", "3");
    odoo.records("crm.lead").get(id).put("write_date", "2026-12-01 01:00:00");
    now.set(Instant.parse("2026-12-02T00:30:00Z"));
    assertThat(timer.run()).isZero();
    now.set(Instant.parse("2026-12-02T01:30:00Z"));
    assertThat(timer.run()).isEqualTo(1);

    List<EventLog.Event> events = log.claim(10_000, clock.instant());
    new Processor(
            log,
            db -> odoo,
            () -> rules,
            new Processor.Settings(5, new RetryPolicy(2, Duration.ZERO, Duration.ZERO)),
            clock,
            null)
        .process(events);
    assertThat(odoo.records("crm.lead").get(id).get("color")).isEqualTo(7L);
    assertThat(log.counts()).containsOnlyKeys("done");
  }

  @Test
  void aRuleImportedFromOdooStartsFromItsLastRunAndBeforeModeCountsBackwards() {
    // Odoo 19 writes "3 days before" as a positive delay with trg_date_range_mode: before
    rules.add(
        stale(
            Map.of(
                "trg_date_range",
                1L,
                "trg_date_range_type",
                "day",
                "trg_date_range_mode",
                "before",
                "last_run",
                "2026-11-30 23:00:00")));
    long id = odoo.records("crm.lead").keySet().iterator().next();
    odoo.records("crm.lead").values().forEach(r -> r.put("priority", "0"));
    odoo.records("crm.lead").get(id).put("priority", "3");
    odoo.records("crm.lead").get(id).put("write_date", "2026-12-01 23:30:00"); // due 11-30 23:30

    assertThat(new TimedRules("memory", odoo, log, () -> rules, clock).run()).isEqualTo(1);
  }
}
