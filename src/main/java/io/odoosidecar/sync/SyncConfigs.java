package io.odoosidecar.sync;

import io.odoosidecar.http.Retry;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.sync.SyncConfig.ResponseLine;
import io.odoosidecar.sync.SyncConfig.StatusFields;
import io.odoosidecar.sync.auth.AuthKinds;
import io.odoosidecar.sync.auth.SyncAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code sync:} list of a rule file into {@link SyncConfig}s, and makes the rules of the
 * configs that run by themselves ({@code on:}).
 *
 * <p>Every problem names the file, the config and the key: {@code config/rules/partners.yaml: sync
 * 'customers': mapping[2].type: unknown type 'xml'; known: plain, python, relational}.
 */
public final class SyncConfigs {
  /** Keys of a sync config. */
  static final Set<String> KEYS =
      Set.of(
          "name",
          "model",
          "filter_domain",
          "url",
          "method",
          "headers",
          "params",
          "connect-timeout",
          "read-timeout",
          "auth",
          "mapping",
          "batch",
          "batch-key",
          "response",
          "status",
          "retry",
          "concurrency",
          "on",
          "trigger_field_ids",
          "unlink-body");

  static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final Map<String, String> DEFAULT_METHODS =
      Map.of("create", "POST", "write", "PUT", "unlink", "DELETE");
  private static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  /** The longest time-out or retry wait a config may give. */
  static final Duration LONGEST = Duration.ofDays(1);

  /** The action kind of the synthesized rules, and its key naming the config. */
  public static final String ACTION_KIND = "api_sync";

  public static final String ACTION_KEY = "sync_config";

  private SyncConfigs() {}

  /** The configs of a file's {@code sync:} node, secrets read from the process's environment. */
  public static List<SyncConfig> parse(Path file, Object node) {
    return parse(file, node, System::getenv);
  }

