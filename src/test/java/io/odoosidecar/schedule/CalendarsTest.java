package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CalendarsTest {
  private static final Map<String, String> CALENDAR =
      Map.of("name", "char", "tz", "selection", "two_weeks_calendar", "boolean");
  private static final Map<String, String> ATTENDANCE =
      Map.ofEntries(
          Map.entry("name", "char"),
          Map.entry("calendar_id", "many2one:resource.calendar"),
          Map.entry("dayofweek", "selection"),
          Map.entry("hour_from", "float"),
          Map.entry("hour_to", "float"),
          Map.entry("day_period", "selection"),
          Map.entry("week_type", "selection"),
          Map.entry("date_from", "date"),
          Map.entry("date_to", "date"),
          Map.entry("resource_id", "many2one:resource.resource"),
          Map.entry("display_type", "selection"),
          Map.entry("sequence", "integer"));
  private static final Map<String, String> LEAVE =
      Map.of(
          "name", "char",
          "calendar_id", "many2one:resource.calendar",
          "resource_id", "many2one:resource.resource",
          "date_from", "datetime",
          "date_to", "datetime",
          "time_type", "selection");

  private final PlanDaysFixture.Recorded holidays = PlanDaysFixture.calendar("public holidays");
  private final TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final List<String> asked = new ArrayList<>();
  private MemoryOdoo odoo;
  private Calendars calendars;

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.empty();
    odoo.define("resource.calendar", CALENDAR, List.of(holidays.calendar()));
    odoo.define("resource.calendar.attendance", ATTENDANCE, holidays.attendances());
    List<Map<String, Object>> leaves = new ArrayList<>(holidays.leaves());
    leaves.add(otherCalendarsLeave());
    odoo.define("resource.calendar.leaves", LEAVE, leaves);
    Function<String, OdooClient> clientOf =
        database -> {
          asked.add(database);
          return odoo;
        };
    calendars = new Calendars(clientOf, clock);
  }

  /** A whole week off on another calendar: it must not count on this one. */
  private Map<String, Object> otherCalendarsLeave() {
    Map<String, Object> leave = new LinkedHashMap<>();
    leave.put("id", 900L);
    leave.put("name", "another calendar's week off");
    leave.put("calendar_id", List.of(holidays.id() + 100, "another"));
    leave.put("resource_id", false);
    leave.put("date_from", "2026-03-02 00:00:00");
    leave.put("date_to", "2026-03-08 00:00:00");
    leave.put("time_type", "leave");
    return leave;
  }

  @Test
  void calendarsReadOverRpcGiveOdoosRecordedAnswers() {
    for (PlanDaysFixture.Case c : holidays.cases()) {
      assertThat(calendars.planDays("prod", holidays.id(), c.days(), c.at()))
          .as(c.toString())
          .isEqualTo(c.odoo());
    }
  }

  @Test
  void twoCallsReadTheCalendarOnce() {
    LocalDateTime monday = LocalDateTime.parse("2026-03-02T10:00:00");
    calendars.planDays("prod", holidays.id(), 2, monday);
    calendars.planDays("prod", holidays.id(), -3, monday);
    assertThat(odoo.calls("read")).isEqualTo(1);
    assertThat(odoo.calls("search_read")).isEqualTo(2);
    assertThat(asked).containsExactly("prod");
  }

  @Test
  void aChangeOnACalendarModelOfTheDatabaseDropsWhatIsKept() {
    LocalDateTime monday = LocalDateTime.parse("2026-03-02T10:00:00");
    LocalDateTime before = calendars.planDays("prod", holidays.id(), 2, monday);
    odoo.records("resource.calendar.leaves")
        .get(900L)
        .put("calendar_id", List.of(holidays.id(), "public holidays"));
    calendars.changed("other", "resource.calendar.leaves");
    calendars.changed("prod", "res.partner");
    assertThat(calendars.planDays("prod", holidays.id(), 2, monday)).isEqualTo(before);
    assertThat(odoo.calls("read")).isEqualTo(1);

    calendars.changed("prod", "resource.calendar.leaves");
    LocalDateTime after = calendars.planDays("prod", holidays.id(), 2, monday);
    assertThat(odoo.calls("read")).isEqualTo(2);
    assertThat(after).as("the week off now counts: day 2 is the next week's").isAfter(before);
    assertThat(Calendars.MODELS)
        .containsExactlyInAnyOrder(
            "resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves");
  }

  @Test
  void aTimeBeyondTheLeavesReadIsAnsweredFromLeavesReadAroundIt() {
    LocalDateTime monday = LocalDateTime.parse("2026-03-02T10:00:00");
    calendars.planDays("prod", holidays.id(), 1, monday);
    LocalDateTime far = LocalDateTime.parse("2026-03-02T10:00:00").plusYears(8);
    LocalDateTime answer = calendars.planDays("prod", holidays.id(), -5, far);
    assertThat(odoo.calls("read")).isEqualTo(2);
    assertThat(answer).isEqualTo(holidays.workCalendar().planDays(-5, far, true));
    calendars.planDays("prod", holidays.id(), 3, far);
    assertThat(odoo.calls("read")).as("kept around the far time now").isEqualTo(2);
  }

  @Test
  void theLeavesReadAreAroundTheClocksNow() {
    clock.advance(java.time.Duration.ofDays(365 * 30));
    calendars.planDays("prod", holidays.id(), 1, LocalDateTime.parse("2026-03-02T10:00:00"));
    assertThat(odoo.calls("read")).as("read around now, then around the time asked").isEqualTo(2);
  }

  @Test
  void anUnknownCalendarIsAnError() {
    assertThatThrownBy(() -> calendars.planDays("prod", 4242, 1, LocalDateTime.now(clock)))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("database prod has no resource.calendar 4242");
  }
}
