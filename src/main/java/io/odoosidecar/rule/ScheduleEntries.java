package io.odoosidecar.rule;

import io.odoosidecar.rule.RuleFiles.RuleFileException;
import io.odoosidecar.schedule.CronExpressions;
import io.odoosidecar.schedule.Schedule;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code schedules:} list of a rule file: scheduled actions, with {@code ir.cron}'s names for
 * the interval ({@code interval_number}, {@code interval_type}) or a cron expression, their actions
 * checked as a rule's are. Every problem names the file, the schedule and the key.
 */
final class ScheduleEntries {
  /** Keys of a schedule entry. */
  static final Set<String> KEYS =
      Set.of(
          "name",
          "model",
          "interval_number",
          "interval_type",
          "cron",
          "timezone",
          "filter_domain",
          "actions",
          "catch_up",
          "active",
          "database");

  /** The action kinds that run without records, which a schedule with no model may hold. */
  private static final Set<String> WITHOUT_MODEL = Set.of("code", "multi");

  private ScheduleEntries() {}

  /** The schedules of a file's {@code schedules:} node (null: none). */
  static List<Schedule> parse(Path file, Object node, Set<String> kinds) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> list)) {
      throw new RuleFileException(file, null, "schedules", "must be a list of schedules");
    }
    List<Schedule> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String label = label(list.get(i), i);
      if (!(list.get(i) instanceof Map<?, ?> raw)) {
        throw new RuleFileException(file, label, null, "a schedule is a mapping of keys to values");
      }
      out.add(schedule(file, label, raw, kinds));
    }
    return out;
  }

  /** How a schedule is named in messages: {@code schedule 'nightly'}, else {@code schedule #2}. */
  static String label(Object raw, int index) {
    return RuleFiles.SCHEDULE
        + (raw instanceof Map<?, ?> map && map.get("name") instanceof String n && !n.isBlank()
            ? RuleFiles.quote(n.trim())
            : "#" + (index + 1));
  }

  private static Schedule schedule(Path file, String label, Map<?, ?> raw, Set<String> kinds) {
    for (Object key : raw.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw new RuleFileException(
            file,
            label,
            String.valueOf(key),
            "unknown key; known keys: " + String.join(", ", new TreeSet<>(KEYS)));
      }
    }
    String name = text(file, label, raw, "name", true);
    String model = text(file, label, raw, "model", false);
    Schedule.Every every = every(file, label, raw);
    String cron = text(file, label, raw, "cron", false);
    if ((every == null) == (cron == null)) {
      throw new RuleFileException(
          file,
          label,
          every == null ? "interval_number" : "cron",
          "give either interval_number and interval_type, or cron: exactly one of the two");
    }
    if (cron != null) {
      try {
        CronExpressions.quartz(cron);
      } catch (IllegalArgumentException e) {
        throw new RuleFileException(file, label, "cron", e.getMessage());
      }
    }
    String domain = domain(file, label, raw, model);
    List<Map<String, Object>> actions = actions(file, label, raw.get("actions"), kinds, model);
    return new Schedule(
        name,
        text(file, label, raw, "database", false),
        model,
        every,
        cron,
        zone(file, label, raw.get("timezone")),
        domain,
        actions,
        catchUp(file, label, raw.get("catch_up")),
        active(file, label, raw.get("active")),
        file.toString(),
        Map.of());
  }

  private static Schedule.Every every(Path file, String label, Map<?, ?> raw) {
    Object number = raw.get("interval_number");
    Object type = raw.get("interval_type");
    if (number == null && type == null) {
      return null;
    }
    if (number == null || type == null) {
      String missing = number == null ? "interval_number" : "interval_type";
      throw new RuleFileException(
          file,
          label,
          missing,
          "is required with " + (number == null ? "interval_type" : "interval_number"));
    }
    if (!(number instanceof Long n) || n < 1 || n > Integer.MAX_VALUE) {
      throw new RuleFileException(
          file, label, "interval_number", "must be a whole number of at least 1, got " + number);
    }
    try {
      return new Schedule.Every(n.intValue(), Schedule.Unit.of(String.valueOf(type)));
    } catch (IllegalArgumentException e) {
      throw new RuleFileException(file, label, "interval_type", e.getMessage());
    }
  }

  private static ZoneId zone(Path file, String label, Object raw) {
    if (raw == null) {
      return ZoneOffset.UTC;
    }
    if (!(raw instanceof String text) || text.isBlank()) {
      throw new RuleFileException(
          file, label, "timezone", "must be a time zone's name (Europe/Brussels), got " + raw);
    }
    try {
      return ZoneId.of(text.trim());
    } catch (DateTimeException e) {
      throw new RuleFileException(
          file,
          label,
          "timezone",
          "unknown time zone '" + text.trim() + "': an IANA name such as Europe/Brussels or UTC");
    }
  }

  private static String domain(Path file, String label, Map<?, ?> raw, String model) {
    Object value = raw.get("filter_domain");
    if (value == null || Boolean.FALSE.equals(value)) {
      return null;
    }
    if (model == null) {
      throw new RuleFileException(
          file, label, "filter_domain", "needs model: the model whose records it filters");
    }
    String text = RuleFiles.domainText(value);
    if (text == null) {
      throw new RuleFileException(
          file, label, "filter_domain", "must be a domain (text or list), got " + value);
    }
    String problem = RuleFiles.domainProblem(text);
    if (!problem.isEmpty()) {
      throw new RuleFileException(file, label, "filter_domain", problem);
    }
    return text;
  }

  private static List<Map<String, Object>> actions(
      Path file, String label, Object raw, Set<String> kinds, String model) {
    if (!(raw instanceof List<?> list) || list.isEmpty()) {
      throw new RuleFileException(
          file,
          label,
          "actions",
          raw == null
              ? "is required: the actions to run"
              : "must be a list of actions, got " + raw);
    }
    List<Map<String, Object>> actions = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String key = "actions[" + i + "]";
      Map<String, Object> action = RuleFiles.action(file, label, key, list.get(i), kinds);
      if (model == null) {
        needsNoModel(file, label, key, action);
      }
      actions.add(action);
    }
    return actions;
  }

  /** With no model there are no records: only code (and multi's of code) can run. */
  private static void needsNoModel(Path file, String label, String key, Map<?, ?> action) {
    Object state = action.get("state");
    if (!WITHOUT_MODEL.contains(String.valueOf(state))) {
      throw new RuleFileException(
          file,
          label,
          key + ".state",
          state + " runs on records: give the schedule a model (without one, code actions only)");
    }
    if (action.get("child_ids") instanceof List<?> children) {
      for (int i = 0; i < children.size(); i++) {
        if (children.get(i) instanceof Map<?, ?> child) {
          needsNoModel(file, label, key + ".child_ids[" + i + "]", child);
        }
      }
    }
  }

  private static Schedule.CatchUp catchUp(Path file, String label, Object raw) {
    if (raw == null) {
      return Schedule.CatchUp.ONCE;
    }
    if (raw instanceof String text) {
      for (Schedule.CatchUp value : Schedule.CatchUp.values()) {
        if (value.name().toLowerCase(Locale.ROOT).equals(text.trim())) {
          return value;
        }
      }
    }
    throw new RuleFileException(
        file,
        label,
        "catch_up",
        "must be once (the missed runs as one, the default) or all (each missed run), got " + raw);
  }

  private static boolean active(Path file, String label, Object raw) {
    if (raw == null) {
      return true;
    }
    if (raw instanceof Boolean b) {
      return b;
    }
    throw new RuleFileException(file, label, "active", "must be true or false, got " + raw);
  }

  private static String text(Path file, String label, Map<?, ?> raw, String key, boolean required) {
    Object value = raw.get(key);
    if (value instanceof String s && !s.isBlank()) {
      return s.trim();
    }
    if (value == null && !required) {
      return null;
    }
    throw new RuleFileException(
        file, label, key, value == null ? "is required" : "must be text, got " + value);
  }
}
