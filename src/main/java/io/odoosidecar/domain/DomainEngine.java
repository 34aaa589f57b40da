package io.odoosidecar.domain;

import io.odoosidecar.domain.Domain.Leaf;
import io.odoosidecar.domain.Domain.Node;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates Odoo domains over records held in a {@link RecordStore}, with the answers Odoo's SQL
 * {@code search} gives.
 *
 * <p>Implementation notes: this mirrors Odoo 18's {@code expression} and {@code
 * BaseModel._condition_to_sql}. A dotted path on a relational field first becomes {@code any}
 * ({@code _anyfy_leaves}); {@code !} is then pushed into the tree ({@code _tree_not}): a leaf whose
 * operator has a negation takes it ({@code any} becomes {@code not any}), {@code =?} with an empty
 * value becomes false, and {@code !} stays in front of {@code =like}, {@code =ilike}, {@code
 * child_of} and {@code parent_of}. Each leaf is evaluated as the SQL Odoo generates for it, in
 * three-valued logic: a comparison with a NULL column or a NULL parameter is UNKNOWN, {@code NOT
 * UNKNOWN} is UNKNOWN, and only TRUE selects a record. Values are converted as each field type's
 * {@code convert_to_column} does (monetary, date, char and selection fields send {@code False} as
 * NULL, so {@code amount > False} matches nothing).
 *
 * <p>{@code create_date} and {@code write_date} are stored with microseconds, which reads drop: the
 * engine takes them as the read second plus a fraction, so that {@code create_date = 'the same
 * second'} is false and {@code <=} it is false, as in Odoo. Searches on other models (name
 * searches, {@code any}, hierarchies, one2many inverses) run over the store's records of that model
 * and are memoised for the life of the engine, which is meant for one batch of records.
 */
public final class DomainEngine {
  private static final Set<String> HIERARCHY = Set.of("child_of", "parent_of");
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  private final Schema schema;
  private final RecordStore store;
  private final Map<String, Set<Long>> searches = new HashMap<>();
  private final Map<String, Map<Long, List<Long>>> inverses = new HashMap<>();

  public DomainEngine(Schema schema, RecordStore store) {
    this.schema = schema;
    this.store = store;
  }

  /**
   * The ids of the store's records of {@code model} that match, as Odoo's {@code search} with
   * {@code active_test} as given would return them.
   */
  public Set<Long> search(String model, Domain domain, boolean activeTest) {
    String key = model + "|" + activeTest + "|" + domain;
    Set<Long> cached = searches.get(key);
    if (cached != null) {
      return cached;
    }
    Schema.Model meta = schema.model(model);
    if (!store.complete(model)) {
      throw new UndecidableException("the records of " + model + " are not all at hand");
    }
    Node tree = prepare(meta, domain);
    boolean filterActive =
        activeTest
            && meta.hasActive()
            && domain.tokens().stream()
                .noneMatch(t -> t instanceof Leaf l && "active".equals(l.left()));
    Set<Long> ids = new LinkedHashSet<>();
    for (Map<String, Object> record : store.all(model)) {
      if (filterActive && !Boolean.TRUE.equals(record.get("active"))) {
        continue;
      }
      if (evaluate(meta, tree, record, activeTest) == Tri.TRUE) {
        ids.add(id(record));
      }
    }
    searches.put(key, ids);
    return ids;
  }

  /** Whether one record matches ({@link Tri#TRUE}); UNKNOWN counts as no match, as in SQL. */
  public Tri matches(String model, Domain domain, Map<String, Object> record) {
    Schema.Model meta = schema.model(model);
    return evaluate(meta, prepare(meta, domain), record, false);
  }

  /**
   * The domain as Odoo 18 rewrites it before turning it into SQL: dotted paths as {@code any},
   * {@code !} pushed down. Evaluating it gives the same answer as the original.
   */
  public Domain normalized(String model, Domain domain) {
    List<Object> tokens = new ArrayList<>();
    flatten(prepare(schema.model(model), domain), tokens);
    return Domain.of(tokens);
  }

  private static void flatten(Node node, List<Object> tokens) {
    if (node instanceof Node.Condition c) {
      tokens.add(c.leaf());
    } else if (node instanceof Node.Not n) {
      tokens.add(Domain.NOT);
      flatten(n.child(), tokens);
    } else if (node instanceof Node.And a) {
      tokens.add(Domain.AND);
      flatten(a.left(), tokens);
      flatten(a.right(), tokens);
    } else {
      Node.Or o = (Node.Or) node;
      tokens.add(Domain.OR);
      flatten(o.left(), tokens);
      flatten(o.right(), tokens);
    }
  }

