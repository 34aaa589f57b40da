package io.odoosidecar.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An Odoo working-time calendar ({@code resource.calendar}) as a value, with Odoo 18's {@code
 * plan_days}: the due time of a timed automation rule counted in working days.
 *
 * <p>It reproduces Odoo's computation step by step, quirks included: the days are looked for in
 * windows of 14 days (at most 100 of them), the attendances of a day are its intervals in the
 * calendar's time zone cut to the window, leaves are cut out of them, and the n-th working day is
 * the n-th distinct local date an interval starts on. For {@code days > 0} the answer is the end of
 * the interval that reaches n (the first interval of the n-th day, or the window's end when a
 * window cuts that interval); for {@code days < 0} it is the start of that interval, walking
 * backwards; for {@code 0} it is the given time. Lunch lines, section lines and attendances of one
 * resource do not count; only leaves of no resource (the calendar's and the global ones) do.
 */
public final class WorkCalendar {
  private static final Duration WINDOW = Duration.ofDays(14);
  private static final int WINDOWS = 100;
  private static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59, 999_999_000);

  /**
   * One work period of a weekday ({@code resource.calendar.attendance}).
   *
   * @param day the weekday
   * @param hourFrom the start, in hours of the local day (8.5 is 08:30)
   * @param hourTo the end, in hours ({@code 24} is 23:59:59.999999, as Odoo takes it)
   * @param weekType 0 or 1 in a two-week calendar, null when the line has none (week 0 then)
   * @param dateFrom the first day it applies to, or null
   * @param dateTo the last day it applies to, or null
   */
  public record Attendance(
      DayOfWeek day,
      double hourFrom,
      double hourTo,
      Integer weekType,
      LocalDate dateFrom,
      LocalDate dateTo) {
    public Attendance {
      Objects.requireNonNull(day, "day");
    }

    boolean appliesOn(LocalDate date, boolean twoWeeks) {
      return date.getDayOfWeek() == day
          && (!twoWeeks || weekOf(date) == (weekType == null ? 0 : weekType))
          && (dateFrom == null || !date.isBefore(dateFrom))
          && (dateTo == null || !dateTo.isBefore(date));
    }
  }

  /**
   * A time off of no resource ({@code resource.calendar.leaves}): the calendar's or a global one.
   *
   * @param from its start
   * @param to its end
   */
  public record Leave(Instant from, Instant to) {
    public Leave {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** An interval of time, start before end. */
  record Span(Instant start, Instant end) {}

  private final ZoneId zone;
  private final boolean twoWeeks;
  private final List<Attendance> attendances;
  private final List<Leave> leaves;

  /**
   * A calendar of these attendances (working ones only: no lunch, no section, no resource's) and
   * leaves (of no resource, time offs only).
   */
  public WorkCalendar(
      ZoneId zone, boolean twoWeeks, List<Attendance> attendances, List<Leave> leaves) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.twoWeeks = twoWeeks;
    this.attendances = List.copyOf(attendances);
    this.leaves = List.copyOf(leaves);
  }

  /** The calendar's time zone. */
  public ZoneId zone() {
    return zone;
  }

  /** Whether the calendar alternates two weeks. */
  public boolean twoWeeks() {
    return twoWeeks;
  }

  /** The working attendances. */
  public List<Attendance> attendances() {
    return attendances;
  }

  /** The leaves that count. */
  public List<Leave> leaves() {
    return leaves;
  }

  /**
   * Odoo's {@code plan_days(days, utc, compute_leaves)}: the time {@code days} working days from a
   * naive UTC time, as naive UTC; null where Odoo answers False (no such day within 1400 days).
   */
  public LocalDateTime planDays(int days, LocalDateTime utc, boolean computeLeaves) {
    LocalDateTime at = utc.truncatedTo(ChronoUnit.MICROS);
    if (days == 0) {
      return at;
    }
    Instant found =
        days > 0
            ? forward(days, at.toInstant(ZoneOffset.UTC), computeLeaves)
            : backward(-days, at.toInstant(ZoneOffset.UTC), computeLeaves);
    return found == null ? null : LocalDateTime.ofInstant(found, ZoneOffset.UTC);
  }

  private Instant forward(int days, Instant at, boolean computeLeaves) {
    Set<LocalDate> found = new HashSet<>();
    for (int n = 0; n < WINDOWS; n++) {
      Instant from = at.plus(WINDOW.multipliedBy(n));
      for (Span span : work(from, from.plus(WINDOW), computeLeaves)) {
        found.add(localDate(span.start()));
        if (found.size() == days) {
          return span.end();
        }
      }
    }
    return null;
  }

  private Instant backward(int days, Instant at, boolean computeLeaves) {
    Set<LocalDate> found = new HashSet<>();
    for (int n = 0; n < WINDOWS; n++) {
      Instant to = at.minus(WINDOW.multipliedBy(n));
      List<Span> spans = work(to.minus(WINDOW), to, computeLeaves);
      for (int i = spans.size() - 1; i >= 0; i--) {
        found.add(localDate(spans.get(i).start()));
        if (found.size() == days) {
          return spans.get(i).start();
        }
      }
    }
    return null;
  }

  /** Odoo's {@code _work_intervals_batch}: the attendances between two times, less the leaves. */
  List<Span> work(Instant from, Instant to, boolean computeLeaves) {
    List<Span> work = attendanceSpans(from, to);
    return computeLeaves ? minus(work, leaveSpans(from, to)) : work;
  }

  /** Odoo's {@code _attendance_intervals_batch}, for no resource. */
  private List<Span> attendanceSpans(Instant from, Instant to) {
    List<Span> spans = new ArrayList<>();
    LocalDate last = lastDay(to);
    for (LocalDate day = firstDay(from); !day.isAfter(last); day = day.plusDays(1)) {
      for (Attendance attendance : attendances) {
        if (attendance.appliesOn(day, twoWeeks)) {
          addCut(
              spans,
              localize(day, attendance.hourFrom()),
              localize(day, attendance.hourTo()),
              from,
              to);
        }
      }
    }
    return normalize(spans);
  }

  /** Odoo walks the days from the earlier of the UTC and the local date of the window's start. */
  private LocalDate firstDay(Instant from) {
    LocalDate utc = LocalDate.ofInstant(from, ZoneOffset.UTC);
    LocalDate local = localDate(from);
    return utc.isBefore(local) ? utc : local;
  }

  private LocalDate lastDay(Instant to) {
    LocalDate utc = LocalDate.ofInstant(to, ZoneOffset.UTC);
    LocalDate local = localDate(to);
    return utc.isAfter(local) ? utc : local;
  }

  /** Odoo's {@code _leave_intervals_batch}, for no resource. */
  private List<Span> leaveSpans(Instant from, Instant to) {
    List<Span> spans = new ArrayList<>();
    for (Leave leave : leaves) {
      addCut(spans, leave.from(), leave.to(), from, to);
    }
    return normalize(spans);
  }

  private static void addCut(
      List<Span> spans, Instant start, Instant end, Instant from, Instant to) {
    Instant cutStart = start.isBefore(from) ? from : start;
    Instant cutEnd = end.isAfter(to) ? to : end;
    if (cutStart.isBefore(cutEnd)) {
      spans.add(new Span(cutStart, cutEnd));
    }
  }

  /** Odoo's {@code Intervals}: sorted, overlapping and touching intervals merged. */
  static List<Span> normalize(List<Span> spans) {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparing(Span::start));
    List<Span> out = new ArrayList<>();
    for (Span span : sorted) {
      Span previous = out.isEmpty() ? null : out.get(out.size() - 1);
      if (previous != null && !span.start().isAfter(previous.end())) {
        Instant end = span.end().isAfter(previous.end()) ? span.end() : previous.end();
        out.set(out.size() - 1, new Span(previous.start(), end));
      } else {
        out.add(span);
      }
    }
    return out;
  }

  /** Odoo's {@code Intervals.__sub__} of normalized intervals. */
  static List<Span> minus(List<Span> work, List<Span> leaves) {
    List<Span> out = new ArrayList<>();
    for (Span span : work) {
      Instant start = span.start();
      for (Span leave : leaves) {
        if (leave.end().isAfter(start) && leave.start().isBefore(span.end())) {
          if (start.isBefore(leave.start())) {
            out.add(new Span(start, leave.start()));
          }
          start = leave.end();
        }
      }
      if (start.isBefore(span.end())) {
        out.add(new Span(start, span.end()));
      }
    }
    return out;
  }

  /**
   * pytz's {@code localize} (is_dst False): a time in a gap moves forward by the gap, an ambiguous
   * one takes the standard (later) offset.
   */
  private Instant localize(LocalDate day, double hours) {
    return ZonedDateTime.of(day.atTime(timeOf(hours)), zone).withLaterOffsetAtOverlap().toInstant();
  }

  /** Odoo's {@code float_to_time}: 24 is the last microsecond, minutes rounded half up. */
  static LocalTime timeOf(double hours) {
    if (hours == 24.0) {
      return END_OF_DAY;
    }
    double integral = Math.floor(hours);
    double minutes = 60 * (hours - integral);
    long rounded = minutes == 0 ? 0 : Math.round(minutes + minutes * 0x1p-50);
    if (integral < 0 || integral > 23 || rounded > 59) {
      throw new IllegalArgumentException(
          "hour " + hours + " is no time of day (Odoo refuses it too)");
    }
    return LocalTime.of((int) integral, (int) rounded);
  }

  /** Odoo's {@code get_week_type}: the parity of the weeks counted from 0001-01-01. */
  static int weekOf(LocalDate date) {
    long ordinal = date.toEpochDay() + 719_163;
    return Math.floorMod(Math.floorDiv(ordinal - 1, 7), 2);
  }

  private LocalDate localDate(Instant instant) {
    return LocalDate.ofInstant(instant, zone);
  }
}
