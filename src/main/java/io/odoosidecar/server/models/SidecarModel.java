package io.odoosidecar.server.models;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.DomainException;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.domain.UndecidableException;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * What the sidecar's own models ({@code sidecar.*}) share: Odoo's read methods over rows the model
 * gives page by page, with domains evaluated by the sidecar's {@link DomainEngine} on a {@link
 * Schema} made of the model's fields.
 *
 * <p>{@code fields_get(allfields, attributes)}, {@code search_read(domain, fields, offset, limit,
 * order)}, {@code search(domain, offset, limit, order)}, {@code search_count(domain, limit)} and
 * {@code read(ids, fields)}, positionally or by keyword as Odoo takes them ({@code context} is
 * accepted and ignored). An unknown field in a domain, a fields list or an order, an unknown
 * argument or a value of the wrong kind is refused with a 400 naming it.
 *
 * <p>Implementation notes: rows are read a page at a time in id order and tested against the domain
 * as they come, so that memory holds a page and the answer: an order on {@code id} stops at the
 * limit; another order keeps the best {@code offset + limit} rows in a heap (all the matches when
 * there is no limit). Empty values are Odoo's {@code False}; datetimes are {@code YYYY-MM-DD
 * HH:MM:SS} in UTC.
 */
public abstract class SidecarModel implements RpcModels.Model {
  /** The rows read at a time, by default. */
  public static final int PAGE = 500;

  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final List<String> READS =
      List.of("fields_get", "search_read", "search", "search_count", "read");

  /**
   * One field.
   *
   * @param type Odoo's type name ({@code char}, {@code integer}, {@code datetime}, ...)
   * @param label its {@code string}
   * @param selection the values of a selection field, else empty
   */
  public record Field(String name, String type, String label, List<String> selection) {
    public Field {
      selection = List.copyOf(selection);
    }

    /** A field of a type other than selection. */
    public static Field of(String name, String type, String label) {
      return new Field(name, type, label, List.of());
    }

    /** A selection field; each value is its own label. */
    public static Field selection(String name, String label, List<String> values) {
      return new Field(name, "selection", label, values);
    }

