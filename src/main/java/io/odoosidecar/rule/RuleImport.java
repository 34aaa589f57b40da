package io.odoosidecar.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Odoo's automation rules ({@code base.automation} and their {@code ir.actions.server}) over
 * RPC and writes them as rule files: the same keys, with record ids turned into what a person
 * writes (field names, model names, external ids where the record has one).
 */
public final class RuleImport {
  private static final List<String> RULE_FIELDS =
      java.util.stream.Stream.concat(
              java.util.stream.Stream.of(
                  "name",
                  "model_name",
                  "active",
                  "trigger",
                  "trigger_field_ids",
                  "filter_pre_domain",
                  "filter_domain",
                  "action_server_ids"),
              RuleFiles.PARAMETER_KEYS.stream())
          .toList();

  private static final List<String> ACTION_FIELDS =
      List.of(
          "name",
          "sequence",
          "state",
          "update_path",
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
          "html_value");

  /** Fields holding ir.model.fields ids, written as field names. */
  private static final Set<String> FIELD_REFS =
      Set.of("trigger_field_ids", "trg_date_id", "link_field_id", "webhook_field_ids");

  /** Fields holding records with an external id worth writing (else their id). */
  private static final Set<String> XMLID_REFS =
      Set.of(
          "template_id",
          "activity_type_id",
          "sms_template_id",
          "activity_user_id",
          "trg_date_calendar_id");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuleImport.class);

  /**
   * A rule file as imported.
   *
   * @param yaml the file's text
   * @param leftOut the rules left out, each with why: an action of a kind without an executor
   */
  public record RuleFile(String yaml, List<String> leftOut) {
    public RuleFile {
      leftOut = List.copyOf(leftOut);
    }
  }

  private final OdooClient client;
  private final Set<String> kinds;

  /** Imports for the standard action kinds ({@link ActionRegistry#standardNames()}). */
  public RuleImport(OdooClient client) {
    this(client, ActionRegistry.standardNames());
  }

  /**
   * @param kinds the action kinds with an executor: a rule with an action of another kind is left
   *     out, as its file would not load
   */
  public RuleImport(OdooClient client, Set<String> kinds) {
    this.client = client.withContext(Map.of("active_test", false));
    this.kinds = Set.copyOf(kinds);
  }

  /** Every automation rule of the server, as rule-file entries. */
  public List<Map<String, Object>> rules() {
    return rules(List.of());
  }

  /**
   * The rules ticked "Run in sidecar" (the companion addon's {@code sidecar_offload}) and active,
   * as a rule file; empty when the server has no such field.
   */
  public String offloadedYaml() {
    return offloaded().yaml();
  }

  /**
   * {@link #offloadedYaml()}, and the rules it left out; each left out is logged (WARN) with the
   * reason, which lists the known action kinds.
   */
  public RuleFile offloaded() {
    if (!client.fieldsGet("base.automation").containsKey("sidecar_offload")) {
      return new RuleFile("rules: []\n", List.of());
    }
    List<Map<String, Object>> kept = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (Map<String, Object> rule :
        rules(List.of(List.of("sidecar_offload", "=", true), List.of("active", "=", true)))) {
      unrunnable(rule).ifPresentOrElse(leftOut::add, () -> kept.add(rule));
    }
    leftOut.forEach(
        why -> LOG.warn("connection '{}': an offloaded rule is left out: {}", client.name(), why));
    return new RuleFile(write(Map.of("rules", kept)), leftOut);
  }

  /** Why a rule entry cannot run here ({@code rule 'R': actions[0].state: ...}), if it cannot. */
  private java.util.Optional<String> unrunnable(Map<String, Object> rule) {
    return RuleFiles.firstUnknownKind(rule.get("actions"), kinds)
        .map(problem -> "rule '" + rule.get("name") + "': " + problem);
  }

  private static String write(Object value) {
    try {
      return YAML.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the rules as YAML", e);
    }
  }

  /** The automation rules matching {@code domain}, as rule-file entries. */
  public List<Map<String, Object>> rules(List<?> domain) {
    List<String> ruleFields = existing("base.automation", RULE_FIELDS);
    List<OdooRecord> automations =
        client.searchRead("base.automation", domain, ruleFields, SearchOptions.ALL.withOrder("id"));
    Set<Long> roots = new LinkedHashSet<>();
    automations.forEach(a -> roots.addAll(a.ids("action_server_ids")));
    Map<Long, OdooRecord> actions = readActions(roots);
    Names names = new Names();
    automations.forEach(a -> names.collect(a.values()));
    actions.values().forEach(a -> names.collect(a.values()));
    names.resolve();
    List<Map<String, Object>> out = new ArrayList<>();
    for (OdooRecord automation : automations) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("name", automation.raw("name"));
      rule.put("model", automation.raw("model_name"));
      for (String field : ruleFields) {
        if (field.equals("name")
            || field.equals("model_name")
            || field.equals("action_server_ids")) {
          continue;
        }
        Object value = names.readable(field, automation.raw(field));
        if (meaningful(field, value)) {
          rule.put(field, value);
        }
      }
      List<Object> ruleActions = new ArrayList<>();
      for (Long id : automation.ids("action_server_ids")) {
        ruleActions.add(action(actions, id, names));
      }
      if (!ruleActions.isEmpty()) {
        rule.put("actions", ruleActions);
      }
      out.add(rule);
    }
    return out;
  }

  /**
   * Server actions as a rule's {@code actions} entries are written (ids turned into names, a {@code
   * multi}'s children nested): the import of offloaded scheduled actions maps theirs with it.
   *
   * @return by id, for the ids that exist
   */
  public Map<Long, Map<String, Object>> actions(Collection<Long> ids) {
    Map<Long, OdooRecord> read = readActions(ids);
    Names names = new Names();
    read.values().forEach(a -> names.collect(a.values()));
    names.resolve();
    Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
    ids.stream().filter(read::containsKey).forEach(id -> out.put(id, action(read, id, names)));
    return out;
  }

  /**
   * Why these actions cannot run here ({@code actions[0].child_ids[1].state: ...}, naming the kind
   * and the known ones), if one of them has a kind without an executor.
   */
  public java.util.Optional<String> unrunnable(List<Map<String, Object>> actions) {
    return RuleFiles.firstUnknownKind(actions, kinds);
  }

  /** Server actions by id, and their children ({@code child_ids}), read in batches. */
  private Map<Long, OdooRecord> readActions(Collection<Long> roots) {
    List<String> actionFields = existing("ir.actions.server", ACTION_FIELDS);
    Map<Long, OdooRecord> actions = new LinkedHashMap<>();
    Set<Long> pending = new LinkedHashSet<>(roots);
    while (!pending.isEmpty()) {
      List<Long> batch = new ArrayList<>(pending);
      pending.clear();
      for (OdooRecord action : client.read("ir.actions.server", batch, actionFields)) {
        actions.put(action.id(), action);
        action.ids("child_ids").stream()
            .filter(id -> !actions.containsKey(id))
            .forEach(pending::add);
      }
    }
    return actions;
  }

  /** The rules as a rule file. */
  public String yaml() {
    return file().yaml();
  }

  /**
   * Every automation rule of the server as a rule file that loads: a rule with an action of a kind
   * without an executor is written commented out, under a comment saying why, and listed as left
   * out.
   */
  public RuleFile file() {
    List<Map<String, Object>> kept = new ArrayList<>();
    StringBuilder commented = new StringBuilder();
    List<String> leftOut = new ArrayList<>();
    for (Map<String, Object> rule : rules()) {
      java.util.Optional<String> why = unrunnable(rule);
      if (why.isEmpty()) {
        kept.add(rule);
        continue;
      }
      leftOut.add(why.get());
      commented.append("# Left out, as the sidecar cannot run it: ").append(why.get()).append('\n');
      write(List.of(rule))
          .lines()
          .forEach(line -> commented.append("# ").append(line).append('\n'));
    }
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("rules", kept);
    String yaml = "# Imported from Odoo by `sidecar rules import`.\n" + write(file) + commented;
    return new RuleFile(yaml, leftOut);
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .build());

  private Map<String, Object> action(Map<Long, OdooRecord> actions, Long id, Names names) {
    OdooRecord action = actions.get(id);
    Map<String, Object> out = new LinkedHashMap<>();
    String state = String.valueOf(action.raw("state"));
    for (Map.Entry<String, Object> e : action.values().entrySet()) {
      String field = e.getKey();
      if (field.equals("id") || field.equals("child_ids") || field.equals("sequence")) {
        continue;
      }
      if (field.equals("code") && !state.equals("code")) {
        continue; // Odoo fills every action's code with its help comment
      }
      Object value = names.readable(field, e.getValue());
      if (meaningful(field, value)) {
        out.put(field, value);
      }
    }
    List<Long> children = action.ids("child_ids");
    if (!children.isEmpty()) {
      List<Object> nested = new ArrayList<>();
      children.forEach(child -> nested.add(action(actions, child, names)));
      out.put("child_ids", nested);
    }
    return out;
  }

  private static boolean meaningful(String field, Object value) {
    if (value == null
        || Boolean.FALSE.equals(value)
        || value instanceof Collection<?> c && c.isEmpty()) {
      return field.equals("active") && Boolean.FALSE.equals(value);
    }
    if (field.equals("active") && Boolean.TRUE.equals(value)) {
      return false;
    }
    return !(value instanceof Number n && n.doubleValue() == 0 && !field.equals("value"));
  }

  private List<String> existing(String model, List<String> wanted) {
    Set<String> fields = client.fieldsGet(model).keySet();
    return wanted.stream().filter(fields::contains).toList();
  }

  /** Turns record ids into names: fields, models, selection values, external ids. */
  private final class Names {
    private final Set<Long> fieldIds = new LinkedHashSet<>();
    private final Map<String, Set<Long>> xmlIdRecords = new HashMap<>();
    private final Map<Long, String> fieldNames = new HashMap<>();
    private final Map<String, String> xmlIds = new HashMap<>();
    private final Set<Long> selectionIds = new LinkedHashSet<>();
    private final Map<Long, String> selectionValues = new HashMap<>();

    void collect(Map<String, Object> values) {
      values.forEach(
          (field, value) -> {
            if (FIELD_REFS.contains(field)) {
              fieldIds.addAll(ids(value));
            } else if (field.equals("trg_selection_field_id")) {
              selectionIds.addAll(ids(value));
            } else if (XMLID_REFS.contains(field)) {
              Long id =
                  ValueCodec.asMany2one(value) == null ? null : ValueCodec.asMany2one(value).id();
              if (id != null) {
                xmlIdRecords.computeIfAbsent(relation(field), k -> new LinkedHashSet<>()).add(id);
              }
            }
          });
    }

    void resolve() {
      if (!fieldIds.isEmpty()) {
        client
            .read("ir.model.fields", fieldIds, List.of("name"))
            .forEach(r -> fieldNames.put(r.id(), r.string("name").orElse("")));
      }
      if (!selectionIds.isEmpty()) {
        client
            .read("ir.model.fields.selection", selectionIds, List.of("value"))
            .forEach(r -> selectionValues.put(r.id(), r.string("value").orElse("")));
      }
      xmlIdRecords.forEach(
          (model, ids) -> {
            List<Object> domain =
                List.of(
                    List.of("model", "=", model), List.of("res_id", "in", new ArrayList<>(ids)));
            for (OdooRecord row :
                client.searchRead(
                    "ir.model.data",
                    domain,
                    List.of("module", "name", "res_id"),
                    SearchOptions.ALL)) {
              xmlIds.putIfAbsent(
                  model + "," + row.integer("res_id").orElse(0L),
                  row.string("module").orElse("") + "." + row.string("name").orElse(""));
            }
          });
    }

    Object readable(String field, Object value) {
      if (FIELD_REFS.contains(field)) {
        List<String> out = new ArrayList<>();
        ids(value).forEach(id -> out.add(fieldNames.getOrDefault(id, String.valueOf(id))));
        return field.endsWith("_ids") ? out : out.isEmpty() ? null : out.get(0);
      }
      if (field.equals("trg_selection_field_id")) {
        List<Long> ids = ids(value);
        return ids.isEmpty() ? null : selectionValues.get(ids.get(0));
      }
      if (field.equals("crud_model_id") && ValueCodec.asMany2one(value) != null) {
        return modelName(ValueCodec.asMany2one(value).id());
      }
      if (XMLID_REFS.contains(field) && ValueCodec.asMany2one(value) != null) {
        long id = ValueCodec.asMany2one(value).id();
        return xmlIds.getOrDefault(relation(field) + "," + id, String.valueOf(id));
      }
      if (value instanceof List<?> list
          && list.size() == 2
          && list.get(0) instanceof Number
          && list.get(1) instanceof String) {
        return ((Number) list.get(0)).longValue(); // any other many2one: its id
      }
      return value;
    }

    private String modelName(long id) {
      List<OdooRecord> rows = client.read("ir.model", List.of(id), List.of("model"));
      return rows.isEmpty()
          ? String.valueOf(id)
          : rows.get(0).string("model").orElse(String.valueOf(id));
    }

    private String relation(String field) {
      return switch (field) {
        case "template_id" -> "mail.template";
        case "activity_type_id" -> "mail.activity.type";
        case "sms_template_id" -> "sms.template";
        case "activity_user_id" -> "res.users";
        default -> "resource.calendar";
      };
    }

    private List<Long> ids(Object value) {
      if (value instanceof List<?> list && list.size() == 2 && list.get(1) instanceof String) {
        return List.of(((Number) list.get(0)).longValue());
      }
      return ValueCodec.asIds(value);
    }
  }
}
