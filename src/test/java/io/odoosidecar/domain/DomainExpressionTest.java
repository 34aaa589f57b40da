package io.odoosidecar.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DomainExpressionTest {
  private static final DomainExpression.Context CONTEXT =
      new DomainExpression.Context(
          7,
          Map.of("id", 7L, "name", "Marc Demo", "company_id", List.of(1L, "YourCompany")),
          LocalDate.of(2026, 1, 31),
          LocalDateTime.of(2026, 1, 31, 22, 15, 0),
          xmlId -> xmlId.equals("crm.stage_lead4") ? 4L : null,
          Map.of("lang", "en_US"));

  private static String eval(String domain) {
    return DomainExpression.evaluate(domain, CONTEXT).toString();
  }

  @Test
  void userAndUid() {
    assertThat(eval("[('user_id', '=', uid)]")).isEqualTo("[('user_id', '=', 7)]");
    assertThat(
            eval("[('company_id', '=', user.company_id.id), ('user_id', 'in', [user.id, False])]"))
        .isEqualTo("['&', ('company_id', '=', 1), ('user_id', 'in', [7, False])]");
  }

  @Test
  void datesWithRelativedeltaAndTimedelta() {
    assertThat(
            eval(
                "[('date_deadline', '<', (context_today() + relativedelta(days=3)).strftime('%Y-%m-%d'))]"))
        .isEqualTo("[('date_deadline', '<', '2026-02-03')]");
    assertThat(
            eval(
                "[('date', '>=', (context_today() + relativedelta(months=1)).strftime('%Y-%m-%d'))]"))
        .as("relativedelta clamps the day to the month's end, as dateutil does")
        .isEqualTo("[('date', '>=', '2026-02-28')]");
    assertThat(
            eval(
                "[('create_date', '>', (datetime.datetime.now() - datetime.timedelta(hours=1)).strftime('%Y-%m-%d %H:%M:%S'))]"))
        .isEqualTo("[('create_date', '>', '2026-01-31 21:15:00')]");
    assertThat(eval("[('d', '=', time.strftime('%Y-%m-01'))]"))
        .isEqualTo("[('d', '=', '2026-01-01')]");
    assertThat(
            eval(
                "[('d', '<=', datetime.datetime.combine(context_today(), datetime.time(23, 59, 59)).strftime('%Y-%m-%d %H:%M:%S'))]"))
        .isEqualTo("[('d', '<=', '2026-01-31 23:59:59')]");
  }

  @Test
  void refContextAndExpressions() {
    assertThat(eval("[('stage_id', '=', ref('crm.stage_lead4'))]"))
        .isEqualTo("[('stage_id', '=', 4)]");
    assertThat(eval("[('lang', '=', context.get('lang', 'fr_FR'))]"))
        .isEqualTo("[('lang', '=', 'en_US')]");
    assertThat(eval("[('x', '=', 1 if uid == 7 else 2), ('y', 'in', [1, 2] + [3])]"))
        .isEqualTo("['&', ('x', '=', 1), ('y', 'in', [1, 2, 3])]");
    assertThatThrownBy(() -> eval("[('stage_id', '=', ref('nope.none'))]"))
        .hasMessageContaining("nope.none");
  }

  @Test
  void literalDomain_takesTheFastPath() {
    assertThat(DomainExpression.evaluate("[('a', '=', 1)]", null))
        .isEqualTo(Domain.parse("[('a', '=', 1)]"));
  }

  @Test
  void sandbox_refusesEverythingOutsideTheContext() {
    assertThatThrownBy(() -> eval("[('a', '=', __import__('os').system('id'))]"))
        .hasMessageContaining("not defined");
    assertThatThrownBy(() -> eval("[('a', '=', user.__class__)]"))
        .hasMessageContaining("not accessible");
    assertThatThrownBy(() -> eval("[('a', '=', open('/etc/passwd'))]"))
        .hasMessageContaining("'open' is not defined");
    assertThatThrownBy(() -> eval("[('a', '=', user.password)]"))
        .hasMessageContaining("no field 'password'");
  }
}
