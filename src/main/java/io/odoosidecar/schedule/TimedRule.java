package io.odoosidecar.schedule;

import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A timed rule's timing, as Odoo's {@code base.automation._check} reads it: the date field ({@code
 * trg_date_id}, {@code create_date} for {@code on_time_created}, {@code write_date} for {@code
 * on_time_updated}; {@code date_automation_last} falling back to {@code create_date}), the delay
 * ({@code trg_date_range} {@code trg_date_range_type}s, negative, or {@code trg_date_range_mode:
 * before} on Odoo 19, for "before"), and the working-day calendar of a {@code day} delay.
 *
 * @param rule the rule
 * @param dateField the field its records are timed from
 * @param range the delay, negative for "before"
 * @param unit {@code minutes}, {@code hour}, {@code day} or {@code month}
 * @param calendarId the working-day calendar of a {@code day} delay, or null
 */
public record TimedRule(Rule rule, String dateField, long range, String unit, Long calendarId) {

  /** Plans working days as {@code resource.calendar.plan_days(days, utc, compute_leaves=True)}. */
  @FunctionalInterface
  public interface DayPlanner {
    /** The instant (naive UTC) {@code days} working days from {@code utc}, or null if none. */
    LocalDateTime planDays(String database, long calendarId, int days, LocalDateTime utc);
  }

  /** Whether a trigger is timed. */
  public static boolean timed(Trigger trigger) {
    return trigger == Trigger.ON_TIME
        || trigger == Trigger.ON_TIME_CREATED
        || trigger == Trigger.ON_TIME_UPDATED;
  }

  /** The timing of a timed rule. */
  public static TimedRule of(Rule rule) {
    Map<String, Object> p = rule.parameters();
    long range = ValueCodec.asLong(p.getOrDefault("trg_date_range", 0L));
    if ("before".equals(p.get("trg_date_range_mode"))) {
      range = -Math.abs(range);
    }
    String unit = String.valueOf(p.getOrDefault("trg_date_range_type", "day"));
    Object calendar = p.get("trg_date_calendar_id");
    Long calendarId =
        "day".equals(unit) && calendar != null && !ValueCodec.isEmpty(calendar)
            ? ValueCodec.asLong(calendar instanceof List<?> pair ? pair.get(0) : calendar)
            : null;
    return new TimedRule(rule, dateField(rule), range, unit, calendarId);
  }

  private static String dateField(Rule rule) {
    return switch (rule.trigger()) {
      case ON_TIME_CREATED -> "create_date";
      case ON_TIME_UPDATED -> "write_date";
      default -> String.valueOf(rule.parameters().get("trg_date_id"));
    };
  }

  /** The rule's name. */
  public String name() {
    return rule.name();
  }

  /** The rule's model. */
  public String model() {
    return rule.model();
  }

  /** The fields a record is read with to time it. */
  public List<String> readFields() {
    List<String> fields = new ArrayList<>(List.of(dateField, "write_date"));
    if (dateField.equals("date_automation_last")) {
      fields.add("create_date");
    }
    return fields.stream().distinct().toList();
  }

  /**
   * Whether a write of these fields may change a record's due time or whether it matches: the date
   * field, {@code active}, the first field of each path the filter reads (a change of a related
   * record is not the record's write), and, for a computed or related one among them, the fields it
   * depends on ({@code model}: the model's {@code fields_get}, whose {@code depends} says so);
   * {@code write_date} itself for {@code on_time_updated}; true when the filter's fields cannot be
   * told.
   */
  public boolean concernedBy(
      java.util.Set<String> fields, Map<String, io.odoosidecar.odoo.FieldInfo> model) {
    if (rule.trigger() == Trigger.ON_TIME_UPDATED) {
      return true; // every write moves write_date
    }
    java.util.Set<String> read = new java.util.HashSet<>(List.of(dateField, "active"));
    if (dateField.equals("date_automation_last")) {
      read.add("create_date");
    }
    try {
      read.addAll(io.odoosidecar.domain.DomainExpression.ownFields(rule.filterDomain()));
    } catch (RuntimeException e) {
      return true;
    }
    addDependencies(read, model);
    return fields.stream().anyMatch(read::contains);
  }

  /** Adds to {@code read} what its computed and related fields depend on, until nothing is new. */
  private static void addDependencies(
      java.util.Set<String> read, Map<String, io.odoosidecar.odoo.FieldInfo> model) {
    java.util.Deque<String> todo = new java.util.ArrayDeque<>(read);
    while (!todo.isEmpty()) {
      io.odoosidecar.odoo.FieldInfo info = model.get(todo.pop());
      if (info != null && info.attributes().get("depends") instanceof List<?> depends) {
        for (Object path : depends) {
          String first = String.valueOf(path).split("\\.")[0];
          if (read.add(first)) {
            todo.push(first);
          }
        }
      }
    }
  }

  /** What the due times are computed from: when it changes, the rule's index is built again. */
  public String fingerprint() {
    String text =
        String.join(
            "\u0000",
            rule.model(),
            rule.trigger().odooName(),
            dateField,
            Long.toString(range),
            unit,
            String.valueOf(calendarId),
            String.valueOf(rule.filterDomain()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /**
   * When the rule fires on a record read with {@link #readFields}: its date plus the delay (on a
   * calendar, {@code plan_days}); empty when the record has no date.
   */
  public Optional<Instant> due(String database, Map<String, Object> record, DayPlanner planner) {
    Object value = record.get(dateField);
    if (ValueCodec.isEmpty(value) && dateField.equals("date_automation_last")) {
      value = record.get("create_date");
    }
    if (ValueCodec.isEmpty(value)) {
      return Optional.empty();
    }
    LocalDateTime time = parse(String.valueOf(value));
    LocalDateTime due =
        calendarId != null
            ? planner.planDays(database, calendarId, Math.toIntExact(range), time)
            : shift(time, range, unit);
    return Optional.ofNullable(due).map(d -> d.toInstant(ZoneOffset.UTC));
  }

  /** The record's last change, as Odoo stamped it, if read. */
  public static Optional<Instant> changedAt(Map<String, Object> record) {
    Object value = record.get("write_date");
    return ValueCodec.isEmpty(value)
        ? Optional.empty()
        : Optional.of(parse(String.valueOf(value)).toInstant(ZoneOffset.UTC));
  }

  /** Odoo's date or date-time text as a UTC date-time (a date at midnight). */
  public static LocalDateTime parse(String text) {
    String t = text.trim();
    if (t.length() == 10) {
      return LocalDate.parse(t).atStartOfDay();
    }
    return LocalDateTime.parse(t.substring(0, Math.min(t.length(), 26)).replace(' ', 'T'));
  }

  /** {@code time + relativedelta(<unit>=range)}: a month added to the 31st ends on the last day. */
  public static LocalDateTime shift(LocalDateTime time, long range, String unit) {
    return switch (unit) {
      case "minutes" -> time.plusMinutes(range);
      case "hour" -> time.plusHours(range);
      case "day" -> time.plusDays(range);
      case "month" -> time.plusMonths(range);
      default -> time;
    };
  }
}
