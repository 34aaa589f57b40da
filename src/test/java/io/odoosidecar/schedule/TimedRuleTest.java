package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimedRuleTest {
  static Rule rule(Trigger trigger, Map<String, Object> parameters) {
    return new Rule("r", "x.task", true, trigger, List.of(), null, null, parameters, List.of());
  }

  static TimedRule onDeadline(long range, String unit) {
    return TimedRule.of(
        rule(
            Trigger.ON_TIME,
            Map.of(
                "trg_date_id", "deadline", "trg_date_range", range, "trg_date_range_type", unit)));
  }

  static Instant due(TimedRule timed, Object date) {
    Map<String, Object> record = new HashMap<>();
    record.put(timed.dateField(), date);
    return timed.due("db", record, (db, id, days, utc) -> null).orElseThrow();
  }

  @ParameterizedTest(name = "{0} {1} after {2} is {3}")
  @CsvSource({
    "90, minutes, 2026-12-01 10:00:00, 2026-12-01T11:30:00Z",
    "-90, minutes, 2026-12-01 10:00:00, 2026-12-01T08:30:00Z",
    "5, hour, 2026-12-01 22:00:00, 2026-12-02T03:00:00Z",
    "-5, hour, 2026-12-01 02:00:00, 2026-11-30T21:00:00Z",
    "3, day, 2026-12-30 12:00:00, 2027-01-02T12:00:00Z",
    "-3, day, 2026-12-01 12:00:00, 2026-11-28T12:00:00Z",
    "1, month, 2027-01-31 08:00:00, 2027-02-28T08:00:00Z",
    "1, month, 2028-01-31 08:00:00, 2028-02-29T08:00:00Z",
    "-1, month, 2027-03-31 08:00:00, 2027-02-28T08:00:00Z",
    "1, month, 2026-12-15 08:00:00, 2027-01-15T08:00:00Z",
    "0, day, 2026-12-01 08:00:00.123456, 2026-12-01T08:00:00.123456Z",
  })
  void dueTimesAreTheDatePlusTheDelayAsRelativedelta(
      long range, String unit, String date, String expected) {
    assertThat(due(onDeadline(range, unit), date)).isEqualTo(Instant.parse(expected));
  }

  @Test
  void aDateFieldCountsFromItsMidnightUtc() {
    assertThat(due(onDeadline(2, "hour"), "2026-12-01"))
        .isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
    assertThat(due(onDeadline(-1, "day"), "2026-03-01"))
        .isEqualTo(Instant.parse("2026-02-28T00:00:00Z"));
  }

  @Test
  void odoo19sBeforeModeMakesThePositiveDelayCountBackwards() {
    TimedRule before =
        TimedRule.of(
            rule(
                Trigger.ON_TIME,
                Map.of(
                    "trg_date_id", "deadline",
                    "trg_date_range", 3L,
                    "trg_date_range_type", "day",
                    "trg_date_range_mode", "before")));
    assertThat(before.range()).isEqualTo(-3);
    assertThat(due(before, "2026-12-10 09:00:00")).isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
  }

  @Test
  void theDateFieldFollowsTheTrigger() {
    assertThat(TimedRule.of(rule(Trigger.ON_TIME_CREATED, Map.of())).dateField())
        .isEqualTo("create_date");
    assertThat(TimedRule.of(rule(Trigger.ON_TIME_UPDATED, Map.of())).dateField())
        .isEqualTo("write_date");
    TimedRule last =
        TimedRule.of(rule(Trigger.ON_TIME, Map.of("trg_date_id", "date_automation_last")));
    assertThat(last.readFields()).contains("date_automation_last", "create_date", "write_date");
    Map<String, Object> never = new HashMap<>(Map.of("date_automation_last", false));
    never.put("create_date", "2026-12-01 07:00:00");
    assertThat(last.due("db", never, (db, id, d, t) -> null))
        .as("no last action: counted from the creation, as Odoo")
        .contains(Instant.parse("2026-12-01T07:00:00Z"));
  }

  @Test
  void aRecordWithoutADateIsNotDue() {
    assertThat(onDeadline(1, "day").due("db", Map.of("deadline", false), (db, id, d, t) -> null))
        .isEmpty();
  }

  @Test
  void aDayDelayOnACalendarIsPlannedInWorkingDays() {
    TimedRule timed =
        TimedRule.of(
            rule(
                Trigger.ON_TIME,
                Map.of(
                    "trg_date_id",
                    "deadline",
                    "trg_date_range",
                    2L,
                    "trg_date_range_type",
                    "day",
                    "trg_date_calendar_id",
                    List.of(7, "Standard 40 hours/week"))));
    assertThat(timed.calendarId()).isEqualTo(7L);
    Map<String, Object> record = Map.of("deadline", "2026-12-04 10:00:00");
    List<Object> asked = new java.util.ArrayList<>();
    Instant due =
        timed
            .due(
                "db",
                record,
                (db, id, days, utc) -> {
                  asked.addAll(List.of(db, id, days, utc));
                  return LocalDateTime.parse("2026-12-08T16:00:00");
                })
            .orElseThrow();
    assertThat(asked).containsExactly("db", 7L, 2, LocalDateTime.parse("2026-12-04T10:00:00"));
    assertThat(due).isEqualTo(Instant.parse("2026-12-08T16:00:00Z"));
    assertThat(onDeadline(2, "hour").calendarId())
        .as("a calendar counts for day delays only")
        .isNull();
  }

  @Test
  void theFingerprintChangesWithTheTimingAndTheFilter() {
    assertThat(onDeadline(1, "day").fingerprint()).isEqualTo(onDeadline(1, "day").fingerprint());
    assertThat(onDeadline(1, "day").fingerprint()).isNotEqualTo(onDeadline(2, "day").fingerprint());
    assertThat(onDeadline(1, "day").fingerprint())
        .isNotEqualTo(onDeadline(1, "hour").fingerprint());
  }
}
