package io.odoosidecar.schedule;

import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.ValueCodec;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link WorkCalendar} from Odoo's records as {@code read} and {@code search_read} answer
 * them, keeping what {@code plan_days} uses: attendances of no resource that are neither lunch nor
 * section lines, and time offs of no resource on this calendar or on none. A value Odoo would not
 * hold fails naming the model, the record and the field.
 */
final class CalendarRecords {
  static final List<String> CALENDAR_FIELDS = List.of("name", "tz", "two_weeks_calendar");
  static final List<String> ATTENDANCE_FIELDS =
      List.of(
          "dayofweek",
          "hour_from",
          "hour_to",
          "day_period",
          "week_type",
          "date_from",
          "date_to",
          "resource_id",
          "display_type");
  static final List<String> LEAVE_FIELDS =
      List.of("calendar_id", "resource_id", "date_from", "date_to", "time_type");
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private CalendarRecords() {}

  /** The calendar of a {@code resource.calendar} record, its attendances and its leaves. */
  static WorkCalendar calendar(
      OdooRecord calendar, List<OdooRecord> attendances, List<OdooRecord> leaves) {
    List<WorkCalendar.Attendance> works = new ArrayList<>();
    for (OdooRecord attendance : attendances) {
      if (isWork(attendance)) {
        works.add(attendance(attendance));
      }
    }
    List<WorkCalendar.Leave> offs = new ArrayList<>();
    for (OdooRecord leave : leaves) {
      if (counts(leave, calendar.id())) {
        offs.add(leave(leave));
      }
    }
    return new WorkCalendar(zone(calendar), calendar.bool("two_weeks_calendar"), works, offs);
  }

  /** Odoo's {@code naive UTC} datetime text, as the RPC sends datetimes. */
  static String text(Instant instant) {
    return DATETIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  private static ZoneId zone(OdooRecord calendar) {
    String tz = calendar.string("tz").orElse(null);
    try {
      return ZoneId.of(tz == null ? "" : tz);
    } catch (DateTimeException e) {
      throw bad("resource.calendar", calendar, "tz", "'" + tz + "' is no time zone");
    }
  }

  private static boolean isWork(OdooRecord attendance) {
    return attendance.many2one("resource_id").isEmpty()
        && attendance.string("display_type").isEmpty()
        && !"lunch".equals(attendance.string("day_period").orElse(null));
  }

  private static WorkCalendar.Attendance attendance(OdooRecord row) {
    return new WorkCalendar.Attendance(
        weekday(row),
        hours(row, "hour_from"),
        hours(row, "hour_to"),
        weekType(row),
        date(row, "date_from"),
        date(row, "date_to"));
  }

  private static DayOfWeek weekday(OdooRecord row) {
    String day = row.string("dayofweek").orElse("");
    if (!day.matches("[0-6]")) {
      throw bad("resource.calendar.attendance", row, "dayofweek", "'" + day + "' is not 0 to 6");
    }
    return DayOfWeek.of(Integer.parseInt(day) + 1);
  }

  private static double hours(OdooRecord row, String field) {
    if (!(row.raw(field) instanceof Number hours)) {
      throw bad("resource.calendar.attendance", row, field, row.raw(field) + " is no number");
    }
    return hours.doubleValue();
  }

  private static Integer weekType(OdooRecord row) {
    String type = row.string("week_type").orElse(null);
    if (type != null && !type.matches("[01]")) {
      throw bad("resource.calendar.attendance", row, "week_type", "'" + type + "' is not 0 or 1");
    }
    return type == null ? null : Integer.valueOf(type);
  }

  private static LocalDate date(OdooRecord row, String field) {
    try {
      return row.date(field).orElse(null);
    } catch (RuntimeException e) {
      throw bad("resource.calendar.attendance", row, field, row.raw(field) + " is no date");
    }
  }

  private static boolean counts(OdooRecord leave, long calendarId) {
    Long calendar = leave.many2one("calendar_id").map(m -> m.id()).orElse(null);
    return leave.many2one("resource_id").isEmpty()
        && "leave".equals(leave.string("time_type").orElse("leave"))
        && (calendar == null || calendar == calendarId);
  }

  private static WorkCalendar.Leave leave(OdooRecord row) {
    return new WorkCalendar.Leave(instant(row, "date_from"), instant(row, "date_to"));
  }

  private static Instant instant(OdooRecord row, String field) {
    try {
      Instant value = row.dateTime(field).orElse(null);
      if (value != null) {
        return value;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw bad("resource.calendar.leaves", row, field, row.raw(field) + " is no datetime");
  }

  private static IllegalArgumentException bad(
      String model, OdooRecord row, String field, String why) {
    Object id = row.raw("id");
    return new IllegalArgumentException(
        model + " " + ValueCodec.encode(id) + ": " + field + " " + why);
  }
}
