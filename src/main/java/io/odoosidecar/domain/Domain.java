package io.odoosidecar.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An Odoo domain in normalised prefix form: every implicit {@code &} made explicit, every leaf a
 * {@link Leaf} with its operator in Odoo's canonical spelling.
 *
 * <p>Parsed from the Python literal Odoo stores ({@code "[('a', '=', 1), '|', ...]"}) or from a
 * JSON list. Syntax errors and leaves Odoo refuses fail with a {@link DomainException} naming the
 * leaf, in Odoo's words where Odoo has some.
 */
public final class Domain {
  /** Odoo's term operators ({@code <>} is read as {@code !=}). */
  public static final Set<String> OPERATORS =
      Set.of(
          "=",
          "!=",
          "<=",
          "<",
          ">",
          ">=",
          "=?",
          "=like",
          "=ilike",
          "like",
          "not like",
          "ilike",
          "not ilike",
          "in",
          "not in",
          "child_of",
          "parent_of",
          "any",
          "not any");

  /** Operators with a negative meaning. */
  public static final Set<String> NEGATIVE = Set.of("!=", "not like", "not ilike", "not in");

  /** Each operator that {@code !} can be pushed into, and the operator it becomes. */
  public static final Map<String, String> NEGATION =
      Map.ofEntries(
          Map.entry("<", ">="),
          Map.entry(">", "<="),
          Map.entry("<=", ">"),
          Map.entry(">=", "<"),
          Map.entry("=", "!="),
          Map.entry("!=", "="),
          Map.entry("in", "not in"),
          Map.entry("like", "not like"),
          Map.entry("ilike", "not ilike"),
          Map.entry("not in", "in"),
          Map.entry("not like", "like"),
          Map.entry("not ilike", "ilike"),
          Map.entry("any", "not any"),
          Map.entry("not any", "any"));

  public static final String AND = "&";
  public static final String OR = "|";
  public static final String NOT = "!";

  /** The always-true leaf {@code (1, '=', 1)}. */
  public static final Leaf TRUE_LEAF = new Leaf(1L, "=", 1L);

  /** The always-false leaf {@code (0, '=', 1)}. */
  public static final Leaf FALSE_LEAF = new Leaf(0L, "=", 1L);

  /**
   * One condition {@code (left, operator, right)}.
   *
   * @param left a field path ({@code partner_id.country_id.code}), or 1 / 0 in the constant leaves
   * @param operator one of {@link #OPERATORS}
   * @param right the value: wire values, or a {@link Domain} for {@code any} / {@code not any}
   */
  public record Leaf(Object left, String operator, Object right) {
    /** The field path, split on dots. */
    public String[] path() {
      return ((String) left).split("\\.", 2);
    }

    public boolean isConstant() {
      return !(left instanceof String);
    }

    @Override
    public String toString() {
      return "("
          + PyLiteral.repr(left)
          + ", "
          + PyLiteral.repr(operator)
          + ", "
          + repr(right)
          + ")";
    }
  }

  private final List<Object> tokens;

  private Domain(List<Object> tokens) {
    this.tokens = Collections.unmodifiableList(tokens);
  }

  /** Parses a domain written as a Python literal or as JSON. */
  public static Domain parse(String text) {
    Object value = PyLiteral.parse(text);
    if (!(value instanceof List<?> list)) {
      throw new DomainException("a domain is a list, got " + text);
    }
    return of(list);
  }

  /** Normalises a domain given as a list of operators and 3-element lists or tuples. */
  public static Domain of(List<?> raw) {
    if (raw.isEmpty()) {
      return new Domain(List.of(TRUE_LEAF));
    }
    List<Object> result = new ArrayList<>();
    int expected = 1;
    for (Object token : raw) {
      if (expected == 0) {
        result.add(0, AND);
        expected = 1;
      }
      if (token instanceof List<?> leaf) {
        expected--;
        result.add(leaf(leaf));
      } else if (token instanceof Leaf leaf) {
        expected--;
        result.add(leaf);
      } else if (NOT.equals(token)) {
        result.add(NOT);
      } else if (AND.equals(token) || OR.equals(token)) {
        expected++;
        result.add(token);
      } else {
        throw new DomainException("Invalid leaf " + repr(token));
      }
    }
    if (expected != 0) {
      throw new DomainException("Domain " + repr(raw) + " is syntactically not correct.");
    }
    return new Domain(result);
  }