    /** Its attributes as {@code fields_get} answers them. */
    public Map<String, Object> attributes() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("type", type);
      out.put("string", label);
      out.put("readonly", true);
      out.put("store", true);
      out.put("required", false);
      out.put("searchable", true);
      out.put("sortable", true);
      if (type.equals("selection")) {
        out.put("selection", selection.stream().map(v -> List.of(v, v)).toList());
      }
      return out;
    }
  }

  /** The rows of one call, as the engine reads them (wire values by field name, {@code id} set). */
  protected interface Rows {
    /**
     * The rows after {@code from} in id order (ascending), or before it (descending), at most
     * {@code size}.
     */
    List<Map<String, Object>> page(long from, boolean descending, int size);

    /** The rows of these ids that exist, in any order. */
    List<Map<String, Object>> byIds(Collection<Long> ids);
  }

  /** How to order the rows: one term of {@code order}. */
  private record Term(String field, boolean descending) {}

  private final String name;
  private final List<Field> fields;
  private final Map<String, Field> byName = new LinkedHashMap<>();
  private final Schema schema;
  private final String defaultOrder;
  private final int pageSize;

  /**
   * @param name the model's name ({@code sidecar.run})
   * @param fields its fields, {@code id} first
   * @param defaultOrder its {@code _order} ({@code id desc})
   * @param pageSize the rows read at a time (at least one)
   */
  protected SidecarModel(String name, List<Field> fields, String defaultOrder, int pageSize) {
    this.name = name;
    this.fields = List.copyOf(fields);
    Map<String, FieldInfo> infos = new LinkedHashMap<>();
    for (Field f : fields) {
      byName.put(f.name(), f);
      infos.put(f.name(), FieldInfo.of(f.name(), f.attributes()));
    }
    this.schema = Schema.of(Map.of(name, infos));
    this.pageSize = Math.max(1, pageSize);
    this.defaultOrder = defaultOrder;
  }

  /** The model's name. */
  public final String name() {
    return name;
  }

  /** The model's fields, in order. */
  public final List<Field> fields() {
    return fields;
  }

  /** The rows this call reads (made once per call). */
  protected abstract Rows rows();

  /** The model's own methods beyond the reads ({@code action_replay}, ...). */
  protected List<String> actions() {
    return List.of();
  }

  /** Answers one of {@link #actions()}. */
  protected Object action(String method, List<Object> args, Map<String, Object> kwargs)
      throws RpcFault {
    throw unknownMethod(method);
  }

  @Override
  public final Object call(String method, List<Object> args, Map<String, Object> kwargs)
      throws RpcFault {
    try {
      switch (method) {
        case "fields_get":
          return fieldsGet(bind(method, args, kwargs, "allfields", "attributes"));
        case "search_read":
          {
            Map<String, Object> a =
                bind(method, args, kwargs, "domain", "fields", "offset", "limit", "order");
            List<String> wanted = fieldNames(a.get("fields"));
            return search(a).stream().map(r -> project(r, wanted)).toList();
          }
        case "search":
          return search(bind(method, args, kwargs, "domain", "offset", "limit", "order")).stream()
              .map(r -> r.get("id"))
              .toList();
        case "search_count":
          return count(bind(method, args, kwargs, "domain", "limit"));
        case "read":
          return read(bind(method, args, kwargs, "ids", "fields"));
        default:
          if (actions().contains(method)) {
            return action(method, args, kwargs);
          }
          throw unknownMethod(method);
      }
    } catch (DomainException | UndecidableException e) {
      throw RpcFault.malformed(name + "." + method + ": " + e.getMessage());
    }
  }

  private RpcFault unknownMethod(String method) {
    List<String> all = new ArrayList<>(READS);
    all.addAll(actions());
    return RpcFault.malformed(
        name + " has no method " + method + "; it has " + String.join(", ", all));
  }

  // ------------------------------------------------------------------ arguments

  /**
   * The arguments of a call by parameter name, from its positional and keyword arguments; a missing
   * one is null.
   */
  protected final Map<String, Object> bind(
      String method, List<Object> args, Map<String, Object> kwargs, String... params)
      throws RpcFault {
    if (args.size() > params.length) {
      throw RpcFault.malformed(
          name
              + "."
              + method
              + " takes at most "
              + params.length
              + " arguments ("
              + String.join(", ", params)
              + "), got "
              + args.size());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < params.length; i++) {
      out.put(params[i], i < args.size() ? args.get(i) : null);
    }
    for (Map.Entry<String, Object> e : kwargs.entrySet()) {
      String key = e.getKey();
      if (key.equals("context")) {
        continue;
      }
      if (!out.containsKey(key)) {
        throw RpcFault.malformed(name + "." + method + " has no argument '" + key + "'");
      }
      if (out.get(key) != null) {
        throw RpcFault.malformed(name + "." + method + ": '" + key + "' given twice");
      }
      out.put(key, e.getValue());
    }
    return out;
  }

  /** Whether an argument was left out: None or False, as Odoo takes them. */
  private static boolean absent(Object value) {
    return value == null || Boolean.FALSE.equals(value);
  }

  /** The ids of {@code read} and the actions: a list of positive integers, or one. */
  protected final List<Long> ids(String method, Object value) throws RpcFault {
    List<?> items = value instanceof Number ? List.of(value) : null;
    if (value instanceof List<?> list) {
      items = list;
    }
    if (items == null) {
      throw RpcFault.malformed(name + "." + method + " takes the ids: [[1, 2]]");
    }
    List<Long> ids = new ArrayList<>();
    for (Object id : items) {
      if (!(id instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() <= 0) {
        throw RpcFault.malformed(name + "." + method + ": not a record id: " + id);
      }
      ids.add(n.longValue());
    }
    return ids;
  }

  private List<String> fieldNames(Object value) throws RpcFault {
    if (absent(value) || value instanceof List<?> l && l.isEmpty()) {
      return byName.keySet().stream().toList();
    }
    if (!(value instanceof List<?> list)) {
      throw RpcFault.malformed(name + ": fields is a list of field names, not " + value);
    }
    List<String> out = new ArrayList<>();
    for (Object field : list) {
      out.add(known(field));
    }
    return out;
  }

  private String known(Object field) throws RpcFault {
    if (!(field instanceof String s) || !byName.containsKey(s)) {
      throw RpcFault.malformed(name + " has no field " + quote(field));
    }
    return s;
  }

  private static String quote(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }

  private int offset(Object value) throws RpcFault {
    if (absent(value)) {
      return 0;
    }
    return count(value, "offset", 0);
  }

  /** The limit, or 0 for none (Odoo's None, False or 0). */
  private int limit(Object value) throws RpcFault {
    if (absent(value)) {
      return 0;
    }
    return count(value, "limit", 0);
  }

  private int count(Object value, String what, int least) throws RpcFault {
    if (!(value instanceof Number n)
        || n.longValue() != n.doubleValue()
        || n.longValue() < least
        || n.longValue() > Integer.MAX_VALUE) {
      throw RpcFault.malformed(name + ": " + what + " must be a whole number >= " + least);
    }
    return n.intValue();
  }

  private List<Term> order(Object value) throws RpcFault {
    if (absent(value) || value instanceof String s && s.isBlank()) {
      return order(defaultOrder);
    }
    if (!(value instanceof String text)) {
      throw RpcFault.malformed(name + ": order is a string ('started desc, id'), not " + value);
    }
    List<Term> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String[] words = part.trim().split("\\s+");
      String direction = words.length > 1 ? words[1].toLowerCase(java.util.Locale.ROOT) : "asc";
      if (words.length > 2 || !(direction.equals("asc") || direction.equals("desc"))) {
        throw RpcFault.malformed(name + ": invalid order '" + part.trim() + "'");
      }
      out.add(new Term(known(words[0]), direction.equals("desc")));
    }
    return out;
  }

  private DomainEngine.Compiled domain(Object value) throws RpcFault {
    if (absent(value)) {
      return compile(List.of());
    }
    if (!(value instanceof List<?> list)) {
      throw RpcFault.malformed(name + ": a domain is a list, not " + value);
    }
    return compile(list);
  }

  private DomainEngine.Compiled compile(List<?> domain) {
    return new DomainEngine(schema, RecordStore.of(Map.of())).compile(name, Domain.of(domain));
  }

  // ------------------------------------------------------------------ the methods

  private Map<String, Object> fieldsGet(Map<String, Object> a) throws RpcFault {
    List<String> wanted = fieldNames(a.get("allfields"));
    Set<String> attributes = null;
    if (!absent(a.get("attributes"))) {
      if (!(a.get("attributes") instanceof List<?> list)) {
        throw RpcFault.malformed(name + ".fields_get: attributes is a list of names");
      }
      attributes = new LinkedHashSet<>();
      for (Object attribute : list) {
        attributes.add(String.valueOf(attribute));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String field : wanted) {
      Map<String, Object> all = byName.get(field).attributes();
      if (attributes != null) {
        all.keySet().retainAll(attributes);
      }
      out.put(field, all);
    }
    return out;
  }

  private List<Map<String, Object>> search(Map<String, Object> a) throws RpcFault {
    DomainEngine.Compiled domain = domain(a.get("domain"));
    int offset = offset(a.get("offset"));
    int limit = limit(a.get("limit"));
    List<Term> order = order(a.get("order"));
    Rows rows = rows();
    if (order.size() == 1 && order.get(0).field().equals("id")) {
      return inIdOrder(rows, domain, offset, limit, order.get(0).descending());
    }
    return sorted(rows, domain, offset, limit, comparator(order));
  }

  private List<Map<String, Object>> inIdOrder(
      Rows rows, DomainEngine.Compiled domain, int offset, int limit, boolean descending) {
    List<Map<String, Object>> out = new ArrayList<>();
    int skipped = 0;
    long from = descending ? Long.MAX_VALUE : 0;
    while (true) {
      List<Map<String, Object>> page = rows.page(from, descending, pageSize);
      for (Map<String, Object> row : page) {
        if (!domain.test(row)) {
          continue;
        }
        if (skipped < offset) {
          skipped++;
          continue;
        }
        out.add(row);
        if (limit > 0 && out.size() >= limit) {
          return out;
        }
      }
      if (page.size() < pageSize) {
        return out;
      }
      from = id(page.get(page.size() - 1));
    }
  }

  /** The most rows an answer ordered on another field than {@code id} holds in memory. */
  static final int MAX_SORTED = 100_000;

  private List<Map<String, Object>> sorted(
      Rows rows,
      DomainEngine.Compiled domain,
      int offset,
      int limit,
      Comparator<Map<String, Object>> order)
      throws RpcFault {
    if (limit > 0 && (long) offset + limit > MAX_SORTED) {
      throw tooMany();
    }
    long keep = limit > 0 ? (long) offset + limit : MAX_SORTED + 1L; // one more: too many found
    PriorityQueue<Map<String, Object>> best = new PriorityQueue<>(order.reversed());
    forEachMatch(
        rows,
        domain,
        row -> {
          best.add(row);
          if (best.size() > keep) {
            best.poll(); // the last in order goes
          }
        });
    if (limit == 0 && best.size() > MAX_SORTED) {
      throw tooMany();
    }
    List<Map<String, Object>> all = new ArrayList<>(best);
    all.sort(order);
    return offset >= all.size() ? List.of() : all.subList(offset, all.size());
  }

  private RpcFault tooMany() {
    return RpcFault.malformed(
        name
            + ": an order on another field than id keeps offset + limit rows in memory, at most "
            + MAX_SORTED
            + ": give a smaller limit, or order by id (which pages through the rows)");
  }

  private long count(Map<String, Object> a) throws RpcFault {
    DomainEngine.Compiled domain = domain(a.get("domain"));
    int limit = limit(a.get("limit"));
    long[] count = new long[1];
    forEachMatch(rows(), domain, row -> count[0]++);
    return limit > 0 ? Math.min(limit, count[0]) : count[0];
  }

  private void forEachMatch(
      Rows rows,
      DomainEngine.Compiled domain,
      java.util.function.Consumer<Map<String, Object>> each) {
    long from = 0;
    while (true) {
      List<Map<String, Object>> page = rows.page(from, false, pageSize);
      page.stream().filter(domain::test).forEach(each);
      if (page.size() < pageSize) {
        return;
      }
      from = id(page.get(page.size() - 1));
    }
  }

  private List<Map<String, Object>> read(Map<String, Object> a) throws RpcFault {
    List<Long> ids = new ArrayList<>(new LinkedHashSet<>(ids("read", a.get("ids"))));
    List<String> wanted = fieldNames(a.get("fields"));
    Map<Long, Map<String, Object>> found = new LinkedHashMap<>();
    for (Map<String, Object> row : rows().byIds(ids)) {
      found.put(id(row), row);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (long id : ids) {
      Map<String, Object> row = found.get(id);
      if (row != null) {
        out.add(project(row, wanted));
      }
    }
    return out;
  }

  private static Map<String, Object> project(Map<String, Object> row, List<String> wanted) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", row.get("id"));
    for (String field : wanted) {
      out.put(field, row.get(field));
    }
    return out;
  }

  // ------------------------------------------------------------------ ordering

  private Comparator<Map<String, Object>> comparator(List<Term> order) {
    Comparator<Map<String, Object>> out = null;
    for (Term term : order) {
      boolean bool = byName.get(term.field()).type().equals("boolean");
      Comparator<Map<String, Object>> one =
          (x, y) -> compare(x.get(term.field()), y.get(term.field()), bool);
      one = term.descending() ? one.reversed() : one;
      out = out == null ? one : out.thenComparing(one);
    }
    return out.thenComparing(SidecarModel::id);
  }

  /** Values in SQL's ascending order: empty ones (False) last. */
  private static int compare(Object x, Object y, boolean bool) {
    boolean xEmpty = x == null || !bool && Boolean.FALSE.equals(x);
    boolean yEmpty = y == null || !bool && Boolean.FALSE.equals(y);
    if (xEmpty || yEmpty) {
      return Boolean.compare(xEmpty, yEmpty);
    }
    if (x instanceof Number a && y instanceof Number b) {
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    if (x instanceof Boolean a && y instanceof Boolean b) {
      return Boolean.compare(a, b);
    }
    return String.valueOf(x).compareTo(String.valueOf(y));
  }

  // ------------------------------------------------------------------ for the models

  /** A row's id. */
  protected static long id(Map<String, Object> row) {
    return ((Number) row.get("id")).longValue();
  }

  /** A time as Odoo answers a datetime ({@code 2030-01-10 08:00:00}, UTC), or False. */
  protected static Object datetime(Instant at) {
    return at == null ? Boolean.FALSE : DATETIME.format(at);
  }

  /** Text as Odoo answers it: empty when there is none. */
  protected static String text(String value) {
    return value == null ? "" : value;
  }

  /** Ids as one comma-separated text. */
  protected static String joined(List<Long> ids) {
    StringBuilder out = new StringBuilder();
    for (long id : ids) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(id);
    }
    return out.toString();
  }

  /** The rows of an in-memory list, for a model whose rows are few. */
  protected static Rows inMemory(List<Map<String, Object>> rows) {
    List<Map<String, Object>> ascending = new ArrayList<>(rows);
    ascending.sort(Comparator.comparingLong(SidecarModel::id));
    return new Rows() {
      @Override
      public List<Map<String, Object>> page(long from, boolean descending, int size) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < ascending.size(); i++) {
          Map<String, Object> row = ascending.get(descending ? ascending.size() - 1 - i : i);
          long id = id(row);
          if (descending ? id < from : id > from) {
            out.add(row);
            if (out.size() == size) {
              break;
            }
          }
        }
        return out;
      }

      @Override
      public List<Map<String, Object>> byIds(Collection<Long> ids) {
        Set<Long> wanted = Set.copyOf(ids);
        return ascending.stream().filter(r -> wanted.contains(id(r))).toList();
      }
    };
  }
}