  /** {@code _anyfy_leaves}, then the tree with {@code !} pushed down ({@code _tree_not}). */
  Node prepare(Schema.Model model, Domain domain) {
    java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>();
    List<Object> tokens = domain.tokens();
    for (int i = tokens.size() - 1; i >= 0; i--) {
      Object token = tokens.get(i);
      if (token instanceof Leaf leaf) {
        stack.push(new Node.Condition(anyfy(model, leaf)));
      } else if (Domain.NOT.equals(token)) {
        stack.push(negate(stack.pop()));
      } else if (Domain.AND.equals(token)) {
        stack.push(new Node.And(stack.pop(), stack.pop()));
      } else {
        stack.push(new Node.Or(stack.pop(), stack.pop()));
      }
    }
    return stack.pop();
  }

  private Leaf anyfy(Schema.Model model, Leaf leaf) {
    if (leaf.isConstant()) {
      return leaf;
    }
    String[] path = leaf.path();
    FieldInfo field =
        model
            .field(path[0])
            .orElseThrow(
                () ->
                    new DomainException(
                        "Invalid field " + model.name() + "." + path[0] + " in leaf " + leaf));
    if (path.length == 1) {
      return leaf;
    }
    if (!field.type().relational()) {
      throw new DomainException(
          "Invalid field " + model.name() + "." + leaf.left() + " in leaf " + leaf);
    }
    Leaf inner =
        anyfy(schema.model(field.relation()), new Leaf(path[1], leaf.operator(), leaf.right()));
    return new Leaf(path[0], "any", Domain.of(List.of(inner)));
  }

  private static Node negate(Node node) {
    if (node instanceof Node.Not n) {
      return n.child();
    }
    if (node instanceof Node.And a) {
      return new Node.Or(negate(a.left()), negate(a.right()));
    }
    if (node instanceof Node.Or o) {
      return new Node.And(negate(o.left()), negate(o.right()));
    }
    Leaf leaf = ((Node.Condition) node).leaf();
    if (leaf.operator().equals("=?")) {
      if (!truthy(leaf.right())) {
        return new Node.Condition(Domain.FALSE_LEAF);
      }
      leaf = new Leaf(leaf.left(), "=", leaf.right());
    }
    if (leaf.isConstant()) {
      return new Node.Condition(
          leaf.equals(Domain.TRUE_LEAF) ? Domain.FALSE_LEAF : Domain.TRUE_LEAF);
    }
    String negated = Domain.NEGATION.get(leaf.operator());
    if (negated != null) {
      return new Node.Condition(new Leaf(leaf.left(), negated, leaf.right()));
    }
    return new Node.Not(new Node.Condition(leaf));
  }

  Tri evaluate(Schema.Model model, Node node, Map<String, Object> record, boolean activeTest) {
    if (node instanceof Node.Condition c) {
      return leaf(model, c.leaf(), record, activeTest);
    }
    if (node instanceof Node.Not n) {
      return evaluate(model, n.child(), record, activeTest).not();
    }
    if (node instanceof Node.And a) {
      Tri left = evaluate(model, a.left(), record, activeTest);
      return left == Tri.FALSE
          ? Tri.FALSE
          : left.and(evaluate(model, a.right(), record, activeTest));
    }
    Node.Or o = (Node.Or) node;
    Tri left = evaluate(model, o.left(), record, activeTest);
    return left == Tri.TRUE ? Tri.TRUE : left.or(evaluate(model, o.right(), record, activeTest));
  }

  /** A domain prepared once for one model, to test many records. */
  public final class Compiled {
    private final Schema.Model model;
    private final Node tree;

    private Compiled(Schema.Model model, Node tree) {
      this.model = model;
      this.tree = tree;
    }

    /** Whether the record matches. */
    public boolean test(Map<String, Object> record) {
      return evaluate(model, tree, record, false) == Tri.TRUE;
    }

    /** How many of the records match. */
    public long count(Collection<Map<String, Object>> records) {
      return records.stream().filter(this::test).count();
    }
  }

  /** Prepares a domain once (normalisation, Odoo's rewriting) for testing many records. */
  public Compiled compile(String model, Domain domain) {
    Schema.Model meta = schema.model(model);
    return new Compiled(meta, prepare(meta, domain));
  }

  // ------------------------------------------------------------------ explain

  /**
   * One leaf of an explanation.
   *
   * @param leaf the leaf as evaluated (after Odoo's rewriting: dotted paths as {@code any}, {@code
   *     !} pushed down)
   * @param negated whether a {@code !} that could not be pushed down stands in front of it
   * @param result its value for the record
   * @param compared the record's value of the leaf's field and, for relational leaves, which
   *     related records matched
   */
  public record Step(Leaf leaf, boolean negated, Tri result, String compared) {}