  private static Leaf leaf(List<?> raw) {
    if (raw.size() != 3 || !(raw.get(1) instanceof String operator)) {
      throw new DomainException("Invalid leaf " + tuple(raw));
    }
    Object left = raw.get(0);
    Object right = raw.get(2);
    boolean constant =
        left instanceof Number n
            && "=".equals(operator)
            && right instanceof Number r
            && r.longValue() == 1
            && (n.longValue() == 0 || n.longValue() == 1);
    boolean known = OPERATORS.contains(operator) || "<>".equals(operator);
    if (!known || !(constant || left instanceof String s && !s.isEmpty())) {
      throw new DomainException("Invalid leaf " + tuple(raw));
    }
    if (constant) {
      return ((Number) left).longValue() == 1 ? TRUE_LEAF : FALSE_LEAF;
    }
    String op = operator.equals("<>") ? "!=" : operator;
    if (right instanceof Boolean && (op.equals("in") || op.equals("not in"))) {
      op = op.equals("in") ? "=" : "!=";
    } else if (right instanceof List<?> && (op.equals("=") || op.equals("!="))) {
      op = op.equals("=") ? "in" : "not in";
    }
    if (op.equals("any") || op.equals("not any")) {
      if (!(right instanceof List<?> || right instanceof Domain)) {
        throw new DomainException("Invalid leaf " + tuple(raw) + ": '" + op + "' takes a domain");
      }
      right = right instanceof Domain d ? d : of((List<?>) right);
    }
    return new Leaf(left, op, right);
  }

  /** The normalised prefix tokens: {@link #AND}, {@link #OR}, {@link #NOT} and {@link Leaf}s. */
  public List<Object> tokens() {
    return tokens;
  }

  /** The domain as the lists Odoo's external API takes: leaves as 3-element lists. */
  public List<Object> toWire() {
    List<Object> out = new ArrayList<>(tokens.size());
    for (Object token : tokens) {
      if (token instanceof Leaf leaf) {
        Object right = leaf.right() instanceof Domain sub ? sub.toWire() : leaf.right();
        out.add(java.util.Arrays.asList(leaf.left(), leaf.operator(), right));
      } else {
        out.add(token);
      }
    }
    return out;
  }

  /** The domain as a tree, for evaluation. */
  public Node tree() {
    int[] position = {0};
    Node node = node(position);
    return node;
  }

  private Node node(int[] position) {
    Object token = tokens.get(position[0]++);
    if (token instanceof Leaf leaf) {
      return new Node.Condition(leaf);
    }
    if (NOT.equals(token)) {
      return new Node.Not(node(position));
    }
    Node first = node(position);
    Node second = node(position);
    return AND.equals(token) ? new Node.And(first, second) : new Node.Or(first, second);
  }

  /** A domain tree. */
  public sealed interface Node {
    /** {@code !} over a subtree. */
    record Not(Node child) implements Node {}

    /** {@code &} of two subtrees. */
    record And(Node left, Node right) implements Node {}

    /** {@code |} of two subtrees. */
    record Or(Node left, Node right) implements Node {}

    /** One leaf. */
    record Condition(Leaf leaf) implements Node {}
  }

  /** The Python literal of this domain, leaves as tuples, as Odoo prints it. */
  @Override
  public String toString() {
    return repr(tokens);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Domain d && d.tokens.equals(tokens);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode();
  }

  /** A raw leaf as Odoo prints it in its errors: as a tuple. */
  private static String tuple(List<?> raw) {
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < raw.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(repr(raw.get(i)));
    }
    return out.append(raw.size() == 1 ? ",)" : ")").toString();
  }

  static String repr(Object value) {
    if (value instanceof Domain d) {
      return d.toString();
    }
    if (value instanceof Leaf leaf) {
      return leaf.toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        out.append(repr(list.get(i)));
      }
      return out.append(']').toString();
    }
    return PyLiteral.repr(value);
  }
}
