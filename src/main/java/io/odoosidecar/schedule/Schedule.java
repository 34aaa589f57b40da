package io.odoosidecar.schedule;

import java.time.ZoneId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scheduled action: a {@code schedules:} entry of a rules file, or an {@code ir.cron} job of
 * Odoo's offloaded to the sidecar. It runs its actions every {@code every} or on a {@code cron}
 * expression (exactly one of the two), on the records of {@code filterDomain} when it has one, or
 * on its model alone.
 *
 * @param name unique among schedules (an offloaded job is named {@code ir.cron:<id>})
 * @param database the connection's database it runs on; null for the main connection
 * @param model the model its actions run on; null for code that needs none
 * @param every the interval, as {@code ir.cron}'s {@code interval_number}/{@code interval_type}
 * @param cron a cron expression (five fields, or Quartz's six or seven), when there is no interval
 * @param timezone the zone of the cron expression and of the calendar of intervals in days or more
 * @param filterDomain the records the actions run on (a domain's text), null or blank for none
 * @param actions the actions, by {@code ir.actions.server}'s field names, as a rule's
 * @param catchUp what a return after downtime runs: the missed runs once, or each of them
 * @param active whether it runs
 * @param source where it comes from: a file's path, or {@code odoo:ir.cron:<id>}
 * @param parameters anything else the entry carries (an offloaded job's {@code nextcall}, ...)
 */
public record Schedule(
    String name,
    String database,
    String model,
    Every every,
    String cron,
    ZoneId timezone,
    String filterDomain,
    List<Map<String, Object>> actions,
    CatchUp catchUp,
    boolean active,
    String source,
    Map<String, Object> parameters) {

  public Schedule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(timezone, "timezone");
    Objects.requireNonNull(catchUp, "catchUp");
    if ((every == null) == (cron == null)) {
      throw new IllegalArgumentException(
          "schedule '" + name + "' needs exactly one of an interval and a cron expression");
    }
    actions =
        actions.stream().map(a -> Collections.unmodifiableMap(new LinkedHashMap<>(a))).toList();
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** What a return after downtime runs. */
  public enum CatchUp {
    /** The missed runs once (Odoo 18's {@code ir.cron}). */
    ONCE,
    /** Each missed run. */
    ALL
  }

  /** An interval, as {@code ir.cron}'s: {@code number} {@code unit}s. */
  public record Every(int number, Unit unit) {
    public Every {
      Objects.requireNonNull(unit, "unit");
      if (number < 1) {
        throw new IllegalArgumentException("an interval is at least 1, not " + number);
      }
    }
  }

  /** {@code ir.cron.interval_type}'s values. */
  public enum Unit {
    MINUTES,
    HOURS,
    DAYS,
    WEEKS,
    MONTHS;

    /** Odoo's name: {@code minutes}. */
    public String odooName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The unit Odoo names {@code name}; an unknown one fails with the known ones listed. */
    public static Unit of(String name) {
      for (Unit unit : values()) {
        if (unit.odooName().equals(name)) {
          return unit;
        }
      }
      throw new IllegalArgumentException(
          "unknown interval type '" + name + "' (known: minutes, hours, days, weeks, months)");
    }
  }
}