  /** Why one record matches a domain or not: the overall result and each leaf's. */
  public record Explanation(Tri result, List<Step> steps) {}

  /** Evaluates every leaf of the domain for one record, with the values it compared. */
  public Explanation explain(String model, Domain domain, Map<String, Object> record) {
    Schema.Model meta = schema.model(model);
    Node tree = prepare(meta, domain);
    List<Step> steps = new ArrayList<>();
    explain(meta, tree, record, false, steps);
    return new Explanation(evaluate(meta, tree, record, false), steps);
  }

  private void explain(
      Schema.Model model, Node node, Map<String, Object> record, boolean negated, List<Step> out) {
    if (node instanceof Node.Not n) {
      explain(model, n.child(), record, !negated, out);
    } else if (node instanceof Node.And a) {
      explain(model, a.left(), record, negated, out);
      explain(model, a.right(), record, negated, out);
    } else if (node instanceof Node.Or o) {
      explain(model, o.left(), record, negated, out);
      explain(model, o.right(), record, negated, out);
    } else {
      Leaf leaf = ((Node.Condition) node).leaf();
      Tri result = leaf(model, leaf, record, false);
      out.add(new Step(leaf, negated, result, compared(model, leaf, record)));
    }
  }

  private String compared(Schema.Model model, Leaf leaf, Map<String, Object> record) {
    if (leaf.isConstant()) {
      return "constant";
    }
    String name = leaf.path()[0];
    Object value = name.equals("id") ? record.get("id") : record.get(name);
    String text = name + " = " + PyLiteral.repr(value);
    if ((leaf.operator().equals("any") || leaf.operator().equals("not any"))
        && leaf.right() instanceof Domain sub) {
      FieldInfo field = model.field(name).orElseThrow();
      Set<Long> matching = search(field.relation(), sub, false);
      List<Long> related =
          field.type() == FieldType.MANY2ONE
              ? (many2oneId(value) == null ? List.of() : List.of(many2oneId(value)))
              : ids(value);
      List<Long> hits = related.stream().filter(matching::contains).toList();
      text += "; related records matching " + sub + ": " + hits;
    }
    return text;
  }

  // ------------------------------------------------------------------ leaves (expression.parse)

  private Tri leaf(Schema.Model model, Leaf leaf, Map<String, Object> record, boolean activeTest) {
    if (leaf.isConstant()) {
      return Tri.of(leaf.equals(Domain.TRUE_LEAF));
    }
    String[] path = leaf.path();
    FieldInfo field =
        model
            .field(path[0])
            .orElseThrow(
                () ->
                    new DomainException(
                        "Invalid field " + model.name() + "." + path[0] + " in leaf " + leaf));
    String operator = leaf.operator();
    Object right = leaf.right();
    if (path.length > 1) {
      if (!field.type().relational()) {
        throw new DomainException(
            "Invalid field " + model.name() + "." + leaf.left() + " in leaf " + leaf);
      }
      Domain sub = Domain.of(List.of(new Leaf(path[1], operator, right)));
      return any(model, field, "any", sub, record, activeTest);
    }
    if (operator.equals("any") || operator.equals("not any")) {
      if (!field.type().relational()) {
        throw new DomainException("Invalid leaf " + leaf + ": " + path[0] + " is not relational");
      }
      return any(model, field, operator, (Domain) right, record, activeTest);
    }
    if (path[0].equals("id") && HIERARCHY.contains(operator)) {
      Set<Long> ids =
          hierarchy(model, toIds(right, model, activeTest), operator, model.parentName());
      return Tri.of(ids.contains(id(record)));
    }
    if (path[0].equals("display_name")) {
      return evaluate(
          model, prepare(model, nameSearch(model, operator, right)), record, activeTest);
    }
    if (!field.store() && !record.containsKey(field.name())) {
      throw new UndecidableException(
          model.name() + "." + field.name() + " is not stored and was not read: " + leaf);
    }
    switch (field.type()) {
      case ONE2MANY:
        return one2many(model, field, operator, right, record, activeTest);
      case MANY2MANY:
        return many2many(model, field, operator, right, record, activeTest);
      case MANY2ONE:
        return many2one(model, field, operator, right, record, activeTest);
      case DATETIME:
        if (right instanceof String s && s.length() == 10) {
          right = s + (operator.equals(">") || operator.equals("<=") ? " 23:59:59" : " 00:00:00");
        }
        return condition(field, operator, right, record);
      default:
        return condition(field, operator, right, record);
    }
  }