  /**
   * The configs of a file's {@code sync:} node (a list of mappings).
   *
   * @param env the environment variables the auth's {@code -env} keys name
   */
  public static List<SyncConfig> parse(Path file, Object node, Function<String, String> env) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> list)) {
      throw new SyncConfigException(file, null, "sync", "must be a list of sync configs");
    }
    List<SyncConfig> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String label = label(list.get(i), i);
      if (!(list.get(i) instanceof Map<?, ?> raw)) {
        throw new SyncConfigException(file, label, null, "a sync config is a mapping of keys");
      }
      out.add(new Entry(file, label, raw, env).config());
    }
    return out;
  }

  /** How a config is named in messages: its name quoted, else its position ({@code #2}). */
  public static String label(Object raw, int index) {
    return raw instanceof Map<?, ?> map && map.get("name") instanceof String n && !n.isBlank()
        ? "'" + n.trim() + "'"
        : "#" + (index + 1);
  }

  /**
   * The rules of a config with {@code on:}: one with {@code on_create}, {@code on_write} or {@code
   * on_create_or_write}, one with {@code on_unlink}, as the operations ask; each has the config's
   * domain and watched fields and the single action {@code {state: api_sync, sync_config: NAME}}.
   */
  public static List<Rule> rules(SyncConfig config) {
    List<Rule> out = new ArrayList<>();
    boolean create = config.on().contains("create");
    boolean write = config.on().contains("write");
    if (create || write) {
      Trigger trigger =
          create && write
              ? Trigger.ON_CREATE_OR_WRITE
              : create ? Trigger.ON_CREATE : Trigger.ON_WRITE;
      out.add(rule(config, ruleName(config, trigger), trigger));
    }
    if (config.on().contains("unlink")) {
      out.add(rule(config, ruleName(config, Trigger.ON_UNLINK), Trigger.ON_UNLINK));
    }
    return out;
  }

  /**
   * What the deletion rules' {@code api_sync} actions need of the deleted records, by model, for
   * the watch list's {@code unlink_fields} ({@code WatchList.of(rules, this)}): each config's
   * mapped fields (a dotted path's first field), its unlink URL's placeholders, and {@code "*"}
   * (every stored field) for a python line, which may read any. Rules that are not {@code
   * on_unlink}, and configs not in force, add nothing.
   */
  public static Map<String, Set<String>> unlinkFields(
      java.util.Collection<Rule> rules, SyncConfigLookup configs) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Rule rule : rules) {
      if (rule.active() && rule.trigger() == Trigger.ON_UNLINK) {
        for (String name : configNames(rule.actions())) {
          configs
              .find(name)
              .filter(c -> c.model().equals(rule.model()))
              .ifPresent(
                  c ->
                      out.computeIfAbsent(c.model(), m -> new TreeSet<>()).addAll(unlinkFields(c)));
        }
      }
    }
    return out;
  }

  /** The fields a config's delete sends or puts in its URL, as they are named on its model. */
  static Set<String> unlinkFields(SyncConfig config) {
    Set<String> out = new TreeSet<>();
    for (MappingLine line : config.mapping()) {
      if (line.type() == MappingType.PYTHON) {
        out.add("*");
      }
      if (!line.field().isEmpty()) {
        out.add(first(line.field()));
      }
    }
    UrlTemplate.fields(config.url("unlink")).stream()
        .filter(f -> !f.equals(UrlTemplate.IDENTIFIER))
        .forEach(f -> out.add(first(f)));
    return out;
  }

  private static String first(String path) {
    int dot = path.indexOf('.');
    return dot < 0 ? path : path.substring(0, dot);
  }

  /** The configs the {@code api_sync} actions name, children of a {@code multi} included. */
  private static List<String> configNames(List<?> actions) {
    List<String> out = new ArrayList<>();
    for (Object item : actions) {
      if (item instanceof Map<?, ?> action) {
        if (ACTION_KIND.equals(action.get("state")) && action.get(ACTION_KEY) instanceof String n) {
          out.add(n.trim());
        }
        if (action.get("child_ids") instanceof List<?> children) {
          out.addAll(configNames(children));
        }
      }
    }
    return out;
  }

  /** The name of a config's synthesized rule: {@code sync 'NAME' on_create_or_write}. */
  public static String ruleName(SyncConfig config, Trigger trigger) {
    return "sync '" + config.name() + "' " + trigger.odooName();
  }

  private static Rule rule(SyncConfig config, String name, Trigger trigger) {
    Map<String, Object> action = new LinkedHashMap<>();
    action.put("state", ACTION_KIND);
    action.put(ACTION_KEY, config.name());
    List<String> watched = trigger == Trigger.ON_UNLINK ? List.of() : config.triggerFields();
    // on_unlink too: the domain is matched on the deleted records' old values (the watch list asks
    // for its fields), so a record the sync never covered sends no DELETE
    return new Rule(
        name,
        config.model(),
        true,
        trigger,
        watched,
        null,
        config.filterDomain(),
        Map.of(),
        List.of(action));
  }

  /** One raw config being read. */
  record Entry(Path file, String label, Map<?, ?> raw, Function<String, String> env) {

    SyncConfig config() {
      for (Object key : raw.keySet()) {
        if (!KEYS.contains(String.valueOf(key))) {
          throw error(String.valueOf(key), "unknown key; known keys: " + known(KEYS));
        }
      }
      String model = text("model", true);
      Map<String, String> urls = urls();
      List<MappingLine> mapping = MappingLines.parse(this, raw.get("mapping"), "mapping", true);
      List<String> on = operations();
      return new SyncConfig(
          text("name", true),
          model,
          domain(),
          urls,
          methods(),
          headers(),
          texts("params"),
          duration(raw.get("connect-timeout"), "connect-timeout", Duration.ofSeconds(5)),
          duration(raw.get("read-timeout"), "read-timeout", Duration.ofSeconds(15)),
          auth(),
          mapping,
          positive(raw.get("batch"), "batch", 1),
          text("batch-key", false),
          response(),
          status(),
          retry(),
          positive(raw.get("concurrency"), "concurrency", 4),
          on,
          fieldNames("trigger_field_ids"),
          !Boolean.FALSE.equals(flag("unlink-body")));
    }

    SyncConfigException error(String key, String problem) {
      return new SyncConfigException(file, label, key, problem);
    }

    String text(String key, boolean required) {
      return text(raw.get(key), key, required);
    }

    String text(Object value, String key, boolean required) {
      if (value instanceof String s && !s.isBlank()) {
        return s.trim();
      }
      if (value == null && !required) {
        return null;
      }
      throw error(key, value == null ? "is required" : "must be text, got " + value);
    }

    Boolean flag(String key) {
      Object value = raw.get(key);
      if (value == null || value instanceof Boolean) {
        return (Boolean) value;
      }
      throw error(key, "must be true or false, got " + value);
    }

    private String domain() {
      Object value = raw.get("filter_domain");
      if (value == null || Boolean.FALSE.equals(value)) {
        return null;
      }
      String text = RuleFiles.domainText(value);
      if (text == null) {
        throw error("filter_domain", "must be a domain (text or list), got " + value);
      }
      String problem = RuleFiles.domainProblem(text);
      if (!problem.isEmpty()) {
        throw error("filter_domain", problem);
      }
      return text;
    }

    private Map<String, String> urls() {
      Object value = raw.get("url");
      Map<String, String> urls = new LinkedHashMap<>();
      if (value instanceof Map<?, ?> byOperation) {
        byOperation.forEach(
            (op, url) -> urls.put(operation(op, "url." + op), url(url, "url." + op)));
        for (String op : SyncConfig.OPERATIONS) {
          if (!urls.containsKey(op)) {
            throw error("url." + op, "is required when url is given by operation");
          }
        }
      } else {
        String url = url(value, "url");
        SyncConfig.OPERATIONS.forEach(op -> urls.put(op, url));
      }
      return urls;
    }

    private String url(Object value, String key) {
      String url = text(value, key, true);
      String scheme = url.toLowerCase(Locale.ROOT);
      if (!scheme.startsWith("http://") && !scheme.startsWith("https://")) {
        throw error(key, "must be an http:// or https:// URL, got '" + redacted(url) + "'");
      }
      if (UrlTemplate.unbalanced(url)) {
        throw error(key, "a placeholder is {field}: unbalanced braces in '" + redacted(url) + "'");
      }
      return url;
    }

    private String operation(Object op, String key) {
      if (!SyncConfig.OPERATIONS.contains(String.valueOf(op))) {
        throw error(key, "unknown operation; known: " + String.join(", ", SyncConfig.OPERATIONS));
      }
      return String.valueOf(op);
    }

    private Map<String, String> methods() {
      Map<String, String> methods = new LinkedHashMap<>(DEFAULT_METHODS);
      Object value = raw.get("method");
      if (value == null) {
        return methods;
      }
      if (!(value instanceof Map<?, ?> byOperation)) {
        throw error("method", "must map operations (create, write, unlink) to HTTP methods");
      }
      byOperation.forEach(
          (op, method) -> {
            String key = "method." + op;
            String name = String.valueOf(method).toUpperCase(Locale.ROOT);
            if (!METHODS.contains(name)) {
              throw error(key, "unsupported method '" + method + "'; allowed: " + known(METHODS));
            }
            methods.put(operation(op, key), name);
          });
      return methods;
    }

    private Map<String, String> texts(String key) {
      Object value = raw.get(key);
      Map<String, String> out = new LinkedHashMap<>();
      if (value == null) {
        return out;
      }
      if (!(value instanceof Map<?, ?> map)) {
        throw error(key, "must be a mapping of names to values");
      }
      map.forEach(
          (name, v) -> {
            if (v instanceof Map || v instanceof List || v == null) {
              throw error(key + "." + name, "must be a single value");
            }
            out.put(String.valueOf(name), String.valueOf(v));
          });
      return out;
    }

    @SuppressWarnings("unchecked")
    private SyncAuth auth() {
      Object value = raw.get("auth");
      if (value != null && !(value instanceof Map<?, ?>)) {
        throw error("auth", "must be a mapping with a 'kind'");
      }
      String name = raw.get("name") instanceof String n ? n.trim() : "";
      return AuthKinds.parse(file, name, (Map<String, Object>) value, env);
    }

    /** The headers; one that carries a credential is refused: it belongs in {@code auth}. */
    private Map<String, String> headers() {
      Map<String, String> headers = texts("headers");
      for (String header : headers.keySet()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (CREDENTIAL_HEADERS.contains(lower) || Redaction.sensitive(lower)) {
          throw error(
              "headers." + header,
              "carries a credential: give it with auth (bearer, basic, api-key, ...), whose"
                  + " secrets come from -env or -file keys");
        }
      }
      return headers;
    }

    private List<ResponseLine> response() {
      Object value = raw.get("response");
      if (value == null) {
        return List.of();
      }
      if (!(value instanceof List<?> list)) {
        throw error("response", "must be a list of {key, field}");
      }
      List<ResponseLine> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String where = "response[" + i + "]";
        if (!(list.get(i) instanceof Map<?, ?> line)) {
          throw error(where, "a response line is a mapping {key, field}");
        }
        for (Object k : line.keySet()) {
          if (!"key".equals(k) && !"field".equals(k)) {
            throw error(where + "." + k, "unknown key; known keys: field, key");
          }
        }
        out.add(
            new ResponseLine(
                text(line.get("key"), where + ".key", true),
                text(line.get("field"), where + ".field", true)));
      }
      return out;
    }

    private StatusFields status() {
      Object value = raw.get("status");
      if (value == null) {
        return StatusFields.NONE;
      }
      if (!(value instanceof Map<?, ?> map)) {
        throw error("status", "must be a mapping of state, last-success, last-error to fields");
      }
      Set<String> keys = Set.of("state", "last-success", "last-error");
      for (Object k : map.keySet()) {
        if (!keys.contains(String.valueOf(k))) {
          throw error("status." + k, "unknown key; known keys: " + known(keys));
        }
      }
      return new StatusFields(
          text(map.get("state"), "status.state", false),
          text(map.get("last-success"), "status.last-success", false),
          text(map.get("last-error"), "status.last-error", false));
    }

    private Retry retry() {
      Object value = raw.get("retry");
      if (value == null) {
        return SyncConfig.DEFAULT_RETRY;
      }
      if (!(value instanceof Map<?, ?> map)) {
        throw error("retry", "must be a mapping of attempts, initial, max");
      }
      for (Object k : map.keySet()) {
        if (!Set.of("attempts", "initial", "max").contains(String.valueOf(k))) {
          throw error("retry." + k, "unknown key; known keys: attempts, initial, max");
        }
      }
      Retry d = SyncConfig.DEFAULT_RETRY;
      Duration initial = duration(map.get("initial"), "retry.initial", d.initial());
      Duration max = duration(map.get("max"), "retry.max", d.max());
      if (max.compareTo(initial) < 0) {
        throw error("retry.max", "must not be shorter than retry.initial");
      }
      return new Retry(positive(map.get("attempts"), "retry.attempts", d.attempts()), initial, max);
    }

    private List<String> operations() {
      List<String> out = new ArrayList<>();
      Object value = raw.get("on");
      if (value == null) {
        return out;
      }
      if (!(value instanceof List<?> list) || list.isEmpty()) {
        throw error("on", "must be a list of operations: create, write, unlink");
      }
      for (int i = 0; i < list.size(); i++) {
        String op = operation(list.get(i), "on[" + i + "]");
        if (out.contains(op)) {
          throw error("on[" + i + "]", "'" + op + "' is given twice");
        }
        out.add(op);
      }
      return out;
    }

    private List<String> fieldNames(String key) {
      Object value = raw.get(key);
      if (value == null || Boolean.FALSE.equals(value)) {
        return List.of();
      }
      if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
        if (raw.get("on") == null) {
          throw error(key, "watched fields need 'on:' (the operations that run the sync)");
        }
        return list.stream().map(String.class::cast).toList();
      }
      throw error(key, "must be a list of field names, got " + value);
    }

    int positive(Object value, String key, int absent) {
      if (value == null) {
        return absent;
      }
      if (value instanceof Number n && n.longValue() >= 1 && n.longValue() <= 10_000) {
        return n.intValue();
      }
      throw error(key, "must be a whole number from 1 to 10000, got " + value);
    }

    /**
     * A duration from {@code 1ms} to {@link #LONGEST} ({@code absent} when not given); anything
     * else is refused naming the key.
     */
    private Duration duration(Object value, String key, Duration absent) {
      if (value == null) {
        return absent;
      }
      Matcher m = DURATION.matcher(String.valueOf(value).trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw error(key, "must be a duration such as 500ms, 10s, 5m or 1h, got '" + value + "'");
      }
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration out = m.group(1).length() > 12 ? null : amount(Long.parseLong(m.group(1)), unit);
      if (out == null || out.isZero() || out.compareTo(LONGEST) > 0) {
        throw error(key, "must be from 1ms to 24h, got '" + value + "'");
      }
      return out;
    }

    private static Duration amount(long amount, String unit) {
      return switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      };
    }
  }

  static String known(Set<String> names) {
    return String.join(", ", new TreeSet<>(names));
  }

  private static String redacted(String url) {
    return Redaction.text(url);
  }
}
