package io.odoosidecar.pipeline;

import io.odoosidecar.SidecarException;
import io.odoosidecar.domain.PyLiteral;
import io.odoosidecar.odoo.Command;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.rule.Rule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Runs the server actions of a rule on the records it fired on, through the Odoo client, with as
 * few calls as the action's meaning allows.
 *
 * <p>Implementation notes. {@code object_write} computes its value once, as Odoo's {@code
 * _eval_value} does, and writes it on every record with one {@code write}; a dotted {@code
 * update_path} reads the relation once per hop and writes on the related records. {@code
 * object_create} is Odoo's {@code name_create(value)} made idempotent: every record's creation goes
 * through {@code load} with an external id derived from its event, rule and action ({@code
 * sidecar_idem.e42_r1a2b3c4d_a0}), so a retry after an ambiguous failure or a crash finds the
 * record made the first time instead of making a second; all creates of a batch share one {@code
 * load}. {@code multi} runs its children in order.
 */
public final class ActionRunner {
  /** The module name of the external ids that make creates idempotent. */
  public static final String IDEMPOTENCY_MODULE = "sidecar_idem";

  /**
   * One action to run.
   *
   * @param rule the rule that fired
   * @param index the action's position in the rule (children of a {@code multi}: dotted)
   * @param action the action, by {@code ir.actions.server}'s field names
   * @param model the rule's model
   * @param ids the records it fired on
   * @param eventOf the event of each record, for idempotency keys
   */
  public record Target(
      Rule rule,
      String index,
      Map<String, Object> action,
      String model,
      List<Long> ids,
      Map<Long, Long> eventOf) {}

  /** An action that succeeded on some records and failed on others. */
  public static final class PartialFailureException extends SidecarException {
    private static final long serialVersionUID = 1L;

    private final List<Long> done;
    private final Map<Long, String> failed;

    PartialFailureException(List<Long> done, Map<Long, String> failed) {
      super("failed on " + failed.size() + " records: " + failed.values().iterator().next());
      this.done = List.copyOf(done);
      this.failed = Map.copyOf(failed);
    }

    /** The records the action was applied to. */
    public List<Long> done() {
      return done;
    }

    /** The records it failed on, with the reason. */
    public Map<Long, String> failed() {
      return failed;
    }
  }

  /** Where webhook attempts are recorded. */
  @FunctionalInterface
  public interface AttemptLog {
    void attempt(
        String rule, String url, long recordId, int attempt, int status, long millis, String error);
  }

  /** An action kind the sidecar does not run. */
  public static final class UnsupportedActionException extends SidecarException {
    private static final long serialVersionUID = 1L;

    UnsupportedActionException(String message) {
      super(message);
    }
  }