  private Tri any(
      Schema.Model model,
      FieldInfo field,
      String operator,
      Domain sub,
      Map<String, Object> record,
      boolean activeTest) {
    String comodel = field.relation();
    if (field.type() == FieldType.MANY2ONE) {
      Set<Long> ids = search(comodel, sub, false);
      Long value = many2oneId(record.get(field.name()));
      return operator.equals("any")
          ? inSet(value, ids)
          : notInSet(value, ids).or(Tri.of(value == null));
    }
    Domain scoped = and(schema.x2manyDomain(model.name(), field.name()), sub);
    Set<Long> ids = search(comodel, scoped, activeTest);
    String in = operator.equals("any") ? "in" : "not in";
    return field.type() == FieldType.ONE2MANY
        ? one2many(model, field, in, ids, record, activeTest)
        : many2many(model, field, in, ids, record, activeTest);
  }

  private Tri many2one(
      Schema.Model model,
      FieldInfo field,
      String operator,
      Object right,
      Map<String, Object> record,
      boolean activeTest) {
    String comodel = field.relation();
    Long value = many2oneId(record.get(field.name()));
    if (HIERARCHY.contains(operator)) {
      Set<Long> ids = toIds(right, schema.model(comodel), false);
      if (!comodel.equals(model.name())) {
        Schema.Model co = schema.model(comodel);
        Set<Long> tree = hierarchy(co, ids, operator, co.parentName());
        return inSet(value, existing(comodel, tree));
      }
      return Tri.of(hierarchy(model, ids, operator, field.name()).contains(id(record)));
    }
    boolean strings =
        right instanceof String
            || right instanceof List<?> list
                && !list.isEmpty()
                && list.stream().allMatch(String.class::isInstance);
    if (strings) {
      String op = Set.of("<", ">", "<=", ">=").contains(operator) ? "in" : operator;
      if (!(right instanceof List) && (op.equals("in") || op.equals("not in"))) {
        op = op.equals("in") ? "=" : "!=";
      } else if (right instanceof List && (op.equals("=") || op.equals("!="))) {
        op = op.equals("=") ? "in" : "not in";
      }
      Schema.Model co = schema.model(comodel);
      if (Domain.NEGATIVE.contains(op)) {
        Set<Long> ids = search(comodel, nameSearch(co, Domain.NEGATION.get(op), right), false);
        return notInSet(value, ids).or(Tri.of(value == null));
      }
      return inSet(value, search(comodel, nameSearch(co, op, right), false));
    }
    return condition(field, operator, right, record);
  }

  private Tri one2many(
      Schema.Model model,
      FieldInfo field,
      String operator,
      Object right,
      Map<String, Object> record,
      boolean activeTest) {
    String comodel = field.relation();
    Schema.Model co = schema.model(comodel);
    if (HIERARCHY.contains(operator)) {
      Set<Long> ids = toIds(right, co, activeTest);
      if (!comodel.equals(model.name())) {
        Set<Long> tree = existing(comodel, hierarchy(co, ids, operator, co.parentName()));
        return one2many(model, field, "in", tree, record, activeTest);
      }
      return Tri.of(hierarchy(model, ids, operator, field.name()).contains(id(record)));
    }
    String inverse =
        schema
            .inverse(model.name(), field)
            .orElseThrow(
                () ->
                    new UndecidableException(
                        "the inverse of " + model.name() + "." + field.name() + " is unknown"));
    Map<Long, List<Long>> lines = inverseIndex(comodel, inverse);
    List<Long> mine = lines.getOrDefault(id(record), List.of());
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (!Boolean.FALSE.equals(right)) {
      Collection<Long> ids2;
      if (right instanceof String) {
        String op2 = negative ? Domain.NEGATION.get(operator) : operator;
        Domain names =
            and(schema.x2manyDomain(model.name(), field.name()), nameSearch(co, op2, right));
        ids2 = search(comodel, names, activeTest);
      } else {
        ids2 = ids(right);
      }
      boolean exists = mine.stream().anyMatch(ids2::contains);
      return Tri.of(negative != exists);
    }
    // right is False: records with (negative operators) or without lines
    boolean hasLines = mine.stream().anyMatch(line -> visible(comodel, line, activeTest));
    return Tri.of(negative == hasLines);
  }

