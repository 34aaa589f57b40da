package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The due-time index against the Odoo double, on a fake clock. */
class TimedIndexTest {
  static final String DB = "memory";
  static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

  @TempDir Path dir;
  final TestClock clock = new TestClock(T0);
  final List<Rule> rules = new ArrayList<>();
  final AtomicReference<Instant> armed = new AtomicReference<>();
  MemoryOdoo odoo;
  EventLog log;
  DueIndex index;
  TimedIndex timed;

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.empty();
    odoo.define(
        "x.task",
        Map.of(
            "name", "char",
            "deadline", "datetime",
            "priority", "char",
            "active", "boolean",
            "write_date", "datetime",
            "create_date", "datetime"));
    log = EventLog.embedded(dir);
    index = DueIndex.open(log.connectionSource(), clock);
    timed = newIndex();
  }

  TimedIndex newIndex() {
    TimedIndex out =
        new TimedIndex(
            index,
            log,
            List.of(DB),
            db -> odoo,
            () -> rules,
            (db, id, days, utc) -> utc.plusDays(days * 2L),
            clock,
            () -> {});
    out.onArm(armed::set);
    out.onArmedAt(armed::get);
    return out;
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  /** "One hour before the deadline, on urgent tasks". */
  static Rule hourBefore(Map<String, Object> extra) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("trg_date_id", "deadline");
    parameters.put("trg_date_range", -1L);
    parameters.put("trg_date_range_type", "hour");
    parameters.putAll(extra);
    return new Rule(
        "Remind",
        "x.task",
        true,
        Trigger.ON_TIME,
        List.of(),
        null,
        "[('priority', '=', '3')]",
        parameters,
        List.of(Map.of("state", "object_write", "update_path", "name", "value", "reminded")));
  }

  void task(long id, String deadline, String priority) {
    odoo.put(
        "x.task",
        id,
        Map.of(
            "name",
            "t" + id,
            "deadline",
            deadline,
            "priority",
            priority,
            "active",
            true,
            "write_date",
            "2026-12-01 07:00:00",
            "create_date",
            "2026-12-01 07:00:00"));
  }

  List<Long> dueRecords() {
    return index.ofRule(DB, "Remind").stream().map(DueIndex.Due::recordId).toList();
  }

  List<String> firings() {
    return log.claim(10_000, clock.instant().plus(Duration.ofDays(3650))).stream()
        .filter(e -> e.operation().equals("timed"))
        .map(EventLog.Event::dedupeKey)
        .toList();
  }

  @Test
  void theFirstReadSchedulesTheMatchingRecordsAndArmsTheEarliest() {
    task(1, "2026-12-01 12:00:00", "3");
    task(2, "2026-12-01 10:00:00", "3");
    task(3, "2026-12-01 09:00:00", "0"); // not urgent: never due
    rules.add(hourBefore(Map.of()));

    assertThat(timed.reconcile(true)).isTrue();

    assertThat(index.ofRule(DB, "Remind"))
        .extracting(DueIndex.Due::recordId, DueIndex.Due::at)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, Instant.parse("2026-12-01T09:00:00Z")),
            org.assertj.core.groups.Tuple.tuple(1L, Instant.parse("2026-12-01T11:00:00Z")));
    assertThat(armed.get()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
  }

  @Test
  void aNewFileRuleStartsFromNowAndBackfillStartsFromTheEpoch() {
    task(1, "2026-12-01 08:30:00", "3"); // due 07:30: before the rule existed
    task(2, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    assertThat(dueRecords()).containsExactly(2L);

    rules.set(0, hourBefore(Map.of("backfill", true)));
    index.forgetRule(DB, "Remind");
    timed.reconcile(false);
    assertThat(dueRecords()).containsExactly(1L, 2L);
    assertThat(timed.sweep()).as("the back-filled due time fires at once").isEqualTo(1);
    assertThat(firings()).containsExactly("timed:Remind:1:2026-12-01T07:30");
  }

  @Test
  void aRuleImportedFromOdooStartsFromItsLastRun() {
    task(1, "2026-12-01 08:30:00", "3"); // due 07:30, after Odoo's last run at 07:00
    task(2, "2026-12-01 07:30:00", "3"); // due 06:30, before it: Odoo has run it
    rules.add(hourBefore(Map.of("last_run", "2026-12-01 07:00:00")));
    timed.reconcile(true);
    assertThat(timed.sweep()).isEqualTo(1);
    assertThat(firings()).containsExactly("timed:Remind:1:2026-12-01T07:30");
  }

  @Test
  void eachRecordFiresOnceAtItsDueTime() {
    task(1, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);

    clock.advance(Duration.ofHours(2)); // 10:00, due at 11:00
    assertThat(timed.sweep()).isZero();
    clock.advance(Duration.ofHours(1)); // 11:00
    assertThat(timed.sweep()).isEqualTo(1);
    assertThat(timed.sweep()).as("fired once").isZero();
    assertThat(dueRecords()).isEmpty();
    assertThat(firings()).containsExactly("timed:Remind:1:2026-12-01T11:00");
  }

  @Test
  void aChangeOfTheDateReschedulesAndOnlyTheNewTimeFires() {
    task(1, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);

    odoo.records("x.task").get(1L).put("deadline", "2026-12-01 10:00:00");
    timed.learn(DB, "x.task", Set.of(1L), Set.of());
    assertThat(index.ofRule(DB, "Remind"))
        .extracting(DueIndex.Due::at)
        .containsExactly(Instant.parse("2026-12-01T09:00:00Z"));
    assertThat(armed.get()).isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));

    clock.advance(Duration.ofHours(4)); // past both the new and the old time
    assertThat(timed.sweep()).isEqualTo(1);
    assertThat(firings()).containsExactly("timed:Remind:1:2026-12-01T09:00");
  }

  @Test
  void unlinkArchiveAndLeavingTheFilterCancel() {
    task(1, "2026-12-01 12:00:00", "3");
    task(2, "2026-12-01 12:00:00", "3");
    task(3, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    assertThat(dueRecords()).containsExactly(1L, 2L, 3L);

    odoo.records("x.task").remove(1L);
    timed.learn(DB, "x.task", Set.of(), Set.of(1L));
    odoo.records("x.task").get(2L).put("active", false);
    odoo.records("x.task").get(3L).put("priority", "1");
    timed.learn(DB, "x.task", Set.of(2L, 3L), Set.of());

    assertThat(dueRecords()).isEmpty();
    clock.advance(Duration.ofHours(5));
    assertThat(timed.sweep()).isZero();
  }

  @Test
  void aRecordEnteringTheFilterIsScheduledFromItsChange() {
    task(1, "2026-12-01 12:00:00", "0");
    task(2, "2026-12-01 08:30:00", "0"); // due 07:30, before the change below
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    assertThat(dueRecords()).isEmpty();

    for (long id : List.of(1L, 2L)) {
      odoo.records("x.task").get(id).put("priority", "3");
      odoo.records("x.task").get(id).put("write_date", "2026-12-01 08:00:00");
    }
    timed.learn(DB, "x.task", Set.of(1L, 2L), Set.of());
    assertThat(dueRecords())
        .as("a due time before the change is past, as for Odoo's check")
        .containsExactly(1L);
  }

  @Test
  void aDueTimeReachedBeforeTheChangeArrivedFiresAtOnce() {
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    // created at 08:00 one hour before its deadline: due at once; the change arrives at 08:00:05
    task(1, "2026-12-01 09:00:00", "3");
    odoo.records("x.task").get(1L).put("write_date", "2026-12-01 08:00:00");
    clock.advance(Duration.ofSeconds(5));
    timed.learn(DB, "x.task", Set.of(1L), Set.of());
    assertThat(armed.get()).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
    assertThat(timed.sweep()).isEqualTo(1);
  }

  @Test
  void beforeFiringTheRecordIsCheckedAgainstTheFilter() {
    task(1, "2026-12-01 12:00:00", "3");
    task(2, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    // changed through paths the sidecar did not see
    odoo.records("x.task").get(1L).put("priority", "0");
    odoo.records("x.task").get(2L).put("deadline", "2026-12-02 12:00:00");

    clock.advance(Duration.ofHours(3));
    assertThat(timed.sweep()).isZero();
    assertThat(index.ofRule(DB, "Remind"))
        .as("the record whose date moved is due at its new time")
        .extracting(DueIndex.Due::recordId, DueIndex.Due::at)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, Instant.parse("2026-12-02T11:00:00Z")));
  }

  @Test
  void afterDowntimeEachRecordDueMeanwhileFiresOnce() {
    task(1, "2026-12-01 10:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    clock.advance(Duration.ofHours(1)); // 09:00: task 1 fires
    assertThat(timed.sweep()).isEqualTo(1);

    // down from 09:00 to 15:00; meanwhile tasks 2 and 3 came due and task 4 was due before
    // the rule's last sweep (never fires), task 5 is due later
    task(2, "2026-12-01 11:00:00", "3");
    task(3, "2026-12-01 14:30:00", "3");
    task(4, "2026-12-01 09:30:00", "3");
    task(5, "2026-12-01 18:00:00", "3");
    odoo.records("x.task").get(4L).put("deadline", "2026-12-01 09:59:59");
    clock.advance(Duration.ofHours(6));
    TimedIndex restarted = newIndex();
    restarted.reconcile(true);
    assertThat(armed.get()).isBefore(clock.instant());
    assertThat(restarted.sweep()).isEqualTo(2);
    assertThat(restarted.sweep()).isZero();
    assertThat(firings())
        .containsExactlyInAnyOrder(
            "timed:Remind:1:2026-12-01T09:00",
            "timed:Remind:2:2026-12-01T10:00",
            "timed:Remind:3:2026-12-01T13:30");
    assertThat(dueRecords()).containsExactly(5L);
  }

  @Test
  void aFiringStoredBeforeACrashIsNotStoredAgain() {
    task(1, "2026-12-01 10:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    clock.advance(Duration.ofHours(1));
    // the crash came after the firing was stored and before its due time was forgotten
    log.append(
        List.of(
            TimedIndex.firing(
                DB, TimedRule.of(rules.get(0)), 1, Instant.parse("2026-12-01T09:00:00Z"))),
        clock.instant());
    assertThat(timed.sweep()).as("the same (rule, record, due time) is stored once").isZero();
    assertThat(dueRecords()).isEmpty();
    assertThat(firings()).hasSize(1);
  }

  @Test
  void aChangedRuleIsReadAgainAndARemovedOneForgotten() {
    task(1, "2026-12-01 12:00:00", "3");
    task(2, "2026-12-01 12:00:00", "0");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    assertThat(dueRecords()).containsExactly(1L);

    Rule all =
        new Rule(
            "Remind",
            "x.task",
            true,
            Trigger.ON_TIME,
            List.of(),
            null,
            null,
            rules.get(0).parameters(),
            rules.get(0).actions());
    rules.set(0, all);
    timed.reconcile(false);
    assertThat(dueRecords()).containsExactly(1L, 2L);

    rules.clear();
    timed.reconcile(false);
    assertThat(index.rules(DB)).isEmpty();
    assertThat(index.next()).isEmpty();
  }

  @Test
  void manyRecordsAreReadPageByPage() {
    for (long id = 1; id <= 4500; id++) {
      task(id, "2026-12-02 12:00:00", "3");
    }
    rules.add(hourBefore(Map.of()));
    odoo.resetCalls();
    timed.reconcile(true);
    assertThat(index.summary(DB, "Remind").count()).isEqualTo(4500);
    assertThat(odoo.calls("search_read")).as("three pages").isEqualTo(3);
  }

  @Test
  void aCalendarRulePlansWorkingDaysAndIsReTimedWhenACalendarChanges() {
    task(1, "2026-12-01 12:00:00", "3");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("trg_date_id", "deadline");
    p.put("trg_date_range", 1L);
    p.put("trg_date_range_type", "day");
    p.put("trg_date_calendar_id", 4L);
    rules.add(
        new Rule("Remind", "x.task", true, Trigger.ON_TIME, List.of(), null, null, p, List.of()));
    List<String> told = new ArrayList<>();
    timed.onCalendarChange((db, model) -> told.add(db + " " + model));
    timed.reconcile(true);
    // the test's planner counts two days per working day
    assertThat(index.ofRule(DB, "Remind"))
        .extracting(DueIndex.Due::at)
        .containsExactly(Instant.parse("2026-12-03T12:00:00Z"));

    odoo.records("x.task").get(1L).put("deadline", "2026-12-02 12:00:00"); // not seen
    timed.learn(DB, "resource.calendar.leaves", Set.of(9L), Set.of());
    assertThat(told).containsExactly("memory resource.calendar.leaves");
    assertThat(index.ofRule(DB, "Remind"))
        .extracting(DueIndex.Due::at)
        .containsExactly(Instant.parse("2026-12-04T12:00:00Z"));
  }

  @Test
  void statusShowsEachTimedRuleWithItsNextDueTimeAndCount() {
    task(1, "2026-12-01 12:00:00", "3");
    task(2, "2026-12-01 13:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    assertThat(timed.status())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.kind()).isEqualTo("timed");
              assertThat(s.name()).isEqualTo("Remind");
              assertThat(s.pending()).isEqualTo(2);
              assertThat(s.nextFire()).isEqualTo(Instant.parse("2026-12-01T11:00:00Z"));
            });
  }

  @Test
  void aRuleOdooRefusesHoldsUpNeitherTheChangesNorTheOtherRules() {
    task(1, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    rules.add(
        new Rule(
            "Broken",
            "x.task",
            true,
            Trigger.ON_TIME,
            List.of(),
            null,
            "[('no_such_field', '=', 1)]",
            rules.get(0).parameters(),
            List.of()));
    timed.reconcile(true);
    assertThat(dueRecords()).containsExactly(1L);

    task(2, "2026-12-01 11:00:00", "3");
    timed.learn(DB, "x.task", Set.of(2L), Set.of()); // no exception: the events are not failed
    assertThat(dueRecords()).containsExactly(2L, 1L);
    clock.advance(Duration.ofHours(4));
    assertThat(timed.sweep()).isEqualTo(2);
  }

  @Test
  void aDueRecordChangedAfterItsDueTimeBeforeTheSweepStillFires() {
    task(1, "2026-12-01 10:00:00", "3"); // due 09:00
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true); // swept at 08:00
    // the sidecar was away at 09:00; the record was edited at 09:30, the change arrives at 10:00
    odoo.records("x.task").get(1L).put("name", "edited");
    odoo.records("x.task").get(1L).put("write_date", "2026-12-01 09:30:00");
    clock.advance(Duration.ofHours(2));
    timed.learn(DB, "x.task", Set.of(1L), Set.of());
    assertThat(timed.sweep()).isEqualTo(1);
    assertThat(firings()).containsExactly("timed:Remind:1:2026-12-01T09:00");
  }

  @Test
  void aTriggerLostToAFailedArmingIsArmedAgainByTheRepair() {
    task(1, "2026-12-01 09:30:00", "3"); // due 08:30, within the heartbeat
    rules.add(hourBefore(Map.of()));
    timed.onArm(
        at -> {
          throw new IllegalStateException("database away");
        });
    assertThatThrownBy(() -> timed.reconcile(true)).hasMessageContaining("database away");
    assertThat(armed.get()).isNull();

    timed.onArm(armed::set);
    timed.repair();
    assertThat(armed.get()).isEqualTo(Instant.parse("2026-12-01T08:30:00Z"));
  }

  @Test
  void withNothingDueTheTriggerStillComesWithinTheHeartbeatAndMovesTheLastSweepOn() {
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    assertThat(armed.get()).isEqualTo(T0.plus(TimedIndex.HEARTBEAT));
    clock.advance(TimedIndex.HEARTBEAT);
    timed.sweep();
    assertThat(index.state(DB, "Remind").orElseThrow().swept()).isEqualTo(clock.instant());
  }

  @Test
  void aWriteOfFieldsTheRuleDoesNotReadCostsNoRead() {
    task(1, "2026-12-01 12:00:00", "3");
    rules.add(hourBefore(Map.of()));
    timed.reconcile(true);
    odoo.resetCalls();

    odoo.records("x.task").get(1L).put("name", "renamed");
    timed.learn(DB, "x.task", Set.of(1L), Set.of(), Set.of("name"));
    assertThat(odoo.calls("search_read")).as("name is neither the date nor in the filter").isZero();

    odoo.records("x.task").get(1L).put("priority", "0");
    timed.learn(DB, "x.task", Set.of(1L), Set.of(), Set.of("priority"));
    assertThat(odoo.calls("search_read")).isEqualTo(1);
    assertThat(dueRecords()).as("the filter no longer holds").isEmpty();

    odoo.records("x.task").get(1L).put("priority", "3");
    timed.learn(DB, "x.task", Set.of(1L), Set.of(), null);
    assertThat(dueRecords()).as("fields unknown: read").containsExactly(1L);
  }

  @Test
  void onTimeUpdatedIsConcernedByEveryWrite() {
    Rule updated =
        new Rule(
            "u",
            "x.task",
            true,
            Trigger.ON_TIME_UPDATED,
            List.of(),
            null,
            null,
            Map.of("trg_date_range", 1L, "trg_date_range_type", "day"),
            List.of());
    Map<String, io.odoosidecar.odoo.FieldInfo> plain = odoo.fieldsGet("x.task");
    TimedRule remind = TimedRule.of(hourBefore(Map.of()));
    assertThat(TimedRule.of(updated).concernedBy(Set.of("name"), plain)).isTrue();
    assertThat(remind.concernedBy(Set.of("deadline"), plain)).isTrue();
    assertThat(remind.concernedBy(Set.of("active"), plain)).isTrue();
    assertThat(remind.concernedBy(Set.of("name"), plain)).isFalse();
    // a computed deadline (fields_get's depends) moves with what it is computed from
    Map<String, io.odoosidecar.odoo.FieldInfo> computed = new java.util.HashMap<>(plain);
    computed.put(
        "deadline",
        io.odoosidecar.odoo.FieldInfo.of(
            "deadline", Map.of("type", "datetime", "depends", List.of("name", "stage_id.fold"))));
    assertThat(remind.concernedBy(Set.of("name"), computed)).isTrue();
    assertThat(remind.concernedBy(Set.of("stage_id"), computed)).isTrue();
    assertThat(remind.concernedBy(Set.of("create_uid"), computed)).isFalse();
  }
}
