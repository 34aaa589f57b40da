package io.odoosidecar.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.odoosidecar.SidecarException;
import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainException;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.PyLiteral;
import io.odoosidecar.schedule.Schedule;
import io.odoosidecar.sync.SyncConfig;
import io.odoosidecar.sync.SyncConfigException;
import io.odoosidecar.sync.SyncConfigs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads automation rules from YAML files ({@code config/rules/*.yaml}), written with Odoo's own
 * field names ({@code base.automation} for the rule, {@code ir.actions.server} for each action).
 *
 * <p>Every problem names the file, the rule and the key. A whole directory is validated before it
 * is used, so that a broken file never replaces a working set. For the "is set" triggers the
 * watched field and the domains are completed as Odoo computes them ({@code on_stage_set} with a
 * {@code trg_field_ref} watches {@code stage_id} and filters on it, {@code on_tag_set} adds a
 * before-update domain, and so on), unless the file gives them.
 */
public final class RuleFiles {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_LONG_FOR_INTS);

  /**
   * The trigger's settings kept in {@link Rule#parameters()}, by {@code base.automation}'s names.
   */
  public static final List<String> PARAMETER_KEYS =
      List.of(
          "trg_selection_field_id",
          "trg_field_ref",
          "trg_date_id",
          "trg_date_range",
          "trg_date_range_type",
          "trg_date_range_mode",
          "trg_date_calendar_id",
          "last_run",
          "backfill",
          "record_getter",
          "webhook_uuid",
          "log_webhook_calls",
          "description");

  /**
   * Refuses a timed rule's timing that Odoo would not hold: the unit of {@code trg_date_range_type}
   * ({@code ir.cron}'s {@code days} is not one), a range that is no whole number, a mode other than
   * before or after, a calendar that is no record id, a {@code last_run} that is no date-time.
   */
  private static void checkTiming(Path file, String label, Map<String, Object> raw) {
    Object unit = given(raw.get("trg_date_range_type"));
    if (unit != null && !List.of("minutes", "hour", "day", "month").contains(unit)) {
      throw new RuleFileException(
          file, label, "trg_date_range_type", "must be minutes, hour, day or month, not " + unit);
    }
    Object range = given(raw.get("trg_date_range"));
    if (range != null && !(range instanceof Integer || range instanceof Long)) {
      throw new RuleFileException(file, label, "trg_date_range", "must be a whole number");
    }
    Object mode = given(raw.get("trg_date_range_mode"));
    if (mode != null && !List.of("before", "after").contains(mode)) {
      throw new RuleFileException(
          file, label, "trg_date_range_mode", "must be before or after, not " + mode);
    }
    Object calendar = raw.get("trg_date_calendar_id");
    Object calendarId =
        calendar instanceof List<?> pair && !pair.isEmpty() ? pair.get(0) : calendar;
    if (calendar != null
        && !Boolean.FALSE.equals(calendar)
        && !(calendarId instanceof Integer || calendarId instanceof Long)) {
      throw new RuleFileException(
          file, label, "trg_date_calendar_id", "must be a resource.calendar id");
    }
    Object lastRun = raw.get("last_run");
    if (lastRun != null && !Boolean.FALSE.equals(lastRun)) {
      try {
        io.odoosidecar.schedule.TimedRule.parse(String.valueOf(lastRun));
      } catch (RuntimeException e) {
        throw new RuleFileException(
            file, label, "last_run", "must be a date-time as Odoo writes it (2026-12-01 08:00:00)");
      }
    }
  }

  /** A value, or null when absent or Odoo's empty {@code False}. */
  private static Object given(Object value) {
    return Boolean.FALSE.equals(value) ? null : value;
  }

  /** Keys of a rule: {@code base.automation}'s fields. */
  static final Set<String> RULE_KEYS =
      java.util.stream.Stream.concat(
              Stream.of(
                  "name",
                  "model",
                  "model_name",
                  "active",
                  "trigger",
                  "trigger_field_ids",
                  "trigger_field_names",
                  "filter_pre_domain",
                  "filter_domain",
                  "on_change_field_ids",
                  "actions"),
              PARAMETER_KEYS.stream())
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Keys of an action: {@code ir.actions.server}'s fields. */
  static final Set<String> ACTION_KEYS =
      Set.of(
          "state",
          "name",
          "sequence",
          "update_path",
          "update_field_id",
          "values",
          "update_related_model_id",
          "value",
          "evaluation_type",
          "update_m2m_operation",
          "update_boolean_value",
          "selection_value",
          "resource_ref",
          "crud_model_id",
          "link_field_id",
          "template_id",
          "mail_post_method",
          "mail_post_autofollow",
          "activity_type_id",
          "activity_summary",
          "activity_note",
          "activity_date_deadline_range",
          "activity_date_deadline_range_type",
          "activity_user_type",
          "activity_user_id",
          "activity_user_field_name",
          "partner_ids",
          "followers_type",
          "followers_partner_field_name",
          "code",
          "webhook_url",
          "webhook_field_ids",
          "child_ids",
          "sms_template_id",
          "sms_method",
          "html_value",
          "sequence_id",
          "groups_id",
          "group_ids",
          "usage",
          SyncConfigs.ACTION_KEY);

  /**
   * A rule file that cannot be used; the message names the file, the entry (a rule, or a schedule
   * when its label starts with {@value #SCHEDULE}) and the key.
   */
  public static final class RuleFileException extends SidecarException {
    private static final long serialVersionUID = 1L;

    RuleFileException(Path file, String rule, String key, String problem) {
      super(
          file
              + ": "
              + (rule == null ? "" : (rule.startsWith(SCHEDULE) ? rule : "rule " + rule) + ": ")
              + (key == null ? "" : key + ": ")
              + problem);
    }
  }

  /** How the label of a schedule entry starts ({@code schedule 'nightly'}). */
  static final String SCHEDULE = "schedule ";

  /** The context dynamic domains are tried in when loaded: a user, a moment, every ref found. */
  private static final DomainExpression.Context LOAD_CONTEXT =
      DomainExpression.Context.of(1, java.time.Instant.EPOCH, ref -> 1L);

  private RuleFiles() {}

  /**
   * What a rules folder holds: its rules (those a sync config with {@code on:} makes included,
   * after the file's own), its sync configs and its schedules, in file order.
   */
  public record Contents(List<Rule> rules, List<SyncConfig> syncConfigs, List<Schedule> schedules) {
    public Contents {
      rules = List.copyOf(rules);
      syncConfigs = List.copyOf(syncConfigs);
      schedules = List.copyOf(schedules);
    }

    /** Rules and sync configs, no schedule. */
    public Contents(List<Rule> rules, List<SyncConfig> syncConfigs) {
      this(rules, syncConfigs, List.of());
    }
  }

  /** What one file holds: its rules, its sync configs and its schedules. */
  private record FileContents(
      List<Rule> rules, List<SyncConfig> syncConfigs, List<Schedule> schedules) {}

  /**
   * Every rule of the {@code *.yaml} and {@code *.yml} files of a directory, in file order, those
   * the sync configs make included.
   */
  public static List<Rule> load(Path directory) {
    return load(directory, ActionRegistry.standardNames());
  }

  /**
   * Every rule of a directory's files, in file order, their actions of the given kinds only.
   *
   * @param kinds the action kinds with an executor ({@link ActionRegistry#names()})
   */
  public static List<Rule> load(Path directory, Set<String> kinds) {
    return loadAll(directory, kinds).rules();
  }

  /**
   * The rules and sync configs of a directory, validated as a whole (names unique across files):
   * what a reload replaces at once.
   */
  public static Contents loadAll(Path directory) {
    return loadAll(directory, ActionRegistry.standardNames());
  }

  /** {@link #loadAll(Path)}, the rules' actions of the given kinds only. */
  public static Contents loadAll(Path directory, Set<String> kinds) {
    List<Rule> rules = new ArrayList<>();
    List<SyncConfig> syncs = new ArrayList<>();
    List<Schedule> schedules = new ArrayList<>();
    for (FileContents contents : read(directory, kinds).values()) {
      rules.addAll(contents.rules());
      contents.syncConfigs().forEach(c -> rules.addAll(SyncConfigs.rules(c)));
      syncs.addAll(contents.syncConfigs());
      schedules.addAll(contents.schedules());
    }
    return new Contents(rules, syncs, schedules);
  }

  /**
   * The rules of a directory by the file they come from, in file order, validated as a whole (rule
   * names unique across files); the rules of sync configs are not among them.
   */
  public static Map<Path, List<Rule>> loadBySource(Path directory) {
    return loadBySource(directory, ActionRegistry.standardNames());
  }

  /** {@link #loadBySource(Path)}, the actions of the given kinds only. */
  public static Map<Path, List<Rule>> loadBySource(Path directory, Set<String> kinds) {
    Map<Path, List<Rule>> bySource = new LinkedHashMap<>();
    read(directory, kinds).forEach((file, contents) -> bySource.put(file, contents.rules()));
    return bySource;
  }

  /**
   * The sync configs of a directory by the file they come from, in file order, validated with the
   * rules as a whole.
   */
  public static Map<Path, List<SyncConfig>> syncConfigsBySource(Path directory) {
    Map<Path, List<SyncConfig>> bySource = new LinkedHashMap<>();
    read(directory, ActionRegistry.standardNames())
        .forEach((file, contents) -> bySource.put(file, contents.syncConfigs()));
    return bySource;
  }

  private static Map<Path, FileContents> read(Path directory, Set<String> kinds) {
    if (!Files.isDirectory(directory)) {
      throw new RuleFileException(directory, null, null, "not a directory of rule files");
    }
    List<Path> files;
    try (Stream<Path> listing = Files.list(directory)) {
      files =
          listing
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new RuleFileException(directory, null, null, "cannot be listed: " + e.getMessage());
    }
    Map<Path, FileContents> bySource = new LinkedHashMap<>();
    Map<String, Path> names = new HashMap<>();
    Map<String, Path> syncNames = new HashMap<>();
    Map<String, Path> scheduleNames = new HashMap<>();
    for (Path file : files) {
      FileContents contents = readFile(file, kinds);
      for (Schedule schedule : contents.schedules()) {
        Path first = scheduleNames.putIfAbsent(schedule.name(), file);
        if (first != null) {
          throw new RuleFileException(
              file,
              SCHEDULE + quote(schedule.name()),
              "name",
              "already used by a schedule of " + first);
        }
      }
      for (SyncConfig config : contents.syncConfigs()) {
        Path first = syncNames.putIfAbsent(config.name(), file);
        if (first != null) {
          throw new SyncConfigException(
              file, quote(config.name()), "name", "already used by a sync config of " + first);
        }
      }
      List<Rule> all = new ArrayList<>(contents.rules());
      contents.syncConfigs().forEach(c -> all.addAll(SyncConfigs.rules(c)));
      for (Rule rule : all) {
        Path first = names.putIfAbsent(rule.name(), file);
        if (first != null) {
          throw new RuleFileException(
              file, quote(rule.name()), "name", "already used by a rule of " + first);
        }
      }
      bySource.put(file, contents);
    }
    Map<String, SyncConfig> configs = new LinkedHashMap<>();
    bySource.values().forEach(c -> c.syncConfigs().forEach(s -> configs.put(s.name(), s)));
    bySource.forEach((file, contents) -> checkSyncActions(file, contents, configs));
    return bySource;
  }

  /** The {@code api_sync} actions of a file's rules and schedules, checked. */
  private static void checkSyncActions(
      Path file, FileContents contents, Map<String, SyncConfig> configs) {
    checkSyncActions(file, contents.rules(), configs);
    for (Schedule schedule : contents.schedules()) {
      checkSyncActions(
          file,
          SCHEDULE + quote(schedule.name()),
          schedule.model(),
          "actions",
          schedule.actions(),
          configs);
    }
  }

  /**
   * Refuses an {@code api_sync} action (children of a {@code multi} included) that names no sync
   * config, one the folder does not hold, or one of another model than its rule's: the configs of
   * every file are known by then, so a rule may name a config of another file.
   */
  private static void checkSyncActions(
      Path file, List<Rule> rules, Map<String, SyncConfig> configs) {
    for (Rule rule : rules) {
      checkSyncActions(file, quote(rule.name()), rule.model(), "actions", rule.actions(), configs);
    }
  }

  private static void checkSyncActions(
      Path file,
      String label,
      String model,
      String key,
      List<?> actions,
      Map<String, SyncConfig> configs) {
    for (int i = 0; i < actions.size(); i++) {
      if (!(actions.get(i) instanceof Map<?, ?> action)) {
        continue;
      }
      String at = key + "[" + i + "]";
      if (SyncConfigs.ACTION_KIND.equals(action.get("state"))) {
        checkSyncAction(file, label, model, at + "." + SyncConfigs.ACTION_KEY, action, configs);
      }
      if (action.get("child_ids") instanceof List<?> children) {
        checkSyncActions(file, label, model, at + ".child_ids", children, configs);
      }
    }
  }

  private static void checkSyncAction(
      Path file,
      String label,
      String model,
      String key,
      Map<?, ?> action,
      Map<String, SyncConfig> configs) {
    String known =
        configs.isEmpty()
            ? "the rules folder has no sync config"
            : "known sync configs: " + String.join(", ", new TreeSet<>(configs.keySet()));
    Object name = action.get(SyncConfigs.ACTION_KEY);
    if (!(name instanceof String text) || text.isBlank()) {
      throw new RuleFileException(
          file,
          label,
          key,
          "is required for " + SyncConfigs.ACTION_KIND + ": the name of a sync config; " + known);
    }
    SyncConfig config = configs.get(text.trim());
    if (config == null) {
      throw new RuleFileException(
          file, label, key, "no sync config '" + text.trim() + "'; " + known);
    }
    if (!config.model().equals(model)) {
      throw new RuleFileException(
          file,
          label,
          key,
          "sync config '"
              + config.name()
              + "' syncs "
              + config.model()
              + (label.startsWith(SCHEDULE)
                  ? ", the schedule's model is "
                  : ", the rule's model is ")
              + model);
    }
  }

  /** The rules of one file: a mapping with a {@code rules} list, a {@code sync} list, or both. */
  public static List<Rule> loadFile(Path file) {
    return loadFile(file, ActionRegistry.standardNames());
  }

  /** {@link #loadFile(Path)}, the actions of the given kinds only. */
  public static List<Rule> loadFile(Path file, Set<String> kinds) {
    FileContents contents = readFile(file, kinds);
    Map<String, SyncConfig> configs = new LinkedHashMap<>();
    contents.syncConfigs().forEach(c -> configs.put(c.name(), c));
    checkSyncActions(file, contents, configs);
    return contents.rules();
  }

  @SuppressWarnings("unchecked")
  private static FileContents readFile(Path file, Set<String> kinds) {
    Object root;
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
      root = YAML.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new RuleFileException(
          file, null, null, "not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new RuleFileException(file, null, null, "cannot be read: " + e.getMessage());
    }
    YamlKeys.firstDuplicate(text).ifPresent(d -> refuseDuplicate(file, root, d));
    if (root == null) {
      return new FileContents(List.of(), List.of(), List.of());
    }
    if (!(root instanceof Map<?, ?> top)
        || !(top.get("rules") instanceof List<?>
            || top.get("sync") instanceof List<?>
            || top.get("schedules") instanceof List<?>)) {
      throw new RuleFileException(
          file,
          null,
          "rules",
          "a rule file is a mapping with a 'rules' list, a 'sync' list or both"
              + " (and/or a 'schedules' list)");
    }
    top.keySet().stream()
        .map(String::valueOf)
        .filter(k -> !"rules".equals(k) && !"sync".equals(k) && !"schedules".equals(k))
        .findFirst()
        .ifPresent(
            k -> {
              throw new RuleFileException(
                  file,
                  null,
                  k,
                  "unknown key; a rule file holds 'rules', 'sync' and 'schedules' only");
            });
    List<Schedule> schedules = ScheduleEntries.parse(file, top.get("schedules"), kinds);
    List<SyncConfig> syncs = SyncConfigs.parse(file, top.get("sync"));
    if (top.get("rules") != null && !(top.get("rules") instanceof List<?>)) {
      throw new RuleFileException(file, null, "rules", "must be a list of rules");
    }
    List<?> list = top.get("rules") == null ? List.of() : (List<?>) top.get("rules");
    List<Rule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> entry)) {
        throw new RuleFileException(
            file, "#" + (i + 1), null, "a rule is a mapping of keys to values");
      }
      rules.add(rule(file, i, (Map<String, Object>) entry, kinds));
    }
    return new FileContents(rules, syncs, schedules);
  }

  /** A key given twice, named by rule (its name, else its position) and the path within it. */
  private static void refuseDuplicate(Path file, Object root, YamlKeys.Duplicate duplicate) {
    List<Object> path = duplicate.path();
    if (path.size() >= 2 && "schedules".equals(path.get(0)) && path.get(1) instanceof Integer s) {
      Object entry =
          root instanceof Map<?, ?> top
                  && top.get("schedules") instanceof List<?> list
                  && s < list.size()
              ? list.get(s)
              : null;
      String key = dotted(path.subList(2, path.size()));
      throw new RuleFileException(
          file, ScheduleEntries.label(entry, s), key.isEmpty() ? null : key, duplicate.problem());
    }
    if (path.size() >= 2 && "sync".equals(path.get(0)) && path.get(1) instanceof Integer s) {
      Object entry =
          root instanceof Map<?, ?> top
                  && top.get("sync") instanceof List<?> list
                  && s < list.size()
              ? list.get(s)
              : null;
      String key = dotted(path.subList(2, path.size()));
      throw new SyncConfigException(
          file, SyncConfigs.label(entry, s), key.isEmpty() ? null : key, duplicate.problem());
    }
    if (path.size() < 2 || !"rules".equals(path.get(0)) || !(path.get(1) instanceof Integer i)) {
      String where = duplicate.dotted();
      throw new RuleFileException(file, null, where.isEmpty() ? null : where, duplicate.problem());
    }
    Object entry =
        root instanceof Map<?, ?> top && top.get("rules") instanceof List<?> list && i < list.size()
            ? list.get(i)
            : null;
    String label =
        entry instanceof Map<?, ?> rule && rule.get("name") instanceof String n && !n.isBlank()
            ? quote(n)
            : "#" + (i + 1);
    String key = dotted(path.subList(2, path.size()));
    throw new RuleFileException(file, label, key.isEmpty() ? null : key, duplicate.problem());
  }

  /** A path within an entry as messages name it: {@code mapping[2].key}. */
  private static String dotted(List<Object> path) {
    StringBuilder key = new StringBuilder();
    for (Object part : path) {
      if (part instanceof Integer index) {
        key.append('[').append(index).append(']');
      } else {
        key.append(key.length() == 0 ? "" : ".").append(part);
      }
    }
    return key.toString();
  }

  @SuppressWarnings("unchecked")
  private static Rule rule(Path file, int index, Map<String, Object> raw, Set<String> kinds) {
    String label =
        raw.get("name") instanceof String n && !n.isBlank() ? quote(n) : "#" + (index + 1);
    for (String key : raw.keySet()) {
      if (!RULE_KEYS.contains(key)) {
        throw new RuleFileException(
            file,
            label,
            key,
            "unknown key; known keys: " + String.join(", ", new TreeSet<>(RULE_KEYS)));
      }
    }
    String name = text(file, label, raw, "name", true);
    String model =
        raw.containsKey("model")
            ? text(file, label, raw, "model", true)
            : text(file, label, raw, "model_name", true);
    Trigger trigger;
    try {
      trigger = Trigger.of(text(file, label, raw, "trigger", true));
    } catch (IllegalArgumentException e) {
      throw new RuleFileException(file, label, "trigger", e.getMessage());
    }
    boolean active = !(raw.get("active") instanceof Boolean b) || b;
    List<String> watched =
        strings(
            file,
            label,
            raw,
            raw.containsKey("trigger_field_names") ? "trigger_field_names" : "trigger_field_ids");
    String pre = domain(file, label, raw, "filter_pre_domain");
    String post = domain(file, label, raw, "filter_domain");
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (String key : PARAMETER_KEYS) {
      if (raw.get(key) != null && !Boolean.FALSE.equals(raw.get(key))) {
        parameters.put(key, raw.get(key));
      }
    }
    Object hook = parameters.get("webhook_uuid");
    if (hook != null
        && !(hook instanceof String h && h.trim().replace("-", "").matches("[0-9a-fA-F]{32}"))) {
      throw new RuleFileException(
          file,
          label,
          "webhook_uuid",
          "must be a uuid (32 hexadecimal digits, as Odoo makes them): whoever knows it can fire"
              + " the rule; leave it out for a random one");
    }
    if (io.odoosidecar.schedule.TimedRule.timed(trigger)) {
      checkTiming(file, label, raw);
    }
    if (raw.containsKey("backfill") && !(raw.get("backfill") instanceof Boolean)) {
      throw new RuleFileException(
          file,
          label,
          "backfill",
          "must be true or false: whether a new timed rule fires on the records already due (Odoo"
              + " back-fills all history) or starts from now");
    }
    // Odoo's computed trigger fields and domains for the "is set" triggers
    String field = watched.size() == 1 ? watched.get(0) : defaultField(trigger);
    if (watched.isEmpty() && field != null) {
      watched = List.of(field);
    }
    Object ref = parameters.get("trg_field_ref");
    Object selection = parameters.get("trg_selection_field_id");
    if (post == null && field != null) {
      post =
          switch (trigger) {
            case ON_STAGE_SET ->
                ref == null ? null : "[('" + field + "', '=', " + refExpression(ref) + ")]";
            case ON_TAG_SET ->
                ref == null ? null : "[('" + field + "', 'in', [" + refExpression(ref) + "])]";
            case ON_STATE_SET, ON_PRIORITY_SET ->
                selection == null
                    ? null
                    : "[('" + field + "', '=', " + PyLiteral.repr(String.valueOf(selection)) + ")]";
            case ON_USER_SET -> "[('" + field + "', '!=', False)]";
            case ON_ARCHIVE -> "[('" + field + "', '=', False)]";
            case ON_UNARCHIVE -> "[('" + field + "', '=', True)]";
            default -> null;
          };
    }
    if (pre == null && trigger == Trigger.ON_TAG_SET && ref != null && field != null) {
      pre = "[('" + field + "', 'not in', [" + refExpression(ref) + "])]";
    }
    if (trigger == Trigger.ON_TIME
        || trigger == Trigger.ON_TIME_CREATED
        || trigger == Trigger.ON_TIME_UPDATED) {
      if (trigger == Trigger.ON_TIME && !parameters.containsKey("trg_date_id")) {
        throw new RuleFileException(
            file,
            label,
            "trg_date_id",
            "is required for on_time: the date field the delay counts from");
      }
      if (!(parameters.getOrDefault("trg_date_range", 0L) instanceof Long)) {
        throw new RuleFileException(file, label, "trg_date_range", "must be a whole number");
      }
    }
    return new Rule(
        name,
        model,
        active,
        trigger,
        watched,
        pre,
        post,
        parameters,
        actions(file, label, raw.get("actions"), kinds));
  }

  private static String defaultField(Trigger trigger) {
    return switch (trigger) {
      case ON_STAGE_SET -> "stage_id";
      case ON_TAG_SET -> "tag_ids";
      case ON_PRIORITY_SET -> "priority";
      case ON_STATE_SET -> "state";
      case ON_USER_SET -> "user_id";
      case ON_ARCHIVE, ON_UNARCHIVE -> "active";
      default -> null;
    };
  }

  /**
   * An id stays a number; an external id ({@code crm.stage_lead4}) is resolved by {@code ref()}.
   */
  private static String refExpression(Object ref) {
    return ref instanceof Number n ? String.valueOf(n.longValue()) : "ref('" + ref + "')";
  }

  private static List<Map<String, Object>> actions(
      Path file, String label, Object raw, Set<String> kinds) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> list)) {
      throw new RuleFileException(file, label, "actions", "must be a list of actions");
    }
    List<Map<String, Object>> actions = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      actions.add(action(file, label, "actions[" + i + "]", list.get(i), kinds));
    }
    return actions;
  }

  /** One action, and its children ({@code child_ids}, a {@code multi}'s) the same way. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> action(
      Path file, String label, String key, Object raw, Set<String> kinds) {
    if (!(raw instanceof Map<?, ?> action)) {
      throw new RuleFileException(
          file, label, key, "an action is a mapping of ir.actions.server fields");
    }
    for (Object k : action.keySet()) {
      if (!ACTION_KEYS.contains(String.valueOf(k))) {
        throw new RuleFileException(
            file,
            label,
            key + "." + k,
            "unknown key; known keys: " + String.join(", ", new TreeSet<>(ACTION_KEYS)));
      }
    }
    Object state = action.get("state");
    if (!(state instanceof String s) || !kinds.contains(s)) {
      throw new RuleFileException(file, label, key + ".state", unknownKind(state, kinds));
    }
    required(file, label, key, s, action);
    checkPython(file, label, key, (Map<String, Object>) action);
    children(file, label, key, action.get("child_ids"), kinds);
    return (Map<String, Object>) action;
  }

  private static void required(Path file, String label, String key, String s, Map<?, ?> action) {
    if (s.equals("object_write")
        && !action.containsKey("update_path")
        && !action.containsKey("update_field_id")
        && !(action.get("values") instanceof Map<?, ?>)) {
      throw new RuleFileException(
          file,
          label,
          key + ".update_path",
          "is required for object_write: the field to update (or values: {field: value, ...})");
    }
    if (s.equals("webhook") && !(action.get("webhook_url") instanceof String)) {
      throw new RuleFileException(file, label, key + ".webhook_url", "is required for webhook");
    }
    if (s.equals("code") && !(action.get("code") instanceof String)) {
      throw new RuleFileException(file, label, key + ".code", "is required for code");
    }
  }

  private static void children(
      Path file, String label, String key, Object children, Set<String> kinds) {
    if (children == null || Boolean.FALSE.equals(children)) {
      return;
    }
    if (!(children instanceof List<?> list)) {
      throw new RuleFileException(file, label, key + ".child_ids", "must be a list of actions");
    }
    for (int i = 0; i < list.size(); i++) {
      action(file, label, key + ".child_ids[" + i + "]", list.get(i), kinds);
    }
  }

  /** What is wrong with an action's kind: not one with an executor; the known kinds listed. */
  static String unknownKind(Object state, Set<String> kinds) {
    return "must be one of the action kinds the sidecar runs ("
        + String.join(", ", new TreeSet<>(kinds))
        + "), got "
        + state;
  }

  /**
   * The first action of a rule entry, children of a {@code multi} included, whose kind has no
   * executor: its key ({@code actions[0].child_ids[1].state}) and the problem; empty when none.
   */
  static java.util.Optional<String> firstUnknownKind(Object actions, Set<String> kinds) {
    return firstUnknownKind("actions", actions, kinds);
  }

  private static java.util.Optional<String> firstUnknownKind(
      String key, Object actions, Set<String> kinds) {
    if (!(actions instanceof List<?> list)) {
      return java.util.Optional.empty();
    }
    for (int i = 0; i < list.size(); i++) {
      String at = key + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> action)) {
        continue;
      }
      Object state = action.get("state");
      if (!(state instanceof String s) || !kinds.contains(s)) {
        return java.util.Optional.of(at + ".state: " + unknownKind(state, kinds));
      }
      java.util.Optional<String> child =
          firstUnknownKind(at + ".child_ids", action.get("child_ids"), kinds);
      if (child.isPresent()) {
        return child;
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * A code action's code, and an update's equation, compiled and checked as the sandbox runs them:
   * refused now rather than failing every event later.
   */
  private static void checkPython(Path file, String label, String key, Map<String, Object> action) {
    String problem = "";
    String where = key + ".code";
    if ("code".equals(action.get("state"))) {
      problem = io.odoosidecar.script.PythonCheck.problem((String) action.get("code"), false);
    } else if ("equation".equals(action.get("evaluation_type")) && action.get("value") != null) {
      where = key + ".value";
      problem =
          io.odoosidecar.script.PythonCheck.problem(String.valueOf(action.get("value")), true);
    }
    if (!problem.isEmpty()) {
      throw new RuleFileException(file, label, where, problem);
    }
  }

  private static String text(
      Path file, String label, Map<String, Object> raw, String key, boolean required) {
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

  private static List<String> strings(
      Path file, String label, Map<String, Object> raw, String key) {
    Object value = raw.get(key);
    if (value == null || Boolean.FALSE.equals(value)) {
      return List.of();
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw new RuleFileException(file, label, key, "must be a list of field names, got " + value);
  }

  /** A domain as text: checked now when literal; a dynamic one is checked when evaluated. */
  private static String domain(Path file, String label, Map<String, Object> raw, String key) {
    Object value = raw.get(key);
    if (value == null || Boolean.FALSE.equals(value)) {
      return null;
    }
    String text = domainText(value);
    if (text == null) {
      throw new RuleFileException(
          file, label, key, "must be a domain (text or list), got " + value);
    }
    String problem = domainProblem(text);
    if (!problem.isEmpty()) {
      throw new RuleFileException(file, label, key, problem);
    }
    return text;
  }

  /** A domain written as text or as a YAML list, as text; null when it is neither. */
  public static String domainText(Object value) {
    return value instanceof String s ? s : value instanceof List<?> ? toPython(value) : null;
  }

  /**
   * What is wrong with a domain, as a rule's domain is checked when loaded, or an empty string: a
   * literal one must parse; a dynamic one must evaluate with any user, time and external id.
   */
  public static String domainProblem(String text) {
    try {
      Domain.parse(text);
    } catch (DomainException e) {
      if (!e.getMessage().contains("dynamic domain")) {
        return e.getMessage();
      }
      try {
        // a dynamic domain evaluated now, with any user, time and external id: what cannot
        // evaluate then cannot at run time either
        DomainExpression.evaluate(text, LOAD_CONTEXT);
      } catch (RuntimeException dynamic) {
        return dynamic.getMessage();
      }
    }
    return "";
  }

  private static String toPython(Object list) {
    try {
      return Domain.of((List<?>) list).toString();
    } catch (DomainException e) {
      return String.valueOf(list);
    }
  }

  static String quote(String name) {
    return "'" + name + "'";
  }
}