  private Tri many2many(
      Schema.Model model,
      FieldInfo field,
      String operator,
      Object right,
      Map<String, Object> record,
      boolean activeTest) {
    String comodel = field.relation();
    Schema.Model co = schema.model(comodel);
    List<Long> linked = ids(record.get(field.name()));
    if (HIERARCHY.contains(operator)) {
      Set<Long> tree =
          existing(comodel, hierarchy(co, toIds(right, co, activeTest), operator, co.parentName()));
      return Tri.of(linked.stream().anyMatch(tree::contains));
    }
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (!Boolean.FALSE.equals(right)) {
      Collection<Long> ids2;
      if (right instanceof String) {
        String op2 = negative ? Domain.NEGATION.get(operator) : operator;
        Domain names =
            and(schema.x2manyDomain(model.name(), field.name()), nameSearch(co, op2, right));
        ids2 = search(comodel, names, activeTest);
      } else {
        ids2 = ids(right);
      }
      boolean exists = linked.stream().anyMatch(ids2::contains);
      return Tri.of(negative != exists);
    }
    return Tri.of(negative != linked.isEmpty());
  }

  // ------------------------------------------------------------------ _condition_to_sql

  private Tri condition(
      FieldInfo field, String operator, Object value, Map<String, Object> record) {
    FieldType type = field.type();
    boolean isId = field.name().equals("id");
    boolean number =
        !isId
            && (type == FieldType.INTEGER || type == FieldType.FLOAT || type == FieldType.MONETARY);
    boolean chars = type == FieldType.CHAR || type == FieldType.TEXT || type == FieldType.HTML;
    Object column = column(field, record.get(field.name()));

    if (operator.equals("=?")) {
      if (value == null || Boolean.FALSE.equals(value)) {
        return Tri.TRUE;
      }
      return condition(field, "=", value, record);
    }
    if (operator.equals("in") || operator.equals("not in")) {
      return in(field, operator, value, column, number, chars, isId);
    }
    if (type == FieldType.BOOLEAN
        && (operator.equals("=") || operator.equals("!="))
        && value instanceof Boolean b) {
      boolean wanted = operator.equals("!=") ? !b : b;
      boolean truth = Boolean.TRUE.equals(column);
      return Tri.of(wanted == truth);
    }
    if ((type.relational() || isId)
        && (operator.equals("=") || operator.equals("!="))
        && !truthy(value)) {
      value = Boolean.FALSE;
    }
    if ((operator.equals("=") || operator.equals("!="))
        && (value == null || Boolean.FALSE.equals(value))) {
      if (number) {
        value = 0L;
      } else if (chars) {
        value = "";
      } else {
        return Tri.of(operator.equals("=") == (column == null));
      }
    }
    boolean wildcard = Set.of("like", "ilike", "not like", "not ilike").contains(operator);
    if (wildcard && !truthy(value)) {
      return Tri.of(!Domain.NEGATIVE.contains(operator));
    }
    Tri result;
    if (operator.endsWith("like") && MAGIC_TIMESTAMPS.contains(field.name()) && column != null) {
      throw new UndecidableException(
          field.name()
              + " is stored with microseconds that reads drop: '"
              + operator
              + "' on its text needs Odoo");
    }
    if (operator.endsWith("like")) {
      String pattern = wildcard ? "%" + str(value) + "%" : str(convert(field, value));
      result =
          column == null
              ? Tri.UNKNOWN
              : Tri.of(
                  like(text(field, column), pattern, operator.contains("ilike"))
                      != operator.startsWith("not"));
    } else {
      result = compare(column, operator, convert(field, value));
    }
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (truthy(value) == negative && !operator.startsWith(">") && !operator.startsWith("<")) {
      result = result.or(Tri.of(column == null));
    }
    if (!wildcard && number) {
      // Odoo compares convert_to_cache(value) here, where False is 0.0 for every number type
      double cmp =
          value instanceof String text
              ? Double.parseDouble(text.trim())
              : truthy(value) ? toDouble(value) : 0.0;
      if (operator.equals(">=") && cmp <= 0
          || operator.equals("<=") && cmp >= 0
          || operator.equals("<") && cmp > 0
          || operator.equals(">") && cmp < 0) {
        result = result.or(Tri.of(column == null));
      }
    }
    return result;
  }

