package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.odoo.OdooRecord;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class WorkCalendarTest {

  @TestFactory
  Stream<DynamicNode> everyRecordedCaseGivesOdoosAnswer() {
    return PlanDaysFixture.calendars().stream().map(WorkCalendarTest::cases);
  }

  private static DynamicContainer cases(PlanDaysFixture.Recorded recorded) {
    WorkCalendar calendar = recorded.workCalendar();
    return DynamicContainer.dynamicContainer(
        recorded.name(),
        recorded.cases().stream()
            .map(
                c ->
                    DynamicTest.dynamicTest(
                        c.toString(),
                        () ->
                            assertThat(calendar.planDays(c.days(), c.at(), true))
                                .isEqualTo(c.odoo()))));
  }

  @Test
  void theFixtureHoldsTheEdgesItIsMeantToProve() {
    List<PlanDaysFixture.Case> all =
        PlanDaysFixture.calendars().stream().flatMap(c -> c.cases().stream()).toList();
    assertThat(all).hasSizeGreaterThan(3000);
    assertThat(all).anyMatch(c -> c.odoo() == null);
    assertThat(all).anyMatch(c -> c.days() == 0 && c.at().getNano() > 0);
    assertThat(all)
        .as("an answer on a window's edge, the same time of day as the start")
        .anyMatch(
            c ->
                c.days() > 0
                    && c.odoo() != null
                    && c.odoo().toLocalTime().equals(c.at().toLocalTime())
                    && !c.odoo().toLocalDate().equals(c.at().toLocalDate()));
    assertThat(all)
        .as("an answer at 24:00, Odoo's last microsecond of a day")
        .anyMatch(c -> c.odoo() != null && c.odoo().getNano() == 999_999_000);
  }

  @Test
  void lunchSectionAndOneResourcesLinesAreNoWork() {
    WorkCalendar standard = PlanDaysFixture.calendar("standard 40h").workCalendar();
    WorkCalendar twoWeeks = PlanDaysFixture.calendar("two weeks Kolkata").workCalendar();
    assertThat(standard.attendances()).hasSize(10);
    assertThat(twoWeeks.attendances()).hasSize(15);
  }

  @Test
  void onlyTimeOffsOfNoResourceCount() {
    PlanDaysFixture.Recorded holidays = PlanDaysFixture.calendar("public holidays");
    assertThat(holidays.leaves()).hasSize(7);
    assertThat(holidays.workCalendar().leaves()).hasSize(5);
  }

  @Test
  void hoursBecomeTimesAsOdoosFloatToTimeMakesThem() {
    assertThat(WorkCalendar.timeOf(24.0)).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
    assertThat(WorkCalendar.timeOf(18.25)).isEqualTo(LocalTime.of(18, 15));
    // Odoo 18's float_to_time on these (math.modf, float_round HALF-UP): 8:00, 8:02, 7:59
    assertThat(WorkCalendar.timeOf(8.0 + 1.0 / 120)).isEqualTo(LocalTime.of(8, 0));
    assertThat(WorkCalendar.timeOf(8.025)).isEqualTo(LocalTime.of(8, 2));
    assertThat(WorkCalendar.timeOf(7.99)).isEqualTo(LocalTime.of(7, 59));
    assertThatThrownBy(() -> WorkCalendar.timeOf(25)).hasMessageContaining("hour 25.0");
  }

  @Test
  void weekTypeAlternatesFromTheFirstDayOfYearOne() {
    assertThat(WorkCalendar.weekOf(LocalDate.of(1, 1, 1))).isZero();
    assertThat(WorkCalendar.weekOf(LocalDate.of(1, 1, 8))).isEqualTo(1);
    LocalDate monday = LocalDate.of(2026, 3, 2);
    assertThat(WorkCalendar.weekOf(monday.plusDays(7))).isNotEqualTo(WorkCalendar.weekOf(monday));
  }

  @Test
  void badRecordsNameTheModelTheRecordAndTheField() {
    PlanDaysFixture.Recorded standard = PlanDaysFixture.calendar("standard 40h");
    Map<String, Object> calendar = new LinkedHashMap<>(standard.calendar());
    calendar.put("tz", "Mars/Olympus");
    assertThatThrownBy(
            () -> CalendarRecords.calendar(new OdooRecord(calendar), List.of(), List.of()))
        .hasMessage("resource.calendar " + standard.id() + ": tz 'Mars/Olympus' is no time zone");
    Map<String, Object> attendance = new LinkedHashMap<>(standard.attendances().get(0));
    attendance.put("dayofweek", "7");
    assertThatThrownBy(
            () ->
                CalendarRecords.calendar(
                    new OdooRecord(standard.calendar()),
                    List.of(new OdooRecord(attendance)),
                    List.of()))
        .hasMessage(
            "resource.calendar.attendance "
                + attendance.get("id")
                + ": dayofweek '7' is not 0 to 6");
    Map<String, Object> leave = new LinkedHashMap<>(standard.leaves().get(0));
    leave.put("date_to", false);
    assertThatThrownBy(
            () ->
                CalendarRecords.calendar(
                    new OdooRecord(standard.calendar()), List.of(), List.of(new OdooRecord(leave))))
        .hasMessage(
            "resource.calendar.leaves " + leave.get("id") + ": date_to false is no datetime");
  }
}
