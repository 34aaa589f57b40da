package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.ParseException;
import java.time.DayOfWeek;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

/** Five-field cron expressions as Quartz runs them: the same minutes, hours and days. */
class CronExpressionsTest {
  @Test
  void fiveFields_gainSeconds_andTheUnrestrictedDayField() {
    assertThat(CronExpressions.quartz("30 7 * * *")).isEqualTo("0 30 7 * * ?");
    assertThat(CronExpressions.quartz("0 0 1 * *")).isEqualTo("0 0 0 1 * ?");
    assertThat(CronExpressions.quartz("*/15 * * * 1-5")).startsWith("0 */15 * ? * ");
  }

  @Test
  void daysOfWeek_runOnTheDaysCronMeans() throws ParseException {
    // cron: 0 and 7 Sunday, 1 Monday ... 6 Saturday; each next fire must fall on those days
    assertDays("0 9 * * 0", DayOfWeek.SUNDAY);
    assertDays("0 9 * * 7", DayOfWeek.SUNDAY);
    assertDays(
        "0 9 * * 1-5",
        DayOfWeek.MONDAY,
        DayOfWeek.TUESDAY,
        DayOfWeek.WEDNESDAY,
        DayOfWeek.THURSDAY,
        DayOfWeek.FRIDAY);
    assertDays("0 9 * * 5-7", DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    assertDays("0 9 * * sat,sun", DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    assertDays(
        "0 9 * * */2", DayOfWeek.SUNDAY, DayOfWeek.TUESDAY, DayOfWeek.THURSDAY, DayOfWeek.SATURDAY);
  }

  @Test
  void quartzFields_takenAsTheyAre() {
    assertThat(CronExpressions.quartz("0 0 12 ? * MON-FRI")).isEqualTo("0 0 12 ? * MON-FRI");
    assertThat(CronExpressions.quartz("0 0 12 ? * 2 2030")).isEqualTo("0 0 12 ? * 2 2030");
  }

  @Test
  void refused_withTheReason() {
    assertThatThrownBy(() -> CronExpressions.quartz("1 2 3")).hasMessageContaining("five fields");
    assertThatThrownBy(() -> CronExpressions.quartz("0 1 15 * 1"))
        .hasMessageContaining("restricting both");
    assertThatThrownBy(() -> CronExpressions.quartz("0 1 * * 9"))
        .hasMessageContaining("day of week '9'");
    assertThatThrownBy(() -> CronExpressions.quartz("61 1 * * *"))
        .hasMessageContaining("not a valid cron expression");
  }

  private static void assertDays(String cron, DayOfWeek... days) throws ParseException {
    CronExpression quartz = new CronExpression(CronExpressions.quartz(cron));
    quartz.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
    java.util.Set<DayOfWeek> seen = java.util.EnumSet.noneOf(DayOfWeek.class);
    Date at = Date.from(ZonedDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC).toInstant());
    for (int i = 0; i < 21; i++) {
      at = quartz.getNextValidTimeAfter(at);
      ZonedDateTime fire = at.toInstant().atZone(ZoneOffset.UTC);
      assertThat(fire.getHour()).isEqualTo(9);
      seen.add(fire.getDayOfWeek());
    }
    assertThat(seen).containsExactlyInAnyOrder(days);
  }
}