  private Tri in(
      FieldInfo field,
      String operator,
      Object value,
      Object column,
      boolean number,
      boolean chars,
      boolean isId) {
    if (value instanceof Boolean b) {
      boolean notNull = operator.equals("in") == b;
      return Tri.of(notNull == (column != null));
    }
    if (!(value instanceof Collection<?> values)) {
      throw new DomainException("Invalid domain term " + new Leaf(field.name(), operator, value));
    }
    List<Object> params = new ArrayList<>();
    for (Object v : values) {
      if (v != null && !Boolean.FALSE.equals(v)) {
        params.add(v);
      }
    }
    boolean checkNull = params.size() < values.size();
    if (field.type() == FieldType.BOOLEAN) {
      boolean anyTrue = params.stream().anyMatch(DomainEngine::truthy);
      params = new ArrayList<>(anyTrue ? List.of(Boolean.TRUE) : List.of());
      if (checkNull) {
        params.add(Boolean.FALSE);
      }
    } else if (number) {
      boolean hasZero =
          params.stream().anyMatch(p -> p instanceof Number n && n.doubleValue() == 0);
      if (checkNull && !hasZero) {
        params.add(0L);
        hasZero = true;
      }
      checkNull = checkNull || hasZero;
    } else if (chars) {
      boolean hasEmpty = params.contains("");
      if (checkNull && !hasEmpty) {
        params.add("");
        hasEmpty = true;
      }
      checkNull = checkNull || hasEmpty;
    }
    Tri result;
    if (params.isEmpty()) {
      result = Tri.of(operator.equals("not in"));
    } else if (column == null) {
      result = Tri.UNKNOWN;
    } else {
      boolean found = false;
      for (Object p : params) {
        if (compare(column, "=", isId ? p : convert(field, p)) == Tri.TRUE) {
          found = true;
          break;
        }
      }
      result = Tri.of(found == operator.equals("in"));
    }
    boolean in = operator.equals("in");
    if (in && checkNull || !in && !checkNull) {
      result = result.or(Tri.of(column == null));
    } else {
      result = result.and(Tri.of(column != null));
    }
    return result;
  }

  // ------------------------------------------------------------------ values

  /** The column value SQL would see, or null for NULL. */
  private static Object column(FieldInfo field, Object wire) {
    switch (field.type()) {
      case BOOLEAN:
        return Boolean.TRUE.equals(wire);
      case INTEGER:
      case FLOAT:
      case MONETARY:
        return wire instanceof Number ? wire : field.name().equals("id") ? wire : 0L;
      case MANY2ONE:
        return many2oneId(wire);
      case DATE:
        return wire instanceof String s ? LocalDate.parse(s.substring(0, 10)) : null;
      case DATETIME:
        if (!(wire instanceof String s)) {
          return null;
        }
        LocalDateTime read = LocalDateTime.parse(s.substring(0, 19), DATETIME);
        // create_date and write_date carry microseconds that reads drop: half a second stands
        // for that unknown, non-zero fraction in every comparison with a whole second.
        return MAGIC_TIMESTAMPS.contains(field.name()) ? read.plusNanos(500_000_000) : read;
      default:
        return wire == null || Boolean.FALSE.equals(wire) ? null : wire;
    }
  }

  private static final Set<String> MAGIC_TIMESTAMPS = Set.of("create_date", "write_date");

