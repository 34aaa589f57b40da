package io.odoosidecar.pipeline;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timed triggers ({@code on_time}, {@code on_time_created}, {@code on_time_updated}), as Odoo's
 * {@code base.automation._check} runs them: each pass, for each rule, the records matching its
 * filter domain whose date plus the delay ({@code trg_date_range} in {@code trg_date_range_type}
 * units; negative, or {@code trg_date_range_mode: before} on Odoo 19, for "before") falls in {@code
 * [last run, now)} fire; then the rule's last run is now.
 *
 * <p>Implementation notes: the date field is {@code trg_date_id}, {@code create_date} for {@code
 * on_time_created} and {@code write_date} for {@code on_time_updated}; {@code date_automation_last}
 * falls back to {@code create_date} as in Odoo. A rule never run starts from its {@code last_run}
 * parameter (as imported from Odoo) or, as Odoo, from the epoch. Each firing is an event keyed by
 * rule, record and due time, so a pass repeated after a crash stores nothing twice. Dates are UTC,
 * as Odoo stores them. Working-day calendars ({@code trg_date_calendar_id}) are not applied: such a
 * rule counts calendar days (logged once).
 */
public final class TimedRules {
  private static final Logger LOG = LoggerFactory.getLogger(TimedRules.class);

  private final String database;
  private final OdooClient client;
  private final EventLog log;
  private final Supplier<? extends Collection<Rule>> rules;
  private final Clock clock;
  private final ExternalIds refs;

  public TimedRules(
      String database,
      OdooClient client,
      EventLog log,
      Supplier<? extends Collection<Rule>> rules,
      Clock clock) {
    this.database = database;
    this.client = client;
    this.log = log;
    this.rules = rules;
    this.clock = clock;
    this.refs = new ExternalIds(client);
  }

  /** Whether a trigger is timed. */
  public static boolean timed(Trigger trigger) {
    return trigger == Trigger.ON_TIME
        || trigger == Trigger.ON_TIME_CREATED
        || trigger == Trigger.ON_TIME_UPDATED;
  }

  /** One pass over every timed rule; returns the number of firings stored. */
  public int run() {
    int stored = 0;
    for (Rule rule : rules.get()) {
      Object home = rule.parameters().get("database");
      if (rule.active() && timed(rule.trigger()) && (home == null || home.equals(database))) {
        stored += run(rule);
      }
    }
    return stored;
  }

  private int run(Rule rule) {
    Instant now = clock.instant();
    LocalDateTime nowUtc = LocalDateTime.ofInstant(now, ZoneOffset.UTC);
    LocalDateTime lastRun =
        log.lastRun(database, rule.name())
            .map(i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC))
            .orElseGet(() -> initialRun(rule));
    String field = dateField(rule);
    long range = ValueCodec.asLong(rule.parameters().getOrDefault("trg_date_range", 0L));
    if ("before".equals(rule.parameters().get("trg_date_range_mode"))) {
      range = -Math.abs(range);
    }
    String unit = String.valueOf(rule.parameters().getOrDefault("trg_date_range_type", "day"));
    if (rule.parameters().get("trg_date_calendar_id") != null) {
      LOG.warn(
          "rule '{}': working-day calendars are not applied; counting calendar days", rule.name());
    }
    List<Object> domain = new ArrayList<>();
    if (rule.filterDomain() != null && !rule.filterDomain().isBlank()) {
      Domain filter = DomainExpression.evaluate(rule.filterDomain(), context(now));
      domain.addAll(filter.toWire());
    }
    List<String> fields = new ArrayList<>(List.of(field));
    boolean fallback = field.equals("date_automation_last");
    if (fallback) {
      fields.add("create_date");
    }
    List<Long> due = new ArrayList<>();
    List<String> dueAt = new ArrayList<>();
    for (OdooRecord record : client.searchRead(rule.model(), domain, fields, SearchOptions.ALL)) {
      Object value = record.values().get(field);
      if (ValueCodec.isEmpty(value) && fallback) {
        value = record.values().get("create_date");
      }
      if (ValueCodec.isEmpty(value)) {
        continue;
      }
      LocalDateTime recordTime = parse(String.valueOf(value));
      LocalDateTime actionTime = shift(recordTime, range, unit);
      if (!actionTime.isBefore(lastRun) && actionTime.isBefore(nowUtc)) {
        due.add(ValueCodec.asLong(record.values().get("id")));
        dueAt.add(actionTime.toString());
      }
    }
    List<EventLog.NewEvent> events = new ArrayList<>();
    for (int i = 0; i < due.size(); i++) {
      ChangePayload payload =
          new ChangePayload(
              "timed",
              List.of(),
              Map.of(),
              Map.of(),
              0,
              dueAt.get(i),
              "timer",
              0,
              List.of(),
              0,
              Map.of(),
              rule.name());
      events.add(
          new EventLog.NewEvent(
              database,
              "timed:" + rule.name() + ":" + due.get(i) + ":" + dueAt.get(i),
              rule.model(),
              due.get(i),
              "timed",
              payload.toJson()));
    }
    int stored = log.append(events, now).size();
    log.saveLastRun(database, rule.name(), now);
    if (stored > 0) {
      LOG.info("timed rule '{}': {} records due", rule.name(), stored);
    }
    return stored;
  }

  private static LocalDateTime initialRun(Rule rule) {
    Object given = rule.parameters().get("last_run");
    if (given instanceof String text && !text.isBlank()) {
      return parse(text);
    }
    return LocalDateTime.of(1970, 1, 1, 0, 0);
  }

  /** The date field a timed rule counts from. */
  static String dateField(Rule rule) {
    return switch (rule.trigger()) {
      case ON_TIME_CREATED -> "create_date";
      case ON_TIME_UPDATED -> "write_date";
      default -> String.valueOf(rule.parameters().get("trg_date_id"));
    };
  }

  /** Odoo's date or date-time text as a UTC date-time (a date at midnight). */
  static LocalDateTime parse(String text) {
    String t = text.trim();
    if (t.length() == 10) {
      return LocalDate.parse(t).atStartOfDay();
    }
    return LocalDateTime.parse(t.substring(0, Math.min(t.length(), 26)).replace(' ', 'T'));
  }

  /** {@code time + relativedelta(<unit>=range)}. */
  static LocalDateTime shift(LocalDateTime time, long range, String unit) {
    return switch (unit) {
      case "minutes" -> time.plusMinutes(range);
      case "hour" -> time.plusHours(range);
      case "day" -> time.plusDays(range);
      case "month" -> time.plusMonths(range);
      default -> time;
    };
  }

  private DomainExpression.Context context(Instant now) {
    long uid = client.authenticate();
    return DomainExpression.Context.of(uid, now, xmlId -> refs.resolve(xmlId).orElse(null));
  }
}
