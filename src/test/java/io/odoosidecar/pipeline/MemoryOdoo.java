package io.odoosidecar.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.odoo.Command;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ServerVersion;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.odoo.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory Odoo behind the client interface, for the pipeline's tests and benchmarks: the
 * recorded crm.lead records and their fields, plus a {@code project.task} with a name. It answers
 * {@code search_read}, {@code search}, {@code read}, {@code write}, {@code create} and {@code load}
 * (with external ids), counts every call by method, and remembers the context of each write. A
 * {@link Fault} hook can fail or "kill" a call before or after it takes effect. Messages and emails
 * ({@code message_post}, the composer's {@code action_send_mail}, {@code mail.template.send_mail},
 * {@code sms.composer.action_send_sms}) are made by {@link MemoryMail}, under the sidecar's post
 * keys once {@link #withPostKeys} installed the addon's {@code sidecar.post.key}.
 */
public final class MemoryOdoo implements OdooClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a call may be made to fail. */
  public enum Point {
    BEFORE,
    AFTER
  }

  /** Decides, per call, whether it fails (by throwing) before or after its effect. */
  @FunctionalInterface
  public interface Fault {
    void at(Point point, String model, String method, List<?> args);
  }

  /** What the double holds, shared by its views with other contexts. */
  static final class State {
    final Map<String, Map<String, FieldInfo>> fields = new LinkedHashMap<>();
    final Map<String, Map<Long, Map<String, Object>>> records = new ConcurrentHashMap<>();
    final Map<String, Long> xmlIds = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<Map<String, Object>> writeContexts = new ArrayList<>();
    final List<Map<String, Object>> postContexts = new ArrayList<>();
    volatile Fault fault = (point, model, method, args) -> {};
    volatile String now = "2026-01-01 00:00:00";
    long nextId = 1_000_000;
  }

  private final State state;
  private final Map<String, Object> context;

  private MemoryOdoo(State state, Map<String, Object> context) {
    this.state = state;
    this.context = context;
  }

  /**
   * The recorded crm.lead (and related) records of a fixtures folder, a project.task, and mail's
   * models ({@link MemoryMail}).
   */
  @SuppressWarnings("unchecked")
  public static MemoryOdoo fromFixtures(Path fixtures) {
    try {
      State state = new State();
      Map<String, Object> meta =
          JSON.readValue(Files.readString(fixtures.resolve("fields_get.json")), Map.class);
      state.fields.putAll(FieldInfo.byModel(meta));
      Map<String, List<Map<String, Object>>> records =
          JSON.readValue(Files.readString(fixtures.resolve("records.json")), Map.class);
      records.forEach(
          (model, rows) -> {
            Map<Long, Map<String, Object>> byId = new TreeMap<>();
            for (Map<String, Object> row : rows) {
              byId.put(((Number) row.get("id")).longValue(), new LinkedHashMap<>(row));
            }
            state.records.put(model, java.util.Collections.synchronizedMap(byId));
          });
      Map<String, FieldInfo> task = new LinkedHashMap<>();
      task.put("id", FieldInfo.of("id", Map.of("type", "integer")));
      task.put("name", FieldInfo.of("name", Map.of("type", "char")));
      state.fields.put("project.task", task);
      state.records.put("project.task", java.util.Collections.synchronizedMap(new TreeMap<>()));
      expenses(state);
      MemoryOdoo odoo = new MemoryOdoo(state, Map.of());
      MemoryMail.define(odoo);
      return odoo;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What {@code hr_expense} adds, for the commission example: {@code hr.expense}, an {@code
   * hr.employee} per user ({@code res.users.employee_id}) and the external id {@code
   * hr_expense.product_commission} on the first product.
   */
  private static void expenses(State state) {
    Map<String, FieldInfo> expense = new LinkedHashMap<>();
    expense.put("id", FieldInfo.of("id", Map.of("type", "integer")));
    expense.put("name", FieldInfo.of("name", Map.of("type", "char")));
    expense.put(
        "employee_id",
        FieldInfo.of("employee_id", Map.of("type", "many2one", "relation", "hr.employee")));
    expense.put("total_amount", FieldInfo.of("total_amount", Map.of("type", "monetary")));
    expense.put(
        "product_id",
        FieldInfo.of("product_id", Map.of("type", "many2one", "relation", "product.product")));
    state.fields.put("hr.expense", expense);
    state.records.put("hr.expense", java.util.Collections.synchronizedMap(new TreeMap<>()));
    Map<String, FieldInfo> employee = new LinkedHashMap<>();
    employee.put("id", FieldInfo.of("id", Map.of("type", "integer")));
    employee.put("name", FieldInfo.of("name", Map.of("type", "char")));
    state.fields.put("hr.employee", employee);
    Map<Long, Map<String, Object>> employees = new TreeMap<>();
    Map<String, FieldInfo> users = new LinkedHashMap<>(state.fields.get("res.users"));
    users.put(
        "employee_id",
        FieldInfo.of(
            "employee_id", Map.of("type", "many2one", "relation", "hr.employee", "store", true)));
    state.fields.put("res.users", users);
    for (Map<String, Object> user : state.records.get("res.users").values()) {
      long id = ((Number) user.get("id")).longValue() + 500;
      String name = String.valueOf(user.get("name"));
      employees.put(id, new LinkedHashMap<>(Map.of("id", id, "name", name)));
      user.put("employee_id", List.of(id, name));
    }
    state.records.put("hr.employee", java.util.Collections.synchronizedMap(employees));
    Map<String, FieldInfo> data = new LinkedHashMap<>();
    data.put("id", FieldInfo.of("id", Map.of("type", "integer")));
    data.put("module", FieldInfo.of("module", Map.of("type", "char")));
    data.put("name", FieldInfo.of("name", Map.of("type", "char")));
    data.put("model", FieldInfo.of("model", Map.of("type", "char")));
    data.put("res_id", FieldInfo.of("res_id", Map.of("type", "integer")));
    state.fields.put("ir.model.data", data);
    long product = state.records.get("product.product").keySet().iterator().next();
    Map<Long, Map<String, Object>> xmlIds = new TreeMap<>();
    xmlIds.put(
        1L,
        new LinkedHashMap<>(
            Map.of(
                "id", 1L,
                "module", "hr_expense",
                "name", "product_commission",
                "model", "product.product",
                "res_id", product)));
    state.records.put("ir.model.data", java.util.Collections.synchronizedMap(xmlIds));
  }

  /**
   * Adds a model (an addon's, say) with its fields, as {@link #define(String, Map)} takes them, and
   * its records ({@code id} included).
   */
  public void define(String model, Map<String, String> types, List<Map<String, Object>> rows) {
    define(model, types);
    Map<Long, Map<String, Object>> byId = records(model);
    for (Map<String, Object> row : rows) {
      byId.put(((Number) row.get("id")).longValue(), new LinkedHashMap<>(row));
    }
  }

  /** An Odoo with no model: {@link #define} or {@link #defineAttributes} them. */
  public static MemoryOdoo empty() {
    return new MemoryOdoo(new State(), Map.of());
  }

  /**
   * Adds a model with its fields, each given by its {@code fields_get} attributes ({@code type},
   * {@code relation}, ...); {@code id} is added.
   */
  public MemoryOdoo defineAttributes(String model, Map<String, Map<String, Object>> fields) {
    Map<String, FieldInfo> infos = new LinkedHashMap<>();
    infos.put("id", FieldInfo.of("id", Map.of("type", "integer")));
    fields.forEach((name, attributes) -> infos.put(name, FieldInfo.of(name, attributes)));
    synchronized (state) {
      state.fields.put(model, infos);
      state.records.put(model, java.util.Collections.synchronizedMap(new TreeMap<>()));
    }
    return this;
  }

  /** Stores a record as Odoo's {@code read} answers it (a many2one as {@code [id, name]}). */
  public MemoryOdoo put(String model, long id, Map<String, Object> values) {
    Map<String, Object> record = new LinkedHashMap<>(values);
    record.put("id", id);
    state.records.get(model).put(id, record);
    return this;
  }

  /**
   * Installs what the sidecar_bridge addon adds for posts' keys: the model {@code sidecar.post.key}
   * (seen in {@code ir.model}), and posts made under a key once per record, as the addon makes
   * them.
   */
  public MemoryOdoo withPostKeys() {
    define(
        MemoryMail.KEYS,
        Map.of(
            "key", "char",
            "model", "char",
            "res_id", "integer",
            "message_id", "integer",
            "mail_id", "integer"));
    return this;
  }

  /** Sets Odoo's clock: the write_date (and create_date) of the next changes. */
  public void now(String writeDate) {
    state.now = writeDate;
  }

  /** Sets the fault hook. */
  public void fault(Fault fault) {
    state.fault = fault;
  }

  /** How many calls of a method were answered (all methods when null). */
  public int calls(String method) {
    if (method == null) {
      return state.calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }
    AtomicInteger n = state.calls.get(method);
    return n == null ? 0 : n.get();
  }

  /** Resets the call counts. */
  public void resetCalls() {
    state.calls.clear();
  }

  /**
   * Adds a model with these fields (name to type, or to {@code type:relation} for a relation) and
   * no records; fill it through {@link #records}.
   */
  public void define(String model, Map<String, String> fields) {
    Map<String, Map<String, Object>> attributes = new LinkedHashMap<>();
    fields.forEach(
        (name, type) -> {
          String[] parts = type.split(":", 2);
          Map<String, Object> field = new LinkedHashMap<>();
          field.put("type", parts[0]);
          if (parts.length == 2) {
            field.put("relation", parts[1]);
          }
          attributes.put(name, field);
        });
    defineAttributes(model, attributes);
  }

  /** The records of a model, by id (live view). */
  public Map<Long, Map<String, Object>> records(String model) {
    return state.records.get(model);
  }

  /** The external ids made by {@code load}, with their record ids. */
  public Map<String, Long> xmlIds() {
    return state.xmlIds;
  }

  /** The contexts the writes were made with, in order. */
  public List<Map<String, Object>> writeContexts() {
    synchronized (state.writeContexts) {
      return List.copyOf(state.writeContexts);
    }
  }

  /** The contexts the mail calls ({@link MemoryMail}) were made with, in order. */
  public List<Map<String, Object>> postContexts() {
    synchronized (state) {
      return List.copyOf(state.postContexts);
    }
  }

  /** Notes the context of a mail call. */
  void posted() {
    state.postContexts.add(context);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    List<?> wireArgs = (List<?>) ValueCodec.encode(args);
    state.fault.at(Point.BEFORE, model, method, wireArgs);
    Object result;
    synchronized (state) {
      result =
          switch (method) {
            case "search_read" ->
                limit(
                    searchRead(
                        model, (List<Object>) wireArgs.get(0), (List<String>) kwargs.get("fields")),
                    kwargs);
            case "search" -> limit(searchIds(model, (List<Object>) wireArgs.get(0)), kwargs);
            case "read" ->
                read(
                    model,
                    ValueCodec.asIds(wireArgs.get(0)),
                    (List<String>) wireArgs.get(1),
                    kwargs.containsKey("load") && kwargs.get("load") == null);
            case "write" ->
                write(
                    model,
                    ValueCodec.asIds(wireArgs.get(0)),
                    (Map<String, Object>) wireArgs.get(1));
            case "create" -> create(model, (List<Map<String, Object>>) wireArgs.get(0));
            case "load" ->
                load(model, (List<String>) wireArgs.get(0), (List<List<Object>>) wireArgs.get(1));
            case "fields_get" -> fieldsGetAnswer(model);
            case "search_count" -> count(model, (List<Object>) wireArgs.get(0));
            default ->
                new MemoryMail(this)
                    .call(model, method, wireArgs, kwargs)
                    .orElseThrow(
                        () -> new IllegalArgumentException("the memory Odoo has no " + method));
          };
      state.calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    }
    state.fault.at(Point.AFTER, model, method, wireArgs);
    return result;
  }

  /** Results come in id order, as the pipeline's callers ask; offset and limit apply. */
  private static <T> List<T> limit(List<T> rows, Map<String, ?> kwargs) {
    if (kwargs.get("offset") instanceof Number skip && skip.intValue() > 0) {
      rows = new ArrayList<>(rows.subList(Math.min(skip.intValue(), rows.size()), rows.size()));
    }
    Object limit = kwargs.get("limit");
    if (limit instanceof Number n && n.intValue() > 0 && rows.size() > n.intValue()) {
      return new ArrayList<>(rows.subList(0, n.intValue()));
    }
    return rows;
  }

  private Map<String, Object> fieldsGetAnswer(String model) {
    Map<String, Object> out = new LinkedHashMap<>();
    state
        .fields
        .get(model)
        .forEach(
            (name, info) -> {
              Map<String, Object> attributes = new LinkedHashMap<>();
              attributes.put("type", info.type().name().toLowerCase(java.util.Locale.ROOT));
              if (info.relation() != null) {
                attributes.put("relation", info.relation());
              }
              attributes.put("store", info.store());
              out.put(name, attributes);
            });
    return out;
  }

  private List<Object> searchRead(String model, List<Object> domain, List<String> fields) {
    List<Object> rows = new ArrayList<>();
    for (Long id : matching(model, domain)) {
      Map<String, Object> record = state.records.get(model).get(id);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      for (String field : fields == null || fields.isEmpty() ? record.keySet() : fields) {
        row.put(field, record.getOrDefault(field, Boolean.FALSE));
      }
      rows.add(row);
    }
    return rows;
  }

  /** {@code ir.model} answers the models defined (by {@code model = name}) unless defined. */
  private long count(String model, List<Object> domain) {
    if (model.equals("ir.model") && !state.fields.containsKey(model)) {
      if (domain.size() == 1
          && domain.get(0) instanceof List<?> leaf
          && "model".equals(leaf.get(0))
          && "=".equals(leaf.get(1))) {
        return state.fields.containsKey(String.valueOf(leaf.get(2))) ? 1 : 0;
      }
      throw new IllegalArgumentException("the memory Odoo's ir.model answers model = name only");
    }
    return matching(model, domain).size();
  }

  private List<Long> searchIds(String model, List<Object> domain) {
    return new ArrayList<>(matching(model, domain));
  }

  private Collection<Long> matching(String model, List<Object> domain) {
    Map<Long, Map<String, Object>> byId = state.records.get(model);
    // the common case, id in ids, without the engine
    if (domain.size() == 1
        && domain.get(0) instanceof List<?> leaf
        && "id".equals(leaf.get(0))
        && "in".equals(leaf.get(1))) {
      Set<Long> out = new LinkedHashSet<>();
      for (Long id : ValueCodec.asIds(leaf.get(2))) {
        if (byId.containsKey(id)) {
          out.add(id);
        }
      }
      return out;
    }
    if (idsAndPlainLeaves(model, domain)) {
      return matchingAmong(model, domain);
    }
    Map<String, Map<Long, Map<String, Object>>> all = new LinkedHashMap<>(state.records);
    boolean activeTest = !Boolean.FALSE.equals(context.get("active_test"));
    return new java.util.TreeSet<>(
        new DomainEngine(Schema.of(state.fields), RecordStore.of(all))
            .search(model, Domain.of(domain), activeTest));
  }

  /**
   * Whether the domain is {@code id in ids} and'ed with leaves on the model's own stored values (no
   * path, no relation, no hierarchy): it can be decided on those records alone, without a scan.
   */
  private boolean idsAndPlainLeaves(String model, List<Object> domain) {
    if (domain.size() < 2
        || !(domain.get(0) instanceof List<?> first)
        || !"id".equals(first.get(0))
        || !"in".equals(first.get(1))) {
      return false;
    }
    Map<String, FieldInfo> meta = state.fields.get(model);
    for (Object token : domain.subList(1, domain.size())) {
      if (!(token instanceof List<?> leaf)
          || leaf.size() != 3
          || !(leaf.get(0) instanceof String field)
          || !meta.containsKey(field)
          || field.equals("active")
          || Set.of("child_of", "parent_of").contains(leaf.get(1))) {
        return false;
      }
      FieldType type = meta.get(field).type();
      if (type == FieldType.MANY2ONE || type == FieldType.ONE2MANY || type == FieldType.MANY2MANY) {
        return false;
      }
    }
    return true;
  }

  /** The records among the domain's ids that match its other leaves, archived ones left out. */
  private Collection<Long> matchingAmong(String model, List<Object> domain) {
    Map<Long, Map<String, Object>> byId = state.records.get(model);
    DomainEngine engine = new DomainEngine(Schema.of(state.fields), RecordStore.of(state.records));
    Domain rest = Domain.of(domain.subList(1, domain.size()));
    boolean activeTest =
        !Boolean.FALSE.equals(context.get("active_test"))
            && state.fields.get(model).containsKey("active");
    Set<Long> out = new java.util.TreeSet<>();
    for (Long id : ValueCodec.asIds(((List<?>) domain.get(0)).get(2))) {
      Map<String, Object> record = byId.get(id);
      if (record != null
          && (!activeTest || Boolean.TRUE.equals(record.get("active")))
          && engine.matches(model, rest, record) == io.odoosidecar.domain.Tri.TRUE) {
        out.add(id);
      }
    }
    return out;
  }

  private List<Object> read(String model, List<Long> ids, List<String> fields, boolean idsOnly) {
    List<Object> out = new ArrayList<>();
    for (Long id : ids) {
      Map<String, Object> record = state.records.get(model).get(id);
      if (record == null) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", id);
      for (String field : fields) {
        Object value = record.getOrDefault(field, Boolean.FALSE);
        if (idsOnly
            && value instanceof List<?> pair
            && pair.size() == 2
            && pair.get(1) instanceof String) {
          value = pair.get(0); // load=None: many2one as an id
        }
        row.put(field, value);
      }
      out.add(row);
    }
    return out;
  }

  private Boolean write(String model, List<Long> ids, Map<String, Object> values) {
    synchronized (state.writeContexts) {
      state.writeContexts.add(context);
    }
    for (Long id : ids) {
      Map<String, Object> record = state.records.get(model).get(id);
      if (record == null) {
        throw new IllegalStateException(
            "Record does not exist or has been deleted: " + model + " " + id);
      }
      apply(model, record, values);
    }
    return Boolean.TRUE;
  }

  private void apply(String model, Map<String, Object> record, Map<String, Object> values) {
    Map<String, FieldInfo> meta = state.fields.get(model);
    values.forEach(
        (field, value) -> {
          FieldInfo info = meta.get(field);
          if (info == null) {
            throw new IllegalArgumentException(
                "Invalid field '" + field + "' on model '" + model + "'");
          }
          if (info.type() == FieldType.MANY2MANY || info.type() == FieldType.ONE2MANY) {
            Set<Long> ids =
                new LinkedHashSet<>(ValueCodec.asIds(record.getOrDefault(field, List.of())));
            for (Object raw : (List<?>) value) {
              Command command = Command.fromWire((List<?>) raw);
              switch (command.code()) {
                case Command.LINK -> ids.add(command.id());
                case Command.UNLINK -> ids.remove(command.id());
                case Command.CLEAR -> ids.clear();
                case Command.SET -> {
                  ids.clear();
                  ids.addAll(command.ids());
                }
                default -> throw new IllegalArgumentException("unsupported command " + command);
              }
            }
            record.put(field, new ArrayList<>(ids));
          } else if (info.type() == FieldType.MANY2ONE && value instanceof Number id) {
            record.put(field, List.of(id.longValue(), ""));
          } else {
            record.put(field, value);
          }
        });
    record.put("write_date", state.now);
  }

  /** Creates records, with the context's {@code default_<field>} for the fields not given. */
  List<Long> create(String model, List<Map<String, Object>> valuesList) {
    List<Long> ids = new ArrayList<>();
    for (Map<String, Object> given : valuesList) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (String field : state.fields.get(model).keySet()) {
        if (context.containsKey("default_" + field)) {
          values.put(field, context.get("default_" + field));
        }
      }
      values.putAll(given);
      long id = ++state.nextId;
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("id", id);
      record.put("create_date", state.now);
      apply(model, record, values);
      state.records.get(model).put(id, record);
      ids.add(id);
    }
    return ids;
  }

  private Map<String, Object> load(String model, List<String> fields, List<List<Object>> rows) {
    int idColumn = fields.indexOf("id");
    List<Long> ids = new ArrayList<>();
    for (List<Object> row : rows) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (int i = 0; i < fields.size(); i++) {
        if (i != idColumn) {
          values.put(fields.get(i), row.get(i));
        }
      }
      String xmlId = idColumn < 0 ? null : String.valueOf(row.get(idColumn));
      Long existing = xmlId == null ? null : state.xmlIds.get(xmlId);
      if (existing != null && state.records.get(model).containsKey(existing)) {
        apply(model, state.records.get(model).get(existing), values);
        ids.add(existing);
      } else {
        long id = create(model, List.of(values)).get(0);
        if (xmlId != null) {
          state.xmlIds.put(xmlId, id);
        }
        ids.add(id);
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ids", ids);
    result.put("messages", List.of());
    return result;
  }

  /** The context of this view's calls. */
  Map<String, Object> context() {
    return context;
  }

  /** Whether a model is defined. */
  boolean defines(String model) {
    return state.fields.containsKey(model);
  }

  @Override
  public OdooClient withContext(Map<String, ?> extra) {
    Map<String, Object> merged = new LinkedHashMap<>(context);
    merged.putAll(extra);
    return new MemoryOdoo(state, merged);
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String database() {
    return "memory";
  }

  @Override
  public TransportKind transport() {
    return TransportKind.JSONRPC;
  }

  @Override
  public ServerVersion version() {
    return new ServerVersion("18.0", 18, 0, "18.0");
  }

  @Override
  public long authenticate() {
    return 2;
  }

  @Override
  public Map<String, FieldInfo> fieldsGet(String model) {
    Map<String, FieldInfo> fields = state.fields.get(model);
    if (fields == null) {
      throw new IllegalArgumentException("unknown model " + model);
    }
    return fields;
  }

  @Override
  public void invalidateFields(String model) {
    // nothing cached
  }

  @Override
  public void close() {
    // nothing to release
  }
}