  private final OdooClient client;
  private final ExternalIds refs;
  private java.time.Clock clock = java.time.Clock.systemUTC();
  private AttemptLog attempts = (rule, url, id, attempt, status, millis, error) -> {};
  private io.odoosidecar.script.PythonEngine python;
  private java.util.function.Function<Target, io.odoosidecar.script.CallJournal> journals =
      target -> io.odoosidecar.script.CallJournal.NONE;
  private Map<Long, Map<String, Object>> known = Map.of();
  private java.net.http.HttpClient http;
  private Duration webhookTimeout = Duration.ofSeconds(10);
  private io.odoosidecar.odoo.RetryPolicy webhookRetry =
      new io.odoosidecar.odoo.RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5));
  private io.odoosidecar.odoo.RetryPolicy.Sleeper sleeper =
      io.odoosidecar.odoo.RetryPolicy.Sleeper.system();

  /**
   * @param client the client the actions call Odoo with; its context marks the writes as the
   *     sidecar's
   * @param refs external ids, resolved through the same Odoo
   */
  public ActionRunner(OdooClient client, ExternalIds refs) {
    this.client = client;
    this.refs = refs;
  }

  /** The clock giving today, for activity deadlines (UTC). */
  public ActionRunner withClock(java.time.Clock clock) {
    this.clock = clock;
    return this;
  }

  /** How webhooks are sent: time-out per attempt, retries, the log of attempts, the sleeper. */
  public ActionRunner withWebhooks(
      Duration timeout,
      io.odoosidecar.odoo.RetryPolicy retry,
      io.odoosidecar.odoo.RetryPolicy.Sleeper sleeper,
      AttemptLog log) {
    this.webhookTimeout = timeout;
    this.webhookRetry = retry;
    this.sleeper = sleeper;
    this.attempts = log;
    return this;
  }

  /**
   * Where code actions find the calls that earlier attempts on the same events made, and write down
   * theirs (see {@link io.odoosidecar.script.CallJournal}); none by default.
   */
  public ActionRunner withJournals(
      java.util.function.Function<Target, io.odoosidecar.script.CallJournal> journals) {
    this.journals = journals;
    return this;
  }

  /** The Python engine for code actions and expressions. */
  public ActionRunner withPython(io.odoosidecar.script.PythonEngine python) {
    this.python = python;
    return this;
  }

  /**
   * The values of the rule's records as the change left them (as read or as pushed, by id): Python
   * code and expressions take their stored fields as read, as Odoo's automation sees the record in
   * the transaction of the change, and need no read of Odoo for them. Only the first action run
   * takes them: once an action ran, the records may have changed, and are read again.
   */
  public ActionRunner withKnown(Map<Long, Map<String, Object>> known) {
    this.known = known;
    return this;
  }

  /** {@link #known}'s stored fields of these records, in {@code read(load='')} form. */
  private Map<Long, Map<String, Object>> known(String model, List<Long> ids) {
    if (known.isEmpty()) {
      return Map.of();
    }
    Map<String, FieldInfo> fields = client.fieldsGet(model);
    Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
    for (Long id : ids) {
      Map<String, Object> values = known.get(id);
      if (values == null) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      values.forEach(
          (name, value) -> {
            FieldInfo field = fields.get(name);
            if (field == null || !field.store() || value == null) {
              return;
            }
            switch (field.type()) {
              case MANY2ONE -> {
                if (value instanceof List<?> pair && !pair.isEmpty()) {
                  row.put(name, pair.get(0)); // read's [id, name]
                } else if (value instanceof Number || Boolean.FALSE.equals(value)) {
                  row.put(name, value);
                }
              }
              case ONE2MANY, MANY2MANY -> {
                if (value instanceof List<?> list
                    && list.stream().allMatch(Number.class::isInstance)) {
                  row.put(name, value);
                }
              }
              case BINARY -> {
                // never taken: the pushed form of a file is not read's
              }
              default -> row.put(name, value);
            }
          });
      out.put(id, row);
    }
    return out;
  }

  /** Runs the action; returns a short account of what it did. */
  public String run(Target target) {
    try {
      return dispatch(target);
    } finally {
      // an action may have changed the records: what follows reads them again
      known = Map.of();
    }
  }

  private String dispatch(Target target) {
    String state = String.valueOf(target.action().get("state"));
    return switch (state) {
      case "object_write" -> objectWrite(target);
      case "object_create" -> objectCreate(target);
      case "multi" -> multi(target);
      case "followers" -> followers(target, "message_subscribe");
      case "remove_followers" -> followers(target, "message_unsubscribe");
      case "next_activity" -> nextActivity(target);
      case "webhook" -> webhook(target);
      case "mail_post" -> mailPost(target);
      case "sms" -> sms(target);
      case "code" -> code(target);
      default ->
          throw new UnsupportedActionException(
              "rule '"
                  + target.rule().name()
                  + "', action "
                  + target.index()
                  + ": the sidecar does not run '"
                  + state
                  + "' actions yet");
    };
  }

  /** Whether the sidecar runs actions of this kind. */
  public static boolean supports(String state) {
    return Set.of(
            "object_write",
            "object_create",
            "multi",
            "followers",
            "remove_followers",
            "next_activity",
            "webhook",
            "mail_post",
            "sms",
            "code")
        .contains(state);
  }

  // ------------------------------------------------------------------ object_write

  private String objectWrite(Target target) {
    Map<String, Object> action = target.action();
    if (action.get("values") instanceof Map<?, ?> several && !action.containsKey("update_path")) {
      // the extension: several fields in one action, one write
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : several.entrySet()) {
        FieldInfo field = field(target.model(), String.valueOf(e.getKey()));
        Map<String, Object> one = new LinkedHashMap<>(action);
        one.remove("values");
        one.put("value", e.getValue());
        values.put(
            field.name(),
            value(
                new Target(
                    target.rule(),
                    target.index(),
                    one,
                    target.model(),
                    target.ids(),
                    target.eventOf()),
                field));
      }
      client.write(target.model(), target.ids(), values);
      return "wrote " + values.keySet() + " on " + target.ids().size() + " " + target.model();
    }
    Object rawPath = action.getOrDefault("update_path", action.get("update_field_id"));
    String path = String.valueOf(rawPath);
    String[] hops = path.split("\\.");
    String model = target.model();
    List<Long> ids = target.ids();
    for (int i = 0; i < hops.length - 1; i++) {
      FieldInfo hop = field(model, hops[i]);
      Set<Long> next = new LinkedHashSet<>();
      for (OdooRecord record : client.read(model, ids, List.of(hop.name()))) {
        Object value = record.values().get(hop.name());
        if (!ValueCodec.isEmpty(value)) {
          next.addAll(
              hop.type() == FieldType.MANY2ONE
                  ? List.of(ValueCodec.asMany2one(value).id())
                  : ValueCodec.asIds(value));
        }
      }
      model = hop.relatedModel().orElseThrow();
      ids = new ArrayList<>(next);
      if (ids.isEmpty()) {
        return "no " + model + " to update through " + path;
      }
    }
    FieldInfo field = field(model, hops[hops.length - 1]);
    if (hops.length == 1 && isExpression(action)) {
      // a Python expression, per record: one write per distinct value
      Map<Long, Object> values =
          python()
              .evaluate(
                  String.valueOf(action.get("value")),
                  client,
                  client.authenticate(),
                  model,
                  ids,
                  known(model, ids));
      Map<String, List<Long>> byValue = new LinkedHashMap<>();
      Map<String, Object> decoded = new LinkedHashMap<>();
      values.forEach(
          (id, v) -> {
            String key = String.valueOf(v);
            byValue.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            decoded.putIfAbsent(key, v == null ? Boolean.FALSE : v);
          });
      byValue.forEach(
          (key, group) ->
              client.write(target.model(), group, Map.of(field.name(), decoded.get(key))));
      return "wrote "
          + field.name()
          + " on "
          + ids.size()
          + " "
          + model
          + " ("
          + byValue.size()
          + " values)";
    }
    Object value = value(target, field);
    client.write(model, ids, Map.of(field.name(), value));
    return "wrote " + field.name() + " on " + ids.size() + " " + model;
  }

  /** An equation that is not a plain literal: Python evaluates it per record. */
  private static boolean isExpression(Map<String, Object> action) {
    if (!"equation".equals(action.get("evaluation_type"))) {
      return false;
    }
    try {
      PyLiteral.parse(String.valueOf(action.get("value")));
      return false;
    } catch (RuntimeException notLiteral) {
      return true;
    }
  }

  private io.odoosidecar.script.PythonEngine python() {
    if (python == null) {
      throw new UnsupportedActionException("Python code needs the Python engine, which is off");
    }
    return python;
  }

  // ------------------------------------------------------------------ code

  /** Odoo's "execute code" action on all the records at once ({@code records}). */
  private String code(Target target) {
    String code = String.valueOf(target.action().get("code"));
    try {
      io.odoosidecar.script.PythonEngine.Result result =
          python()
              .run(
                  code,
                  client,
                  client.authenticate(),
                  target.model(),
                  target.ids(),
                  known(target.model(), target.ids()),
                  journals.apply(target));
      return "ran code on "
          + target.ids().size()
          + " records"
          + (result.logs().isEmpty() ? "" : ", logged: " + String.join(" | ", result.logs()));
    } catch (io.odoosidecar.script.PythonEngine.ScriptException e) {
      throw new io.odoosidecar.script.PythonEngine.ScriptException(
          "on " + target.model() + " " + target.ids() + ": " + e.getMessage(),
          e.line(),
          e.changes(),
          e.timedOut());
    }
  }

  private Object value(Target target, FieldInfo field) {
    Map<String, Object> action = target.action();
    Object raw = action.get("value");
    if ("equation".equals(action.get("evaluation_type"))) {
      try {
        return PyLiteral.parse(String.valueOf(raw));
      } catch (RuntimeException notLiteral) {
        throw new UnsupportedActionException(
            "rule '"
                + target.rule().name()
                + "', action "
                + target.index()
                + ": the expression "
                + raw
                + " on the dotted path "
                + action.getOrDefault("update_path", "")
                + " is not a literal; expressions are evaluated on the rule's own records only");
      }
    }
    switch (field.type()) {
      case MANY2MANY, ONE2MANY -> {
        String operation = String.valueOf(action.getOrDefault("update_m2m_operation", "add"));
        if (operation.equals("clear")) {
          return List.of(Command.clear());
        }
        long id = recordId(action.getOrDefault("resource_ref", raw), field);
        return switch (operation) {
          case "add" -> List.of(Command.link(id));
          case "remove" -> List.of(Command.unlink(id));
          case "set" -> List.of(Command.set(List.of(id)));
          default ->
              throw new IllegalArgumentException(
                  "unknown update_m2m_operation '" + operation + "'");
        };
      }
      case BOOLEAN -> {
        Object flag = action.getOrDefault("update_boolean_value", raw);
        return flag instanceof Boolean b
            ? b
            : List.of("true", "True", "1").contains(String.valueOf(flag));
      }
      case MANY2ONE -> {
        return ValueCodec.isEmpty(raw) && !action.containsKey("resource_ref")
            ? Boolean.FALSE
            : recordId(action.getOrDefault("resource_ref", raw), field);
      }
      case INTEGER -> {
        return raw instanceof Number n ? n.longValue() : parseLongOr(String.valueOf(raw), raw);
      }
      case FLOAT, MONETARY -> {
        try {
          return raw instanceof Number n
              ? n.doubleValue()
              : Double.parseDouble(String.valueOf(raw));
        } catch (NumberFormatException e) {
          return raw;
        }
      }
      case SELECTION -> {
        return action.getOrDefault("selection_value", raw);
      }
      default -> {
        return raw == null ? Boolean.FALSE : raw;
      }
    }
  }

  private static Object parseLongOr(String text, Object otherwise) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** A record given by id, by external id, or as Odoo's reference {@code model,id}. */
  private long recordId(Object raw, FieldInfo field) {
    if (raw instanceof Number n) {
      return n.longValue();
    }
    String text = String.valueOf(raw).trim();
    int comma = text.indexOf(',');
    if (comma > 0) {
      text = text.substring(comma + 1).trim();
    }
    if (text.matches("\\d+")) {
      return Long.parseLong(text);
    }
    if (ExternalIds.looksLikeXmlId(text)) {
      return refs.require(text);
    }
    throw new IllegalArgumentException(
        "'" + raw + "' is neither a record id nor an external id for " + field.name());
  }

  private FieldInfo field(String model, String name) {
    FieldInfo field = client.fieldsGet(model).get(name);
    if (field == null) {
      throw new IllegalArgumentException("model " + model + " has no field " + name);
    }
    return field;
  }

  // ------------------------------------------------------------------ object_create

  private String objectCreate(Target target) {
    Map<String, Object> action = target.action();
    String model = modelName(action.get("crud_model_id"));
    if (!client.fieldsGet(model).containsKey("name")) {
      throw new IllegalArgumentException(
          "object_create on " + model + ": the model has no 'name' field to create by");
    }
    String name = String.valueOf(action.getOrDefault("value", ""));
    List<Long> ids = new ArrayList<>(target.ids());
    ids.sort(Comparator.naturalOrder());
    List<List<Object>> rows = new ArrayList<>();
    for (Long id : ids) {
      rows.add(List.of(IDEMPOTENCY_MODULE + "." + key(target, id), name));
    }
    Map<String, Object> result =
        ValueCodec.asMap(
            client.executeKw(model, "load", List.of(List.of("id", "name"), rows), Map.of()));
    List<Object> messages = ValueCodec.asList(result.getOrDefault("messages", List.of()));
    Object created = result.get("ids");
    if (!messages.isEmpty() || !(created instanceof List<?>)) {
      throw new SidecarException("object_create on " + model + ": Odoo refused: " + messages);
    }
    List<Long> createdIds = ValueCodec.asIds(created);
    Object link = action.get("link_field_id");
    if (link != null && !ValueCodec.isEmpty(link)) {
      FieldInfo field = field(target.model(), String.valueOf(link));
      Map<Long, List<Long>> byCreated = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        byCreated.computeIfAbsent(createdIds.get(i), k -> new ArrayList<>()).add(ids.get(i));
      }
      for (Map.Entry<Long, List<Long>> e : byCreated.entrySet()) {
        Object value =
            field.type() == FieldType.MANY2MANY || field.type() == FieldType.ONE2MANY
                ? List.of(Command.link(e.getKey()))
                : e.getKey();
        client.write(target.model(), e.getValue(), Map.of(field.name(), value));
      }
    }
    return "created " + createdIds.size() + " " + model;
  }

  private static String modelName(Object raw) {
    if (raw instanceof List<?> pair && pair.size() == 2) {
      return String.valueOf(pair.get(1));
    }
    return String.valueOf(raw);
  }

  /**
   * The idempotency key of one record's run of an action: its event, a checksum of the rule's name,
   * and the action's position.
   */
  static String key(Target target, long recordId) {
    Long event = target.eventOf().get(recordId);
    CRC32 crc = new CRC32();
    crc.update(target.rule().name().getBytes(StandardCharsets.UTF_8));
    return "e"
        + (event == null ? "r" + recordId : event.toString())
        + "_r"
        + Long.toHexString(crc.getValue())
        + "_a"
        + target.index().replace('.', '_');
  }

  // ------------------------------------------------------------------ followers

  /**
   * {@code message_subscribe} / {@code message_unsubscribe} of the action's partners on all the
   * records in one call; both are idempotent.
   */
  private String followers(Target target, String method) {
    List<Long> partners = new ArrayList<>();
    Object raw = target.action().get("partner_ids");
    if (raw instanceof List<?> list) {
      for (Object partner : list) {
        partners.add(reference(partner, "partner_ids"));
      }
    } else if (raw != null && !ValueCodec.isEmpty(raw)) {
      partners.add(reference(raw, "partner_ids"));
    }
    if (partners.isEmpty()) {
      return "no partners";
    }
    client.executeKw(
        target.model(), method, List.of(target.ids()), Map.of("partner_ids", partners));
    return method + " " + partners.size() + " partners on " + target.ids().size() + " records";
  }

  /** A record given by id or external id. */
  private long reference(Object raw, String key) {
    if (raw instanceof Number n) {
      return n.longValue();
    }
    String text = String.valueOf(raw).trim();
    if (text.matches("\\d+")) {
      return Long.parseLong(text);
    }
    if (ExternalIds.looksLikeXmlId(text)) {
      return refs.require(text);
    }
    throw new IllegalArgumentException(
        key + ": '" + raw + "' is neither a record id nor an external id");
  }

  // ------------------------------------------------------------------ next_activity

  /**
   * Odoo's {@code activity_schedule} as the action calls it, with the activity created through
   * {@code load} and an external id per event, rule and action, so that a retry never schedules a
   * second one ({@code activity_schedule} itself answers a recordset, which XML-RPC cannot carry
   * back: the call fails after its commit). Summary, note and user default to the activity type's;
   * the deadline is today (UTC) plus the action's delay, or today.
   */
  private String nextActivity(Target target) {
    Map<String, Object> action = target.action();
    Object typeRaw = action.get("activity_type_id");
    if (typeRaw == null || ValueCodec.isEmpty(typeRaw)) {
      return "no activity type";
    }
    long type = reference(typeRaw, "activity_type_id");
    Map<String, Object> typeValues =
        client
            .read(
                "mail.activity.type",
                List.of(type),
                List.of("summary", "default_note", "default_user_id"))
            .get(0)
            .values();
    long modelId =
        client.search("ir.model", List.of(List.of("model", "=", target.model()))).stream()
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no ir.model for " + target.model()));
    java.time.LocalDate deadline = java.time.LocalDate.now(clock);
    long range = ValueCodec.asLong(action.getOrDefault("activity_date_deadline_range", 0L));
    if (range > 0) {
      String unit =
          String.valueOf(action.getOrDefault("activity_date_deadline_range_type", "days"));
      deadline =
          switch (unit) {
            case "weeks" -> deadline.plusWeeks(range);
            case "months" -> deadline.plusMonths(range);
            default -> deadline.plusDays(range);
          };
    }
    String summary = text(action.get("activity_summary"), typeValues.get("summary"));
    String note = text(action.get("activity_note"), typeValues.get("default_note"));
    Map<Long, Long> users = activityUsers(target);
    Object defaultUser = typeValues.get("default_user_id");
    long fallbackUser =
        ValueCodec.isEmpty(defaultUser)
            ? client.authenticate()
            : ValueCodec.asMany2one(defaultUser).id();
    List<Long> ids = new ArrayList<>(target.ids());
    ids.sort(Comparator.naturalOrder());
    List<List<Object>> rows = new ArrayList<>();
    for (Long id : ids) {
      rows.add(
          List.of(
              IDEMPOTENCY_MODULE + "." + key(target, id),
              Long.toString(modelId),
              Long.toString(id),
              Long.toString(type),
              summary,
              note,
              deadline.toString(),
              Long.toString(users.getOrDefault(id, fallbackUser)),
              "True"));
    }
    Map<String, Object> result =
        ValueCodec.asMap(
            client.executeKw(
                "mail.activity",
                "load",
                List.of(
                    List.of(
                        "id",
                        "res_model_id/.id",
                        "res_id",
                        "activity_type_id/.id",
                        "summary",
                        "note",
                        "date_deadline",
                        "user_id/.id",
                        "automated"),
                    rows),
                Map.of()));
    List<Object> messages = ValueCodec.asList(result.getOrDefault("messages", List.of()));
    if (!messages.isEmpty() || !(result.get("ids") instanceof List<?>)) {
      throw new SidecarException("next_activity: Odoo refused: " + messages);
    }
    return "scheduled " + ids.size() + " activities";
  }

  /**
   * The responsible user per record: fixed ({@code specific}) or read from a field ({@code
   * generic}).
   */
  private Map<Long, Long> activityUsers(Target target) {
    Map<String, Object> action = target.action();
    Map<Long, Long> users = new LinkedHashMap<>();
    String kind = String.valueOf(action.getOrDefault("activity_user_type", "specific"));
    if (kind.equals("generic")) {
      Object field = action.get("activity_user_field_name");
      if (field instanceof String name
          && !name.isBlank()
          && client.fieldsGet(target.model()).containsKey(name)) {
        for (OdooRecord record : client.read(target.model(), target.ids(), List.of(name))) {
          Object user = record.values().get(name);
          if (!ValueCodec.isEmpty(user)) {
            users.put(
                ValueCodec.asLong(record.values().get("id")), ValueCodec.asMany2one(user).id());
          }
        }
      }
    } else {
      Object user = action.get("activity_user_id");
      if (user != null && !ValueCodec.isEmpty(user)) {
        long id = reference(user, "activity_user_id");
        target.ids().forEach(record -> users.put(record, id));
      }
    }
    return users;
  }

  private static String text(Object given, Object fallback) {
    if (given instanceof String s && !s.isEmpty()) {
      return s;
    }
    return fallback instanceof String s ? s : "";
  }

  // ------------------------------------------------------------------ mail_post

  /**
   * Odoo's "send email" action. {@code mail_post_method: email} (the default): the template's
   * {@code send_mail} per record, queued ({@code force_send=False}), which answers the mail's id.
   * {@code comment} or {@code note}: a message posted on all the records at once through {@code
   * mail.compose.message} in comment mode with the template and the subtype {@code mail.mt_comment}
   * or {@code mail.mt_note}, as {@code message_post_with_source} does ({@code
   * message_post_with_source} itself answers a recordset, which XML-RPC cannot carry back: the call
   * would fail after its commit). Templates are rendered by Odoo.
   */
  private String mailPost(Target target) {
    Map<String, Object> action = target.action();
    Object templateRaw = action.get("template_id");
    if (templateRaw == null || ValueCodec.isEmpty(templateRaw)) {
      return "no template";
    }
    long template = reference(templateRaw, "template_id");
    String method = String.valueOf(action.getOrDefault("mail_post_method", "email"));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("mail_create_nosubscribe", true);
    context.put("mail_post_autofollow", Boolean.TRUE.equals(action.get("mail_post_autofollow")));
    context.put("mail_notify_force_send", false);
    OdooClient mail = client.withContext(context);
    if (method.equals("comment") || method.equals("note")) {
      long subtype = refs.require(method.equals("comment") ? "mail.mt_comment" : "mail.mt_note");
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("composition_mode", "comment");
      values.put("model", target.model());
      values.put("res_ids", target.ids().toString());
      values.put("template_id", template);
      values.put("subtype_id", subtype);
      long composer = mail.create("mail.compose.message", values);
      mail.executeKw(
          "mail.compose.message", "action_send_mail", List.of(List.of(composer)), Map.of());
      return "posted a " + method + " on " + target.ids().size() + " records";
    }
    for (Long id : target.ids()) {
      // res_id by name: JSON-2 (Odoo 19) binds arguments by name only
      mail.executeKw(
          "mail.template",
          "send_mail",
          List.of(List.of(template)),
          Map.of("res_id", id, "force_send", false));
    }
    return "queued " + target.ids().size() + " emails";
  }

  // ------------------------------------------------------------------ sms

  /**
   * Odoo's SMS action: an {@code sms.composer} for all the records with the template, in comment
   * mode ({@code sms_method: comment}, posted as a message) or mass mode (queued SMS; {@code note}
   * also logs a note), then {@code action_send_sms}, as the server action does.
   */
  private String sms(Target target) {
    Map<String, Object> action = target.action();
    Object templateRaw = action.get("sms_template_id");
    if (templateRaw == null || ValueCodec.isEmpty(templateRaw)) {
      return "no SMS template";
    }
    long template = reference(templateRaw, "sms_template_id");
    String method = String.valueOf(action.getOrDefault("sms_method", "sms"));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("default_res_model", target.model());
    context.put("default_res_ids", target.ids());
    context.put("default_composition_mode", method.equals("comment") ? "comment" : "mass");
    context.put("default_template_id", template);
    context.put("default_mass_keep_log", method.equals("note"));
    OdooClient composer = client.withContext(context);
    long id = composer.create("sms.composer", Map.of());
    composer.executeKw("sms.composer", "action_send_sms", List.of(List.of(id)), Map.of());
    return "sent SMS (" + method + ") to " + target.ids().size() + " records";
  }

  // ------------------------------------------------------------------ webhook

  /**
   * Odoo's webhook action: for each record, a POST of {@code {"_model", "_id", "_action"}} and the
   * chosen fields as {@code read(load=None)} gives them (many2one as an id), as JSON with sorted
   * keys, dates as text. Unlike Odoo's single try of one second, each POST has a time-out, is
   * retried with backoff on a network error or a 5xx/429 answer, carries an {@code Idempotency-Key}
   * (its event, rule and action) so a receiver can drop repeats, and every attempt is logged.
   * Records whose POST finally failed fail the action for them alone.
   */
  private String webhook(Target target) {
    Map<String, Object> action = target.action();
    String url = String.valueOf(action.get("webhook_url"));
    List<String> fields = new ArrayList<>();
    if (action.get("webhook_field_ids") instanceof List<?> list) {
      list.forEach(f -> fields.add(String.valueOf(f)));
    }
    Map<Long, Map<String, Object>> values = new LinkedHashMap<>();
    if (!fields.isEmpty()) {
      Object rows =
          client.executeKw(
              target.model(),
              "read",
              List.of(target.ids(), fields),
              java.util.Collections.singletonMap("load", null));
      for (Object row : ValueCodec.asList(rows)) {
        Map<String, Object> record = ValueCodec.asMap(row);
        values.put(ValueCodec.asLong(record.get("id")), record);
      }
    }
    String actionName =
        String.valueOf(action.getOrDefault("name", target.rule().name()))
            + "(#"
            + target.index()
            + ")";
    List<Long> done = new ArrayList<>();
    Map<Long, String> failed = new LinkedHashMap<>();
    for (Long id : target.ids()) {
      if (!fields.isEmpty() && !values.containsKey(id)) {
        continue; // deleted since: Odoo sends nothing for a missing record
      }
      java.util.TreeMap<String, Object> body = new java.util.TreeMap<>();
      body.putAll(values.getOrDefault(id, Map.of()));
      body.put("_model", target.model());
      body.put("_id", id);
      body.put("_action", actionName);
      String error = post(target, url, id, json(body));
      if (error == null) {
        done.add(id);
      } else {
        failed.put(id, error);
      }
    }
    if (!failed.isEmpty()) {
      throw new PartialFailureException(done, failed);
    }
    return "posted " + done.size() + " records to " + url;
  }

  private String json(Map<String, Object> body) {
    try {
      return WEBHOOK_JSON.writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SidecarException("cannot encode a webhook body: " + e.getMessage(), e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper WEBHOOK_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** POSTs with retries; returns null on success or the last error. */
  private String post(Target target, String url, long id, String body) {
    if (http == null) {
      http = java.net.http.HttpClient.newBuilder().connectTimeout(webhookTimeout).build();
    }
    String lastError = null;
    for (int attempt = 1; attempt <= webhookRetry.maxAttempts(); attempt++) {
      long start = System.nanoTime();
      int status = 0;
      try {
        java.net.http.HttpResponse<String> response =
            http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .timeout(webhookTimeout)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", IDEMPOTENCY_MODULE + "." + key(target, id))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        status = response.statusCode();
        if (status < 400) {
          attempts.attempt(
              target.rule().name(),
              url,
              id,
              attempt,
              status,
              (System.nanoTime() - start) / 1_000_000,
              null);
          return null;
        }
        lastError = "HTTP " + status + " from " + url;
        attempts.attempt(
            target.rule().name(),
            url,
            id,
            attempt,
            status,
            (System.nanoTime() - start) / 1_000_000,
            lastError);
        if (status < 500 && status != 429) {
          return lastError; // the receiver refused the content: no point in sending it again
        }
      } catch (java.io.IOException e) {
        lastError = e.getClass().getSimpleName() + " calling " + url + ": " + e.getMessage();
        attempts.attempt(
            target.rule().name(),
            url,
            id,
            attempt,
            0,
            (System.nanoTime() - start) / 1_000_000,
            lastError);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted calling " + url;
      }
      if (attempt < webhookRetry.maxAttempts()) {
        try {
          sleeper.sleep(webhookRetry.backoff(attempt));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return lastError;
        }
      }
    }
    return lastError;
  }

  // ------------------------------------------------------------------ multi

  @SuppressWarnings("unchecked")
  private String multi(Target target) {
    Object children = target.action().get("child_ids");
    if (!(children instanceof List<?> list)) {
      return "no child actions";
    }
    List<String> done = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> child)) {
        throw new IllegalArgumentException(
            "rule '" + target.rule().name() + "': child_ids holds a non-action: " + list.get(i));
      }
      done.add(
          run(
              new Target(
                  target.rule(),
                  target.index() + "." + i,
                  (Map<String, Object>) child,
                  target.model(),
                  target.ids(),
                  target.eventOf())));
    }
    return String.join("; ", done);
  }
}
