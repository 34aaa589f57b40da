package io.odoosidecar.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.OdooRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The calendars and {@code plan_days} answers recorded from a live Odoo 18 by {@code
 * scripts/record-calendars}: each calendar as {@code read} gave it, its attendances and leaves as
 * {@code search_read} gave them, and the (days, time, answer) cases.
 */
final class PlanDaysFixture {
  static final String RESOURCE = "/io/odoosidecar/schedule/plan_days.json";

  /** One case: Odoo's answer (null for False) to {@code plan_days(days, at)}. */
  record Case(int days, LocalDateTime at, LocalDateTime odoo) {
    @Override
    public String toString() {
      return "plan_days(" + days + ", " + at + ") = " + odoo;
    }
  }

  /** One recorded calendar. */
  record Recorded(
      Map<String, Object> calendar,
      List<Map<String, Object>> attendances,
      List<Map<String, Object>> leaves,
      List<Case> cases) {
    String name() {
      return String.valueOf(calendar.get("name"));
    }

    long id() {
      return ((Number) calendar.get("id")).longValue();
    }

    WorkCalendar workCalendar() {
      return CalendarRecords.calendar(
          new OdooRecord(calendar), records(attendances), records(leaves));
    }
  }

  private PlanDaysFixture() {}

  static List<Recorded> calendars() {
    List<Recorded> out = new ArrayList<>();
    for (Map<String, Object> entry : entries()) {
      out.add(recorded(entry));
    }
    return out;
  }

  static Recorded calendar(String nameEnd) {
    return calendars().stream()
        .filter(c -> c.name().endsWith(nameEnd))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(RESOURCE + " has no calendar " + nameEnd));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> entries() {
    try (InputStream in = PlanDaysFixture.class.getResourceAsStream(RESOURCE)) {
      Map<String, Object> fixture = new ObjectMapper().readValue(in, Map.class);
      return (List<Map<String, Object>>) fixture.get("calendars");
    } catch (IOException e) {
      throw new UncheckedIOException(RESOURCE, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Recorded recorded(Map<String, Object> entry) {
    List<Case> cases = new ArrayList<>();
    for (Map<String, Object> c : (List<Map<String, Object>>) entry.get("cases")) {
      Object odoo = c.get("odoo");
      cases.add(
          new Case(
              ((Number) c.get("days")).intValue(),
              LocalDateTime.parse((String) c.get("at")),
              odoo == null ? null : LocalDateTime.parse((String) odoo)));
    }
    return new Recorded(
        (Map<String, Object>) entry.get("calendar"),
        (List<Map<String, Object>>) entry.get("attendances"),
        (List<Map<String, Object>>) entry.get("leaves"),
        cases);
  }

  private static List<OdooRecord> records(List<Map<String, Object>> rows) {
    return rows.stream().map(OdooRecord::new).toList();
  }
}
