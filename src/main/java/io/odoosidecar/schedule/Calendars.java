package io.odoosidecar.schedule;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The working-day calendars of the timed rules, read from Odoo over RPC and kept per database and
 * calendar, so that a rule's due time ({@code trg_date_calendar_id} with a range in days) is
 * computed as Odoo computes it without asking Odoo each time.
 *
 * <p>A calendar is read with its attendances and the leaves that count (of no resource, on it or on
 * no calendar, time offs) over a window around the clock's now: {@code plan_days} looks at most
 * 1400 days away (100 windows of 14 days), so the window reaches that far and a year more either
 * side. A call whose 1400 days fall outside the window reads the calendar again around its own
 * time. A change on one of {@link #MODELS} drops what is kept of that database.
 */
public final class Calendars {
  /** The models whose changes make the kept calendars of a database stale. */
  public static final Set<String> MODELS =
      Set.of("resource.calendar", "resource.calendar.attendance", "resource.calendar.leaves");

  /** How far {@code plan_days} looks from its time. */
  static final Duration REACH = Duration.ofDays(14L * 100);

  /** How far the leaves read reach from the time they are read around. */
  static final Duration SPAN = REACH.plusDays(365);

  private record Key(String database, long calendarId) {}

  /** A calendar with the window its leaves were read over. */
  private record Kept(WorkCalendar calendar, Instant from, Instant to) {
    boolean covers(Instant start, Instant end) {
      return !start.isBefore(from) && !end.isAfter(to);
    }
  }

  private final Function<String, OdooClient> clientOf;
  private final Clock clock;
  private final Cache<Key, Kept> kept = Caffeine.newBuilder().maximumSize(10_000).build();

  /** Calendars read through the client of each database, with leaves around the clock's now. */
  public Calendars(Function<String, OdooClient> clientOf, Clock clock) {
    this.clientOf = Objects.requireNonNull(clientOf, "clientOf");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Odoo's {@code resource.calendar.browse(calendarId).plan_days(days, utc, compute_leaves=True)}
   * on that database, as naive UTC; null where Odoo answers False.
   *
   * @throws NoSuchElementException when the database has no such calendar
   */
  public LocalDateTime planDays(String database, long calendarId, int days, LocalDateTime utc) {
    Instant at = utc.toInstant(ZoneOffset.UTC);
    Instant start = days < 0 ? at.minus(REACH) : at;
    Instant end = days > 0 ? at.plus(REACH) : at;
    Key key = new Key(database, calendarId);
    Kept calendar = kept.get(key, k -> read(k, clock.instant()));
    if (!calendar.covers(start, end)) {
      calendar = read(key, at);
      kept.put(key, calendar);
    }
    return calendar.calendar().planDays(days, utc, true);
  }

  /** Drops the kept calendars of a database when {@code model} is one of {@link #MODELS}. */
  public void changed(String database, String model) {
    if (MODELS.contains(model)) {
      kept.asMap().keySet().removeIf(key -> key.database().equals(database));
    }
  }

  private Kept read(Key key, Instant around) {
    OdooClient client = clientOf.apply(key.database());
    Instant from = around.minus(SPAN);
    Instant to = around.plus(SPAN);
    return new Kept(
        CalendarRecords.calendar(
            calendar(client, key), attendances(client, key), leaves(client, key, from, to)),
        from,
        to);
  }

  private static OdooRecord calendar(OdooClient client, Key key) {
    List<OdooRecord> rows =
        client.read(
            "resource.calendar", List.of(key.calendarId()), CalendarRecords.CALENDAR_FIELDS);
    if (rows.isEmpty()) {
      throw new NoSuchElementException(
          "database " + key.database() + " has no resource.calendar " + key.calendarId());
    }
    return rows.get(0);
  }

  private static List<OdooRecord> attendances(OdooClient client, Key key) {
    return client.searchRead(
        "resource.calendar.attendance",
        List.of(List.of("calendar_id", "=", key.calendarId())),
        CalendarRecords.ATTENDANCE_FIELDS,
        SearchOptions.ALL);
  }

  private static List<OdooRecord> leaves(OdooClient client, Key key, Instant from, Instant to) {
    List<?> domain =
        List.of(
            List.of("calendar_id", "in", Arrays.asList(false, key.calendarId())),
            List.of("resource_id", "=", false),
            List.of("time_type", "=", "leave"),
            List.of("date_from", "<=", CalendarRecords.text(to)),
            List.of("date_to", ">=", CalendarRecords.text(from)));
    return client.searchRead(
        "resource.calendar.leaves", domain, CalendarRecords.LEAVE_FIELDS, SearchOptions.ALL);
  }
}
