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
    if (!store.sufficient(model)) {
      throw new UndecidableException("the records of " + model + " are not all at hand");
    }
    Plan plan = plan(meta, prepare(meta, domain), activeTest);
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
      if (plan.test(record) == Tri.TRUE) {
        ids.add(id(record));
      }
    }
    searches.put(key, ids);
    return ids;
  }

  /** Whether one record matches ({@link Tri#TRUE}); UNKNOWN counts as no match, as in SQL. */
  public Tri matches(String model, Domain domain, Map<String, Object> record) {
    Schema.Model meta = schema.model(model);
    return plan(meta, prepare(meta, domain), false).test(record);
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
    FieldInfo field = field(model, path[0], leaf);
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

  /** The field a leaf names, or Odoo's error for an unknown one. */
  private static FieldInfo field(Schema.Model model, String name, Leaf leaf) {
    return model
        .field(name)
        .orElseThrow(
            () ->
                new DomainException(
                    "Invalid field " + model.name() + "." + name + " in leaf " + leaf));
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

  /** A domain prepared once for one model, to test many records. */
  public static final class Compiled {
    private final Plan plan;

    private Compiled(Plan plan) {
      this.plan = plan;
    }

    /** Whether the record matches. */
    public boolean test(Map<String, Object> record) {
      return plan.test(record) == Tri.TRUE;
    }

    /** How many of the records match. */
    public long count(Collection<Map<String, Object>> records) {
      return records.stream().filter(this::test).count();
    }
  }

  /**
   * Prepares a domain once for testing many records: Odoo's rewriting, values converted, LIKE
   * patterns compiled, searches on other models resolved.
   */
  public Compiled compile(String model, Domain domain) {
    Schema.Model meta = schema.model(model);
    return new Compiled(plan(meta, prepare(meta, domain), false));
  }

  // ------------------------------------------------------------------ requirements

  /**
   * The fields of each model that evaluating the domain on records of {@code model} reads: the
   * fields its leaves name, through every dotted path and {@code any}, the fields a name search
   * compares, the inverse of each one2many, and {@code id} and {@code active} of every model.
   */
  public Map<String, Set<String>> requirements(String model, Domain domain) {
    Map<String, Set<String>> out = new java.util.TreeMap<>();
    require(schema.model(model), domain, out, new HashSet<>(), 0, new int[1]);
    return out;
  }

  /** How many relations deep the domain reaches from {@code model} (0: its own fields only). */
  public int depth(String model, Domain domain) {
    int[] deepest = new int[1];
    require(schema.model(model), domain, new java.util.TreeMap<>(), new HashSet<>(), 0, deepest);
    return deepest[0];
  }

  private void require(
      Schema.Model model,
      Domain domain,
      Map<String, Set<String>> out,
      Set<String> seen,
      int level,
      int[] deepest) {
    deepest[0] = Math.max(deepest[0], level);
    Set<String> fields = out.computeIfAbsent(model.name(), k -> new java.util.TreeSet<>());
    fields.add("id");
    if (model.hasActive()) {
      fields.add("active");
    }
    if (!seen.add(model.name() + "|" + domain)) {
      return; // a name search that refers to itself (child_of over found ids)
    }
    for (Object token : domain.tokens()) {
      if (!(token instanceof Leaf leaf) || leaf.isConstant()) {
        continue;
      }
      Leaf any = anyfy(model, leaf);
      FieldInfo field = model.field(any.path()[0]).orElseThrow();
      if (field.name().equals("display_name")) {
        for (String name : model.nameSearchFields()) {
          require(model, Domain.of(List.of(List.of(name, "=", false))), out, seen, level, deepest);
        }
        continue;
      }
      fields.add(field.name());
      if (!field.type().relational()) {
        continue;
      }
      Schema.Model comodel = schema.model(field.relation());
      Object right = any.right();
      if (right instanceof Domain sub) {
        require(comodel, sub, out, seen, level + 1, deepest);
      }
      if (right instanceof String
          || right instanceof List<?> list
              && !list.isEmpty()
              && list.stream().allMatch(String.class::isInstance)) {
        for (String name : comodel.nameSearchFields()) {
          require(
              comodel,
              Domain.of(List.of(List.of(name, "=", false))),
              out,
              seen,
              level + 1,
              deepest);
        }
      }
      if (field.type().x2many()) {
        List<Object> fieldDomain = schema.x2manyDomain(model.name(), field.name());
        if (!fieldDomain.isEmpty()) {
          require(comodel, Domain.of(fieldDomain), out, seen, level + 1, deepest);
        }
      }
      if (field.type() == FieldType.ONE2MANY) {
        deepest[0] = Math.max(deepest[0], level + 1);
        schema
            .inverse(model.name(), field)
            .ifPresent(
                inverse ->
                    out.computeIfAbsent(comodel.name(), k -> new java.util.TreeSet<>())
                        .add(inverse));
      }
    }
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
    return new Explanation(plan(meta, tree, false).test(record), steps);
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
      Tri result = planLeaf(model, leaf, false).test(record);
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

  // ------------------------------------------------------------------ plans (expression.parse)

  /** A leaf or subtree made ready for testing records: its value for one record. */
  @FunctionalInterface
  interface Plan {
    Tri test(Map<String, Object> record);
  }

  /** A test of a column value that SQL would see (null for NULL). */
  @FunctionalInterface
  private interface ColumnTest {
    Tri test(Object column);
  }

  Plan plan(Schema.Model model, Node node, boolean activeTest) {
    if (node instanceof Node.Condition c) {
      return planLeaf(model, c.leaf(), activeTest);
    }
    if (node instanceof Node.Not n) {
      Plan child = plan(model, n.child(), activeTest);
      return r -> child.test(r).not();
    }
    if (node instanceof Node.And a) {
      Plan left = plan(model, a.left(), activeTest);
      Plan right = plan(model, a.right(), activeTest);
      return r -> {
        Tri first = left.test(r);
        return first == Tri.FALSE ? Tri.FALSE : first.and(right.test(r));
      };
    }
    Node.Or o = (Node.Or) node;
    Plan left = plan(model, o.left(), activeTest);
    Plan right = plan(model, o.right(), activeTest);
    return r -> {
      Tri first = left.test(r);
      return first == Tri.TRUE ? Tri.TRUE : first.or(right.test(r));
    };
  }

  private Plan planLeaf(Schema.Model model, Leaf leaf, boolean activeTest) {
    if (leaf.isConstant()) {
      Tri constant = Tri.of(leaf.equals(Domain.TRUE_LEAF));
      return r -> constant;
    }
    String[] path = leaf.path();
    FieldInfo field = field(model, path[0], leaf);
    String operator = leaf.operator();
    Object right = leaf.right();
    if (path.length > 1) {
      return planLeaf(model, anyfy(model, leaf), activeTest);
    }
    if (operator.equals("any") || operator.equals("not any")) {
      if (!field.type().relational()) {
        throw new DomainException("Invalid leaf " + leaf + ": " + path[0] + " is not relational");
      }
      return planAny(model, field, operator, (Domain) right, activeTest);
    }
    if (path[0].equals("id") && HIERARCHY.contains(operator)) {
      Set<Long> ids =
          hierarchy(model, toIds(right, model, activeTest), operator, model.parentName());
      return r -> Tri.of(ids.contains(id(r)));
    }
    if (path[0].equals("display_name")) {
      return plan(model, prepare(model, nameSearch(model, operator, right)), activeTest);
    }
    Plan typed =
        switch (field.type()) {
          case ONE2MANY -> planOne2many(model, field, operator, right, activeTest);
          case MANY2MANY -> planMany2many(model, field, operator, right, activeTest);
          case MANY2ONE -> planMany2one(model, field, operator, right);
          case DATETIME -> planCondition(field, operator, dayBound(operator, right));
          default -> planCondition(field, operator, right);
        };
    if (field.store()) {
      return typed;
    }
    String name = field.name();
    return r -> {
      if (!r.containsKey(name)) {
        throw new UndecidableException(
            model.name() + "." + name + " is not stored and was not read: " + leaf);
      }
      return typed.test(r);
    };
  }

  /** A date compared with a datetime means the day's first second, or its last for > and <=. */
  private static Object dayBound(String operator, Object right) {
    if (right instanceof String s && s.length() == 10) {
      return s + (operator.equals(">") || operator.equals("<=") ? " 23:59:59" : " 00:00:00");
    }
    return right;
  }

  private Plan planAny(
      Schema.Model model, FieldInfo field, String operator, Domain sub, boolean activeTest) {
    String comodel = field.relation();
    if (field.type() == FieldType.MANY2ONE) {
      Set<Long> ids = search(comodel, sub, false);
      String name = field.name();
      if (operator.equals("any")) {
        return r -> inSet(many2oneId(r.get(name)), ids);
      }
      return r -> {
        Long value = many2oneId(r.get(name));
        return notInSet(value, ids).or(Tri.of(value == null));
      };
    }
    Domain scoped = and(schema.x2manyDomain(model.name(), field.name()), sub);
    Set<Long> ids = search(comodel, scoped, activeTest);
    String in = operator.equals("any") ? "in" : "not in";
    return field.type() == FieldType.ONE2MANY
        ? planOne2many(model, field, in, ids, activeTest)
        : planMany2many(model, field, in, ids, activeTest);
  }

  private Plan planMany2one(Schema.Model model, FieldInfo field, String operator, Object right) {
    String comodel = field.relation();
    String name = field.name();
    if (HIERARCHY.contains(operator)) {
      Set<Long> ids = toIds(right, schema.model(comodel), false);
      if (!comodel.equals(model.name())) {
        Schema.Model co = schema.model(comodel);
        Set<Long> tree = existing(comodel, hierarchy(co, ids, operator, co.parentName()));
        return r -> inSet(many2oneId(r.get(name)), tree);
      }
      Set<Long> tree = hierarchy(model, ids, operator, name);
      return r -> Tri.of(tree.contains(id(r)));
    }
    boolean strings =
        right instanceof String
            || right instanceof List<?> list
                && !list.isEmpty()
                && list.stream().allMatch(String.class::isInstance);
    if (!strings) {
      return planCondition(field, operator, right);
    }
    String op = Set.of("<", ">", "<=", ">=").contains(operator) ? "in" : operator;
    if (!(right instanceof List) && (op.equals("in") || op.equals("not in"))) {
      op = op.equals("in") ? "=" : "!=";
    } else if (right instanceof List && (op.equals("=") || op.equals("!="))) {
      op = op.equals("=") ? "in" : "not in";
    }
    Schema.Model co = schema.model(comodel);
    if (Domain.NEGATIVE.contains(op)) {
      Set<Long> ids = search(comodel, nameSearch(co, Domain.NEGATION.get(op), right), false);
      return r -> {
        Long value = many2oneId(r.get(name));
        return notInSet(value, ids).or(Tri.of(value == null));
      };
    }
    Set<Long> ids = search(comodel, nameSearch(co, op, right), false);
    return r -> inSet(many2oneId(r.get(name)), ids);
  }

  private Plan planOne2many(
      Schema.Model model, FieldInfo field, String operator, Object right, boolean activeTest) {
    String comodel = field.relation();
    if (HIERARCHY.contains(operator)) {
      Schema.Model co = schema.model(comodel);
      Set<Long> ids = toIds(right, co, activeTest);
      if (!comodel.equals(model.name())) {
        Set<Long> tree = existing(comodel, hierarchy(co, ids, operator, co.parentName()));
        return planOne2many(model, field, "in", tree, activeTest);
      }
      Set<Long> tree = hierarchy(model, ids, operator, field.name());
      return r -> Tri.of(tree.contains(id(r)));
    }
    String inverse =
        schema
            .inverse(model.name(), field)
            .orElseThrow(
                () ->
                    new UndecidableException(
                        "the inverse of " + model.name() + "." + field.name() + " is unknown"));
    Map<Long, List<Long>> lines = inverseIndex(comodel, inverse);
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (Boolean.FALSE.equals(right)) {
      // records with (negative operators) or without lines
      Set<Long> owners = new HashSet<>();
      lines.forEach(
          (owner, own) -> {
            if (own.stream().anyMatch(line -> visible(comodel, line, activeTest))) {
              owners.add(owner);
            }
          });
      return r -> Tri.of(negative == owners.contains(id(r)));
    }
    Set<Long> ids2;
    if (right instanceof String) {
      Schema.Model co = schema.model(comodel);
      String op2 = negative ? Domain.NEGATION.get(operator) : operator;
      Domain names =
          and(schema.x2manyDomain(model.name(), field.name()), nameSearch(co, op2, right));
      ids2 = search(comodel, names, activeTest);
    } else {
      ids2 = new HashSet<>(ids(right));
    }
    Set<Long> owners = new HashSet<>();
    lines.forEach(
        (owner, own) -> {
          if (own.stream().anyMatch(ids2::contains)) {
            owners.add(owner);
          }
        });
    return r -> Tri.of(negative != owners.contains(id(r)));
  }

  private Plan planMany2many(
      Schema.Model model, FieldInfo field, String operator, Object right, boolean activeTest) {
    String comodel = field.relation();
    String name = field.name();
    if (HIERARCHY.contains(operator)) {
      Schema.Model co = schema.model(comodel);
      Set<Long> tree =
          existing(comodel, hierarchy(co, toIds(right, co, activeTest), operator, co.parentName()));
      return r -> Tri.of(linksAny(r.get(name), tree));
    }
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (Boolean.FALSE.equals(right)) {
      return r -> Tri.of(negative != ids(r.get(name)).isEmpty());
    }
    Set<Long> ids2;
    if (right instanceof String) {
      Schema.Model co = schema.model(comodel);
      String op2 = negative ? Domain.NEGATION.get(operator) : operator;
      Domain names =
          and(schema.x2manyDomain(model.name(), field.name()), nameSearch(co, op2, right));
      ids2 = search(comodel, names, activeTest);
    } else {
      ids2 = new HashSet<>(ids(right));
    }
    return r -> Tri.of(negative != linksAny(r.get(name), ids2));
  }

  private static boolean linksAny(Object value, Set<Long> ids) {
    if (value instanceof List<?> list) {
      for (int i = 0, n = list.size(); i < n; i++) {
        if (list.get(i) instanceof Number id && ids.contains(id.longValue())) {
          return true;
        }
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ _condition_to_sql

  private Plan planCondition(FieldInfo field, String operator, Object value) {
    FieldType type = field.type();
    boolean isId = field.name().equals("id");
    boolean number =
        !isId
            && (type == FieldType.INTEGER || type == FieldType.FLOAT || type == FieldType.MONETARY);
    boolean chars = type == FieldType.CHAR || type == FieldType.TEXT || type == FieldType.HTML;
    String name = field.name();

    if (operator.equals("=?")) {
      if (value == null || Boolean.FALSE.equals(value)) {
        return r -> Tri.TRUE;
      }
      return planCondition(field, "=", value);
    }
    if (operator.equals("in") || operator.equals("not in")) {
      return onColumn(field, planIn(field, operator, value, number, chars, isId), false);
    }
    if (type == FieldType.BOOLEAN
        && (operator.equals("=") || operator.equals("!="))
        && value instanceof Boolean b) {
      boolean wanted = operator.equals("!=") ? !b : b;
      return r -> Tri.of(wanted == Boolean.TRUE.equals(r.get(name)));
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
        boolean isNull = operator.equals("=");
        return onColumn(field, column -> Tri.of(isNull == (column == null)), false);
      }
    }
    boolean wildcard = WILDCARD.contains(operator);
    if (wildcard && !truthy(value)) {
      Tri constant = Tri.of(!Domain.NEGATIVE.contains(operator));
      return r -> constant;
    }
    ColumnTest test;
    if (operator.endsWith("like")) {
      String pattern = wildcard ? "%" + str(value) + "%" : str(convert(field, value));
      Pattern compiled = likePattern(pattern, operator.contains("ilike"));
      boolean not = operator.startsWith("not");
      boolean magic = MAGIC_TIMESTAMPS.contains(name);
      String op = operator;
      test =
          column -> {
            if (column == null) {
              return Tri.UNKNOWN;
            }
            if (magic) {
              throw new UndecidableException(
                  name
                      + " is stored with microseconds that reads drop: '"
                      + op
                      + "' on its text needs Odoo");
            }
            return Tri.of(compiled.matcher(text(field, column)).matches() != not);
          };
    } else {
      Object param = convert(field, value);
      String op = operator;
      test = column -> compare(column, op, param);
    }
    boolean negative = Domain.NEGATIVE.contains(operator);
    boolean orNull =
        truthy(value) == negative && !operator.startsWith(">") && !operator.startsWith("<");
    if (!wildcard && number) {
      // Odoo compares convert_to_cache(value) here, where False is 0.0 for every number type
      double cmp =
          value instanceof String text
              ? parseNumber(field, text)
              : truthy(value) ? toDouble(value) : 0.0;
      orNull |=
          operator.equals(">=") && cmp <= 0
              || operator.equals("<=") && cmp >= 0
              || operator.equals("<") && cmp > 0
              || operator.equals(">") && cmp < 0;
    }
    return onColumn(field, test, orNull);
  }

  private static final Set<String> WILDCARD = Set.of("like", "ilike", "not like", "not ilike");

  /** A plan reading the field's column once, and adding {@code OR column IS NULL} if asked. */
  private static Plan onColumn(FieldInfo field, ColumnTest test, boolean orNull) {
    String name = field.name();
    if (orNull) {
      return r -> {
        Object column = column(field, r.get(name));
        return column == null ? Tri.TRUE : test.test(column);
      };
    }
    return r -> test.test(column(field, r.get(name)));
  }

  private ColumnTest planIn(
      FieldInfo field, String operator, Object value, boolean number, boolean chars, boolean isId) {
    if (value instanceof Boolean b) {
      boolean notNull = operator.equals("in") == b;
      return column -> Tri.of(notNull == (column != null));
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
    Set<Object> keys = new HashSet<>();
    for (Object p : params) {
      keys.add(key(isId ? (p instanceof String s ? parseNumber(field, s) : p) : convert(field, p)));
    }
    boolean in = operator.equals("in");
    boolean empty = keys.isEmpty();
    boolean orNull = in && checkNull || !in && !checkNull;
    return column -> {
      Tri result =
          empty
              ? Tri.of(!in)
              : column == null ? Tri.UNKNOWN : Tri.of(keys.contains(key(column)) == in);
      return orNull ? result.or(Tri.of(column == null)) : result.and(Tri.of(column != null));
    };
  }

  /** Equal SQL values as equal keys: every number by its value, whatever its Java type. */
  private static Object key(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) ? (Object) (long) d : (Object) d;
    }
    return value;
  }

  private static double parseNumber(FieldInfo field, String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new DomainException(
          "Invalid value " + PyLiteral.repr(text) + " for field " + field.name());
    }
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
  static Pattern likePattern(String pattern, boolean ignoreCase) {
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
    return Pattern.compile(regex.toString(), flags);
  }

  // ------------------------------------------------------------------ searches across models

  /** Odoo's {@code _search_display_name} of a model, with the overrides of Odoo 18's models. */
  private Domain nameSearch(Schema.Model model, String operator, Object value) {
    Domain own = NameSearches.override(model.nameSearch(), operator, value);
    if (own != null) {
      return own;
    }
    Domain domain = fieldsNameSearch(model, operator, value);
    return NameSearches.extend(model.nameSearch(), domain, operator, value);
  }

  /** The default {@code _search_display_name}, and the overrides that build on it in place. */
  private Domain fieldsNameSearch(Schema.Model model, String operator, Object value) {
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
    if (model.nameSearch() == Schema.NameSearchKind.PRODUCTS && operator.equals("=")) {
      NameSearches.bracketedCode(value)
          .ifPresent(code -> alternatives.add(List.of("default_code", "=", code)));
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

  static Domain combine(String operator, List<?> parts) {
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
    if (!store.complete(model.name())) {
      throw new UndecidableException(
          operator
              + " needs every record of "
              + model.name()
              + ", which are not at hand: ask Odoo");
    }
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
          if (!store.sufficient(comodel)) {
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