  /**
   * The SQL parameter of a value compared with the field, as Odoo 18's {@code convert_to_column}
   * makes it: integers, floats and booleans coerce {@code False} to 0 / false; every other type
   * sends {@code False} and {@code None} as NULL, and strings as they are (PostgreSQL then casts
   * them to the column's type, failing on a malformed date).
   */
  private static Object convert(FieldInfo field, Object value) {
    try {
      switch (field.type()) {
        case INTEGER:
          if (field.name().equals("id")) {
            return value instanceof String s ? Long.parseLong(s.trim()) : value;
          }
          if (value instanceof String s) {
            return Long.parseLong(s.trim());
          }
          return truthy(value) ? (long) toDouble(value) : 0L;
        case FLOAT:
          if (value instanceof String s) {
            return Double.parseDouble(s.trim());
          }
          return truthy(value) ? toDouble(value) : 0.0;
        case BOOLEAN:
          return truthy(value);
        case MANY2ONE:
          return truthy(value) ? value : null;
        default:
          break;
      }
      if (value == null || Boolean.FALSE.equals(value)) {
        return null;
      }
      switch (field.type()) {
        case MONETARY:
          return value instanceof String s ? Double.parseDouble(s.trim()) : toDouble(value);
        case DATE:
          return LocalDate.parse(str(value).substring(0, Math.min(10, str(value).length())));
        case DATETIME:
          String t = str(value).replace('T', ' ');
          t = t.length() > 19 ? t.substring(0, 19) : t;
          return LocalDateTime.parse(t.length() == 10 ? t + " 00:00:00" : t, DATETIME);
        case CHAR:
        case TEXT:
        case HTML:
        case SELECTION:
          return str(value);
        default:
          return value;
      }
    } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new DomainException(
          "Invalid value "
              + PyLiteral.repr(value)
              + " for field "
              + field.name()
              + " ("
              + field.type().name().toLowerCase(Locale.ROOT)
              + ")");
    }
  }

  private static double toDouble(Object value) {
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw new NumberFormatException("not a number: " + value);
  }

  @SuppressWarnings("unchecked")
  private static Tri compare(Object column, String operator, Object value) {
    if (column == null || value == null) {
      return Tri.UNKNOWN;
    }
    int c;
    if (column instanceof Number a && value instanceof Number b) {
      c = Double.compare(a.doubleValue(), b.doubleValue());
    } else if (column instanceof Comparable && column.getClass() == value.getClass()) {
      c = ((Comparable<Object>) column).compareTo(value);
    } else if (column instanceof Number && value instanceof String s) {
      try {
        c = Double.compare(((Number) column).doubleValue(), Double.parseDouble(s));
      } catch (NumberFormatException e) {
        throw new DomainException("cannot compare a number with '" + s + "'");
      }
    } else {
      c = String.valueOf(column).compareTo(String.valueOf(value));
    }
    switch (operator) {
      case "=":
        return Tri.of(c == 0);
      case "!=":
        return Tri.of(c != 0);
      case "<":
        return Tri.of(c < 0);
      case "<=":
        return Tri.of(c <= 0);
      case ">":
        return Tri.of(c > 0);
      case ">=":
        return Tri.of(c >= 0);
      default:
        throw new DomainException("Invalid operator " + operator);
    }
  }

  /** The text a column casts to in SQL ({@code (col)::text}). */
  private static String text(FieldInfo field, Object column) {
    if (column instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (column instanceof LocalDateTime t) {
      return DATETIME.format(t);
    }
    if (column instanceof Double d) {
      return field.type() == FieldType.FLOAT && d == Math.rint(d)
          ? String.valueOf(d.longValue())
          : java.math.BigDecimal.valueOf(d).toPlainString();
    }
    return String.valueOf(column);
  }

  /** SQL LIKE / ILIKE: {@code %} any run, {@code _} one character, backslash escapes. */
  static boolean like(String text, String pattern, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    return Pattern.compile(regex.toString(), flags).matcher(text).matches();
  }

  // ------------------------------------------------------------------ searches across models

  /** Odoo's {@code _search_display_name} of a model. */
  private Domain nameSearch(Schema.Model model, String operator, Object value) {
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (operator.endsWith("like") && !truthy(value) && !operator.contains("=")) {
      return negative
          ? Domain.of(List.of(Domain.FALSE_LEAF))
          : Domain.of(List.of(Domain.TRUE_LEAF));
    }
    List<List<Object>> alternatives = new ArrayList<>();
    for (String field : model.nameSearchFields()) {
      alternatives.add(List.of(field, operator, value));
    }
    if (model.nameSearch() == Schema.NameSearchKind.PRODUCTS
        && (operator.equals("=")
            || operator.equals("in")
            || operator.endsWith("like") && !negative)) {
      alternatives.add(List.of("barcode", "in", operator.equals("in") ? value : List.of(value)));
    }
    if (alternatives.isEmpty()) {
      return Domain.of(List.of(Domain.FALSE_LEAF));
    }
    Domain domain = combine(negative ? Domain.AND : Domain.OR, alternatives);
    if (model.nameSearch() == Schema.NameSearchKind.USERS
        && (operator.equals("=") || operator.equals("ilike"))
        && truthy(value)) {
      domain = combine(Domain.OR, List.of(List.of("login", "=", value), domain));
    }
    if (model.nameSearch() == Schema.NameSearchKind.CHILDREN_OF_MATCHES
        && operator.endsWith("like")) {
      Set<Long> found = search(model.name(), domain, true);
      domain = Domain.of(List.of(List.of("id", "child_of", new ArrayList<>(found))));
    }
    return domain;
  }

  private static Domain combine(String operator, List<?> parts) {
    List<Object> tokens = new ArrayList<>();
    for (int i = 1; i < parts.size(); i++) {
      tokens.add(operator);
    }
    for (Object part : parts) {
      if (part instanceof Domain d) {
        tokens.addAll(d.tokens());
      } else {
        tokens.add(part);
      }
    }
    return Domain.of(tokens);
  }

  private static Domain and(List<Object> first, Domain second) {
    if (first.isEmpty()) {
      return second;
    }
    return combine(Domain.AND, List.of(Domain.of(first), second));
  }

  /** Odoo's {@code to_ids}: an id, ids, or names searched with {@code ilike}. */
  private Set<Long> toIds(Object value, Schema.Model model, boolean activeTest) {
    Set<Long> ids = new LinkedHashSet<>();
    if (value instanceof String s) {
      ids.addAll(search(model.name(), nameSearch(model, "ilike", s), activeTest));
    } else if (value instanceof List<?> list
        && !list.isEmpty()
        && list.stream().allMatch(String.class::isInstance)) {
      for (Object name : list) {
        ids.addAll(search(model.name(), nameSearch(model, "ilike", name), activeTest));
      }
    } else if (value instanceof Boolean || value == null) {
      return ids; // (x, child_of, False) matches nothing
    } else if (value instanceof Number n) {
      if (n.longValue() != 0) {
        ids.add(n.longValue());
      }
    } else {
      ids.addAll(ids(value));
    }
    return ids;
  }

  /**
   * The records a hierarchy operator selects: descendants or ancestors, the given ones included.
   */
  private Set<Long> hierarchy(
      Schema.Model model, Set<Long> ids, String operator, String parentField) {
    FieldInfo parent =
        model
            .field(parentField)
            .orElseThrow(
                () ->
                    new DomainException(
                        "Invalid parent field: " + model.name() + "." + parentField));
    Set<Long> result = new LinkedHashSet<>();
    Set<Long> frontier = new LinkedHashSet<>(ids);
    if (operator.equals("parent_of")) {
      frontier.removeIf(id -> id == 0);
    }
    while (!frontier.isEmpty()) {
      result.addAll(frontier);
      Set<Long> next = new LinkedHashSet<>();
      if (operator.equals("child_of")) {
        Set<Long> children =
            search(
                model.name(),
                Domain.of(List.of(List.of(parentField, "in", new ArrayList<>(frontier)))),
                false);
        next.addAll(children);
      } else {
        for (Long id : frontier) {
          Map<String, Object> record = store.get(model.name(), id);
          if (record != null) {
            Object value = record.get(parent.name());
            if (parent.type() == FieldType.MANY2ONE) {
              Long p = many2oneId(value);
              if (p != null) {
                next.add(p);
              }
            } else {
              next.addAll(ids(value));
            }
          }
        }
      }
      next.removeAll(result);
      frontier = next;
    }
    return result;
  }

  private Set<Long> existing(String model, Set<Long> ids) {
    Set<Long> out = new HashSet<>();
    for (Long id : ids) {
      if (store.get(model, id) != null) {
        out.add(id);
      }
    }
    return out;
  }

  private boolean visible(String model, Long id, boolean activeTest) {
    if (!activeTest || !schema.model(model).hasActive()) {
      return true;
    }
    Map<String, Object> record = store.get(model, id);
    return record != null && Boolean.TRUE.equals(record.get("active"));
  }

  private Map<Long, List<Long>> inverseIndex(String comodel, String inverse) {
    return inverses.computeIfAbsent(
        comodel + "." + inverse,
        key -> {
          if (!store.complete(comodel)) {
            throw new UndecidableException("the records of " + comodel + " are not all at hand");
          }
          Map<Long, List<Long>> index = new HashMap<>();
          for (Map<String, Object> line : store.all(comodel)) {
            Long owner = many2oneId(line.get(inverse));
            if (owner != null) {
              index.computeIfAbsent(owner, k -> new ArrayList<>()).add(id(line));
            }
          }
          return index;
        });
  }

  // ------------------------------------------------------------------ helpers

  private static Tri inSet(Long value, Set<Long> ids) {
    if (ids.isEmpty()) {
      return Tri.FALSE; // x IN (empty) is false, even for NULL
    }
    return value == null ? Tri.UNKNOWN : Tri.of(ids.contains(value));
  }

  private static Tri notInSet(Long value, Set<Long> ids) {
    if (ids.isEmpty()) {
      return Tri.TRUE;
    }
    return value == null ? Tri.UNKNOWN : Tri.of(!ids.contains(value));
  }

  private static long id(Map<String, Object> record) {
    return ((Number) record.get("id")).longValue();
  }

  static Long many2oneId(Object wire) {
    if (wire instanceof List<?> pair && !pair.isEmpty() && pair.get(0) instanceof Number n) {
      return n.longValue();
    }
    if (wire instanceof Number n && n.longValue() != 0) {
      return n.longValue();
    }
    return null;
  }

  private static List<Long> ids(Object value) {
    List<Long> ids = new ArrayList<>();
    if (value instanceof Collection<?> items) {
      for (Object item : items) {
        if (item instanceof Number n && n.longValue() != 0) {
          ids.add(n.longValue());
        }
      }
    } else if (value instanceof Number n && n.longValue() != 0) {
      ids.add(n.longValue());
    }
    return ids;
  }

  static boolean truthy(Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return false;
    }
    if (value instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (value instanceof String s) {
      return !s.isEmpty();
    }
    if (value instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    return true;
  }

  private static String str(Object value) {
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Double d) {
      return PyLiteral.repr(d);
    }
    return String.valueOf(value);
  }
}
