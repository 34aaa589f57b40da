package io.odoosidecar.domain;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Evaluates a dynamic domain as Odoo writes them in rules ({@code [('user_id', '=', uid)]}, {@code
 * [('date_deadline', '<', (context_today() + relativedelta(days=3)).strftime('%Y-%m-%d'))]}) into a
 * literal {@link Domain}, once per batch of records.
 *
 * <p>Implementation notes: this is a small expression evaluator for the part of Python that domain
 * values use, not a Python interpreter: literals, names of the evaluation context, attribute
 * access, calls, subscripts, arithmetic, comparisons, {@code and}/{@code or}/{@code not} and
 * conditional expressions. The context offers {@code uid}, {@code user} (its fields by attribute),
 * {@code context_today()}, {@code datetime} (module and class), {@code date}, {@code time}, {@code
 * timedelta}, {@code relativedelta}, {@code ref(xml_id)} and {@code context}. Nothing else can be
 * reached: there are no imports, no host objects, no dunder attributes, so evaluation cannot
 * escape. A domain that is a plain literal never reaches this evaluator.
 */
public final class DomainExpression {

  /**
   * What a dynamic domain can refer to.
   *
   * @param uid the user id
   * @param user the user's fields, as read (many2one as {@code [id, name]})
   * @param today the user's today, for {@code context_today()}
   * @param now the current UTC time, for {@code datetime.now()}
   * @param ref resolves an external id ({@code module.name}) to a record id
   * @param context the context, for {@code context.get(...)}
   */
  public record Context(
      long uid,
      Map<String, Object> user,
      LocalDate today,
      LocalDateTime now,
      Function<String, Long> ref,
      Map<String, Object> context) {

    /**
     * The context of a user at a moment: {@code user} knows its id only, today and now are UTC, the
     * context dictionary is empty.
     */
    public static Context of(long uid, java.time.Instant now, Function<String, Long> ref) {
      return new Context(
          uid,
          Map.of("id", uid),
          LocalDate.ofInstant(now, java.time.ZoneOffset.UTC),
          LocalDateTime.ofInstant(now, java.time.ZoneOffset.UTC),
          ref,
          Map.of());
    }
  }

  /**
   * An object of the host that an expression may use beyond the domain context (a model, a
   * recordset): attributes, method calls and subscripts are answered by it, nothing else.
   */
  public interface Host {
    /** Whether {@code name} is a method (called) rather than a value. */
    boolean isMethod(String name);

    /** The value of attribute {@code name}. */
    Object attribute(String name);

    /** Calls method {@code name}. */
    Object call(String name, List<Object> args, Map<String, Object> kwargs);

    /** {@code host[key]}. */
    default Object item(Object key) {
      throw new DomainException("'" + getClass().getSimpleName() + "' is not subscriptable");
    }
  }

  /** A timedelta: days and seconds, as Python keeps it. */
  record TimeDelta(Duration duration) {}

  /** A relativedelta: relative years to seconds, and absolute year, month, day if given. */
  record RelativeDelta(
      long years,
      long months,
      long days,
      long hours,
      long minutes,
      long seconds,
      Integer year,
      Integer month,
      Integer day) {}

  /** A Python module or class of the context, called or asked for attributes. */
  private record Namespace(String name) {}

  /** A bound method: a receiver and a method name. */
  private record Method(Object receiver, String name) {}

  /** A record of the context ({@code user}, {@code user.company_id}): its fields by attribute. */
  private record RecordProxy(Map<String, Object> fields) {}

  private final String text;
  private final Context context;
  private final Map<String, Object> names;
  private int pos;

  private DomainExpression(String text, Context context) {
    this(text, context, Map.of());
  }

  private DomainExpression(String text, Context context, Map<String, Object> names) {
    this.text = text;
    this.context = context;
    this.names = names;
  }

  /**
   * Evaluates any expression of the same small language, with more names (host objects, payloads)
   * besides the domain context's: for {@code base.automation}'s {@code record_getter}.
   */
  public static Object evaluateValue(String text, Context context, Map<String, Object> names) {
    DomainExpression expression = new DomainExpression(text, context, names);
    Object value = expression.expression();
    expression.skipSpace();
    if (expression.pos != text.length()) {
      throw expression.error("unexpected text");
    }
    return value;
  }

  /**
   * The first field of every leaf's path in a domain's text (an {@code any} sub-domain is on
   * another model), whatever the values: the fields of its own model the domain reads. Empty for
   * none; evaluated with a neutral context, so that a failure is the text's own.
   */
  public static java.util.Set<String> ownFields(String text) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (Object item : evaluate(text, Context.of(0, java.time.Instant.EPOCH, x -> 0L)).toWire()) {
      if (item instanceof List<?> leaf && leaf.size() == 3 && leaf.get(0) instanceof String path) {
        out.add(path.split("\\.")[0]);
      }
    }
    return out;
  }

  /**
   * The domain a text stands for: parsed directly when it is a literal, evaluated in the context
   * otherwise.
   */
  public static Domain evaluate(String text, Context context) {
    try {
      return Domain.parse(text);
    } catch (DomainException notLiteral) {
      DomainExpression expression = new DomainExpression(text, context);
      Object value = expression.expression();
      expression.skipSpace();
      if (expression.pos != text.length()) {
        throw expression.error("unexpected text");
      }
      if (!(value instanceof List<?> list)) {
        throw new DomainException(
            "a domain evaluates to a list, " + text + " gave " + PyLiteral.repr(value));
      }
      return Domain.of(list);
    }
  }

  // ------------------------------------------------------------------ parsing and evaluation

  private Object expression() {
    Object value = or();
    skipSpace();
    if (keyword("if")) {
      Object condition = or();
      if (!keyword("else")) {
        throw error("'else' expected");
      }
      Object otherwise = expression();
      return truthy(condition) ? value : otherwise;
    }
    return value;
  }

  private Object or() {
    Object value = and();
    while (keyword("or")) {
      Object right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  }

  private Object and() {
    Object value = not();
    while (keyword("and")) {
      Object right = not();
      value = truthy(value) ? right : value;
    }
    return value;
  }

  private Object not() {
    if (keyword("not")) {
      return !truthy(not());
    }
    return comparison();
  }

  private Object comparison() {
    Object left = sum();
    while (true) {
      skipSpace();
      String op = null;
      for (String candidate : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
        if (text.startsWith(candidate, pos)) {
          op = candidate;
          break;
        }
      }
      if (op != null) {
        pos += op.length();
        Object right = sum();
        left = compare(left, op, right);
        continue;
      }
      if (keyword("in")) {
        left = contains(sum(), left);
        continue;
      }
      int mark = pos;
      if (keyword("not") && keyword("in")) {
        left = !contains(sum(), left);
        continue;
      }
      pos = mark;
      return left;
    }
  }

  private Object sum() {
    Object value = product();
    while (true) {
      skipSpace();
      if (peek('+')) {
        pos++;
        value = add(value, product(), 1);
      } else if (peek('-')) {
        pos++;
        value = add(value, product(), -1);
      } else {
        return value;
      }
    }
  }

  private Object product() {
    Object value = unary();
    while (true) {
      skipSpace();
      if (text.startsWith("//", pos)) {
        pos += 2;
        value = (long) Math.floor(number(value) / number(unary()));
      } else if (peek('*')) {
        pos++;
        value = arithmetic(value, unary(), '*');
      } else if (peek('/')) {
        pos++;
        value = number(value) / number(unary());
      } else if (peek('%')) {
        pos++;
        Object right = unary();
        value = value instanceof String s ? format(s, right) : arithmetic(value, right, '%');
      } else {
        return value;
      }
    }
  }

  private Object unary() {
    skipSpace();
    if (peek('-')) {
      pos++;
      Object value = unary();
      return value instanceof Long l ? (Object) (-l) : (Object) (-number(value));
    }
    if (peek('+')) {
      pos++;
      return unary();
    }
    return postfix(atom());
  }

  private Object postfix(Object value) {
    while (true) {
      skipSpace();
      if (peek('.')) {
        pos++;
        value = attribute(value, identifier());
      } else if (peek('(')) {
        pos++;
        value = call(value);
      } else if (peek('[')) {
        pos++;
        Object index = expression();
        expect(']');
        value = subscript(value, index);
      } else {
        return value;
      }
    }
  }

  private Object atom() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("a value was expected");
    }
    char c = text.charAt(pos);
    if (c == '(' || c == '[') {
      char close = c == '(' ? ')' : ']';
      pos++;
      List<Object> items = new ArrayList<>();
      boolean tuple = c == '[';
      skipSpace();
      while (!peek(close)) {
        items.add(expression());
        skipSpace();
        if (peek(',')) {
          pos++;
          tuple = true;
          skipSpace();
        } else if (!peek(close)) {
          throw error("',' or '" + close + "' expected");
        }
      }
      pos++;
      return tuple || items.isEmpty() ? items : items.get(0);
    }
    if (c == '{') {
      pos++;
      Map<String, Object> map = new LinkedHashMap<>();
      skipSpace();
      while (!peek('}')) {
        Object key = expression();
        expect(':');
        map.put(String.valueOf(key), expression());
        skipSpace();
        if (peek(',')) {
          pos++;
          skipSpace();
        }
      }
      pos++;
      return map;
    }
    if (c == '\''
        || c == '"'
        || Character.isDigit(c)
        || c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1))) {
      return literal();
    }
    String name = identifier();
    switch (name) {
      case "True":
        return Boolean.TRUE;
      case "False":
        return Boolean.FALSE;
      case "None":
        return null;
      case "uid":
        return context.uid();
      case "user":
        return new RecordProxy(context.user());
      case "context":
        return context.context();
      case "datetime":
      case "date":
      case "time":
      case "timedelta":
      case "relativedelta":
      case "context_today":
      case "ref":
      case "int":
      case "str":
      case "float":
      case "bool":
      case "len":
        return new Namespace(name);
      default:
        if (names.containsKey(name)) {
          return names.get(name);
        }
        throw error("name '" + name + "' is not defined");
    }
  }

  /** A string or number literal, with Python's implicit concatenation of adjacent strings. */
  private Object literal() {
    int start = pos;
    char c = text.charAt(pos);
    if (c == '\'' || c == '"') {
      StringBuilder joined = new StringBuilder();
      while (pos < text.length() && (peek('\'') || peek('"'))) {
        int end = stringEnd(pos);
        joined.append((String) PyLiteral.parse(text.substring(pos, end)));
        pos = end;
        skipSpace();
      }
      return joined.toString();
    }
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos))
            || text.charAt(pos) == '.'
            || text.charAt(pos) == '_'
            || (text.charAt(pos) == '-' || text.charAt(pos) == '+')
                && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E'))) {
      pos++;
    }
    return PyLiteral.parse(text.substring(start, pos));
  }

  private int stringEnd(int start) {
    char quote = text.charAt(start);
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      }
    }
    throw error("unterminated string");
  }

  // ------------------------------------------------------------------ the context's objects

  private Object attribute(Object value, String name) {
    if (name.startsWith("_")) {
      throw error("attribute '" + name + "' is not accessible");
    }
    if (value instanceof Namespace ns) {
      switch (ns.name() + "." + name) {
        case "datetime.datetime":
        case "datetime.date":
        case "datetime.time":
        case "datetime.timedelta":
          return new Namespace(name);
        default:
          return new Method(value, name);
      }
    }
    if (value instanceof Host host) {
      return host.isMethod(name) ? new Method(value, name) : host.attribute(name);
    }
    if (value instanceof RecordProxy record) {
      if (name.equals("id")) {
        return record.fields().get("id");
      }
      if (!record.fields().containsKey(name)) {
        throw error("the user record has no field '" + name + "' at hand");
      }
      Object field = record.fields().get(name);
      if (field instanceof List<?> pair
          && pair.size() == 2
          && pair.get(0) instanceof Long id
          && pair.get(1) instanceof String) {
        Map<String, Object> related = new LinkedHashMap<>();
        related.put("id", id);
        related.put("display_name", pair.get(1));
        return new RecordProxy(related);
      }
      return Boolean.FALSE.equals(field) ? Boolean.FALSE : field;
    }
    if (value instanceof Map<?, ?>
        || value instanceof LocalDate
        || value instanceof LocalDateTime
        || value instanceof LocalTime
        || value instanceof String) {
      return new Method(value, name);
    }
    throw error("'" + typeName(value) + "' has no attribute '" + name + "'");
  }

  private Object call(Object callee) {
    List<Object> args = new ArrayList<>();
    Map<String, Object> kwargs = new LinkedHashMap<>();
    skipSpace();
    while (!peek(')')) {
      int mark = pos;
      String keyword = Character.isLetter(text.charAt(pos)) ? identifier() : null;
      skipSpace();
      if (keyword != null && peek('=') && !text.startsWith("==", pos)) {
        pos++;
        kwargs.put(keyword, expression());
      } else {
        pos = mark;
        args.add(expression());
      }
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
      } else if (!peek(')')) {
        throw error("',' or ')' expected");
      }
    }
    pos++;
    return invoke(callee, args, kwargs);
  }

  private Object invoke(Object callee, List<Object> args, Map<String, Object> kwargs) {
    if (callee instanceof Namespace ns) {
      switch (ns.name()) {
        case "context_today":
          return context.today();
        case "int":
          Object n = args.get(0);
          if (n instanceof String text) {
            try {
              return Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
              throw new DomainException(
                  "ValueError: invalid literal for int() with base 10: " + PyLiteral.repr(text));
            }
          }
          if (n instanceof Number number) {
            return number.longValue();
          }
          if (n instanceof Boolean b) {
            return b ? 1L : 0L;
          }
          throw new DomainException(
              "TypeError: int() argument must be a string or a number, not '" + typeName(n) + "'");
        case "str":
          return args.get(0) instanceof String text ? text : PyLiteral.repr(args.get(0));
        case "float":
          return args.get(0) instanceof Number number
              ? number.doubleValue()
              : Double.parseDouble(String.valueOf(args.get(0)).trim());
        case "bool":
          return truthy(args.get(0));
        case "len":
          if (args.get(0) instanceof java.util.Collection<?> items) {
            return (long) items.size();
          }
          if (args.get(0) instanceof Map<?, ?> map) {
            return (long) map.size();
          }
          if (args.get(0) instanceof String text) {
            return (long) text.length();
          }
          throw new DomainException(
              "TypeError: object of type '" + typeName(args.get(0)) + "' has no len()");
        case "ref":
          String xmlId = (String) args.get(0);
          Long id = context.ref().apply(xmlId);
          if (id == null) {
            throw new DomainException("External ID not found in the system: " + xmlId);
          }
          return id;
        case "datetime":
          return LocalDateTime.of(
              integer(arg(args, kwargs, 0, "year", null)),
                  integer(arg(args, kwargs, 1, "month", null)),
              integer(arg(args, kwargs, 2, "day", null)), integer(arg(args, kwargs, 3, "hour", 0L)),
              integer(arg(args, kwargs, 4, "minute", 0L)),
                  integer(arg(args, kwargs, 5, "second", 0L)));
        case "date":
          return LocalDate.of(
              integer(arg(args, kwargs, 0, "year", null)),
              integer(arg(args, kwargs, 1, "month", null)),
              integer(arg(args, kwargs, 2, "day", null)));
        case "time":
          return LocalTime.of(
              integer(arg(args, kwargs, 0, "hour", 0L)),
              integer(arg(args, kwargs, 1, "minute", 0L)),
              integer(arg(args, kwargs, 2, "second", 0L)));
        case "timedelta":
          double seconds =
              number(kwargs.getOrDefault("weeks", 0L)) * 604800
                  + number(arg(args, kwargs, 0, "days", 0L)) * 86400
                  + number(arg(args, kwargs, 1, "seconds", 0L))
                  + number(kwargs.getOrDefault("minutes", 0L)) * 60
                  + number(kwargs.getOrDefault("hours", 0L)) * 3600;
          return new TimeDelta(Duration.ofNanos(Math.round(seconds * 1e9)));
        case "relativedelta":
          return new RelativeDelta(
              integer(kwargs.getOrDefault("years", 0L)),
              integer(kwargs.getOrDefault("months", 0L)),
              integer(kwargs.getOrDefault("days", 0L))
                  + 7L * integer(kwargs.getOrDefault("weeks", 0L)),
              integer(kwargs.getOrDefault("hours", 0L)),
              integer(kwargs.getOrDefault("minutes", 0L)),
              integer(kwargs.getOrDefault("seconds", 0L)),
              kwargs.containsKey("year") ? integer(kwargs.get("year")) : null,
              kwargs.containsKey("month") ? integer(kwargs.get("month")) : null,
              kwargs.containsKey("day") ? integer(kwargs.get("day")) : null);
        default:
          throw error("'" + ns.name() + "' is not callable");
      }
    }
    if (callee instanceof Method m) {
      if (m.receiver() instanceof Host host) {
        return host.call(m.name(), args, kwargs);
      }
      return method(m.receiver(), m.name(), args);
    }
    throw error("'" + typeName(callee) + "' is not callable");
  }

  private Object method(Object receiver, String name, List<Object> args) {
    if (receiver instanceof Namespace ns) {
      switch (ns.name() + "." + name) {
        case "datetime.now":
        case "datetime.utcnow":
          return context.now();
        case "datetime.today":
          return context.today().atStartOfDay();
        case "date.today":
          return context.today();
        case "datetime.combine":
          return LocalDateTime.of((LocalDate) args.get(0), (LocalTime) args.get(1));
        case "time.strftime":
          return strftime(context.now(), (String) args.get(0));
        default:
          throw error("'" + ns.name() + "." + name + "' is not available");
      }
    }
    if (receiver instanceof Map<?, ?> map && name.equals("get")) {
      return map.containsKey(args.get(0))
          ? map.get(args.get(0))
          : args.size() > 1 ? args.get(1) : null;
    }
    if (name.equals("strftime")
        && (receiver instanceof LocalDate || receiver instanceof LocalDateTime)) {
      LocalDateTime at =
          receiver instanceof LocalDate d ? d.atStartOfDay() : (LocalDateTime) receiver;
      return strftime(at, (String) args.get(0));
    }
    if (receiver instanceof LocalDateTime dt) {
      switch (name) {
        case "date":
          return dt.toLocalDate();
        case "isoformat":
          return dt.toString();
        default:
          break;
      }
    }
    if (receiver instanceof LocalDate d && name.equals("isoformat")) {
      return d.toString();
    }
    if (receiver instanceof String s) {
      switch (name) {
        case "lower":
          return s.toLowerCase(Locale.ROOT);
        case "upper":
          return s.toUpperCase(Locale.ROOT);
        case "strip":
          return s.strip();
        default:
          break;
      }
    }
    throw error("'" + typeName(receiver) + "." + name + "' is not available");
  }

  private Object subscript(Object value, Object index) {
    if (value instanceof Host host) {
      return host.item(index);
    }
    if (value instanceof List<?> list) {
      int i = integer(index);
      return list.get(i < 0 ? list.size() + i : i);
    }
    if (value instanceof Map<?, ?> map) {
      if (!map.containsKey(String.valueOf(index))) {
        throw error("KeyError: " + PyLiteral.repr(index));
      }
      return map.get(String.valueOf(index));
    }
    throw error("'" + typeName(value) + "' is not subscriptable");
  }

  // ------------------------------------------------------------------ arithmetic

  private Object add(Object left, Object right, int sign) {
    if (left instanceof String a && right instanceof String b && sign > 0) {
      return a + b;
    }
    if (left instanceof List<?> a && right instanceof List<?> b && sign > 0) {
      List<Object> joined = new ArrayList<>(a);
      joined.addAll(b);
      return joined;
    }
    if (right instanceof TimeDelta delta
        && (left instanceof LocalDate || left instanceof LocalDateTime)) {
      Duration d = sign > 0 ? delta.duration() : delta.duration().negated();
      return left instanceof LocalDate date
          ? date.plusDays(d.toDays())
          : ((LocalDateTime) left).plus(d);
    }
    if (right instanceof RelativeDelta delta
        && (left instanceof LocalDate || left instanceof LocalDateTime)) {
      return shift(left, delta, sign);
    }
    if (left instanceof LocalDate a && right instanceof LocalDate b && sign < 0) {
      return new TimeDelta(Duration.ofDays(ChronoUnit.DAYS.between(b, a)));
    }
    if (left instanceof LocalDateTime a && right instanceof LocalDateTime b && sign < 0) {
      return new TimeDelta(Duration.between(b, a));
    }
    return arithmetic(left, right, sign > 0 ? '+' : '-');
  }

  /**
   * dateutil's relativedelta: absolute fields first, then years and months (clamping the day), then
   * the rest.
   */
  private static Object shift(Object value, RelativeDelta delta, int sign) {
    LocalDateTime at = value instanceof LocalDate d ? d.atStartOfDay() : (LocalDateTime) value;
    if (delta.year() != null) {
      at = at.withYear(delta.year());
    }
    if (delta.month() != null) {
      at = at.withMonth(delta.month());
    }
    if (delta.day() != null) {
      at = at.withDayOfMonth(Math.min(delta.day(), at.toLocalDate().lengthOfMonth()));
    }
    at = at.plusMonths(sign * (delta.years() * 12 + delta.months()));
    at =
        at.plusDays(sign * delta.days())
            .plusHours(sign * delta.hours())
            .plusMinutes(sign * delta.minutes())
            .plusSeconds(sign * delta.seconds());
    return value instanceof LocalDate ? at.toLocalDate() : at;
  }

  private Object arithmetic(Object left, Object right, char op) {
    if (left instanceof Long a && right instanceof Long b) {
      switch (op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        default:
          return Math.floorMod(a, b);
      }
    }
    double a = number(left);
    double b = number(right);
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      default:
        return a - Math.floor(a / b) * b;
    }
  }

  @SuppressWarnings("unchecked")
  private Object compare(Object left, String op, Object right) {
    int c;
    if (left instanceof Number a && right instanceof Number b) {
      c = Double.compare(a.doubleValue(), b.doubleValue());
    } else if (op.equals("==") || op.equals("!=")) {
      return op.equals("==") == Objects.equals(left, right);
    } else if (left instanceof Comparable
        && left.getClass() == Objects.requireNonNull(right).getClass()) {
      c = ((Comparable<Object>) left).compareTo(right);
    } else {
      throw error("cannot compare " + typeName(left) + " with " + typeName(right));
    }
    switch (op) {
      case "==":
        return c == 0;
      case "!=":
        return c != 0;
      case "<":
        return c < 0;
      case "<=":
        return c <= 0;
      case ">":
        return c > 0;
      default:
        return c >= 0;
    }
  }

  private boolean contains(Object container, Object item) {
    if (container instanceof List<?> list) {
      return list.contains(item);
    }
    if (container instanceof Map<?, ?> map) {
      return map.containsKey(String.valueOf(item));
    }
    if (container instanceof String s) {
      return s.contains(String.valueOf(item));
    }
    throw error("argument of type '" + typeName(container) + "' is not iterable");
  }

  /** Python's {@code strftime} for the directives Odoo uses. */
  static String strftime(LocalDateTime at, String format) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 == format.length()) {
        out.append(c);
        continue;
      }
      char d = format.charAt(++i);
      switch (d) {
        case 'Y' -> out.append(String.format("%04d", at.getYear()));
        case 'y' -> out.append(String.format("%02d", at.getYear() % 100));
        case 'm' -> out.append(String.format("%02d", at.getMonthValue()));
        case 'd' -> out.append(String.format("%02d", at.getDayOfMonth()));
        case 'H' -> out.append(String.format("%02d", at.getHour()));
        case 'I' ->
            out.append(String.format("%02d", at.getHour() % 12 == 0 ? 12 : at.getHour() % 12));
        case 'M' -> out.append(String.format("%02d", at.getMinute()));
        case 'S' -> out.append(String.format("%02d", at.getSecond()));
        case 'j' -> out.append(String.format("%03d", at.getDayOfYear()));
        case 'p' -> out.append(at.getHour() < 12 ? "AM" : "PM");
        case 'b' -> out.append(at.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'B' -> out.append(at.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'a' -> out.append(at.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case 'A' -> out.append(at.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case 'w' ->
            out.append(at.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : at.getDayOfWeek().getValue());
        case '%' -> out.append('%');
        default -> throw new DomainException("strftime directive %" + d + " is not supported");
      }
    }
    return out.toString();
  }

  /** Python's {@code %} string formatting with {@code %s} and {@code %d}. */
  private Object format(String template, Object values) {
    List<?> items = values instanceof List<?> list ? list : List.of(values);
    StringBuilder out = new StringBuilder();
    int next = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '%' && i + 1 < template.length()) {
        char d = template.charAt(++i);
        if (d == '%') {
          out.append('%');
        } else if (d == 's' || d == 'd') {
          Object item = items.get(next++);
          out.append(
              item instanceof String s
                  ? s
                  : PyLiteral.repr(d == 'd' ? (Object) (long) number(item) : item));
        } else {
          throw error("format %" + d + " is not supported");
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ helpers

  private static Object arg(
      List<Object> args, Map<String, Object> kwargs, int index, String name, Object absent) {
    if (index < args.size()) {
      return args.get(index);
    }
    if (kwargs.containsKey(name)) {
      return kwargs.get(name);
    }
    if (absent == null) {
      throw new DomainException("missing argument '" + name + "'");
    }
    return absent;
  }

  private int integer(Object value) {
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.intValue();
    }
    throw error("an integer was expected, got " + PyLiteral.repr(value));
  }

  private double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw error("a number was expected, got " + typeName(value));
  }

  private static boolean truthy(Object value) {
    return DomainEngine.truthy(value) && !(value instanceof Map<?, ?> m && m.isEmpty());
  }

  private static String typeName(Object value) {
    if (value == null) {
      return "NoneType";
    }
    if (value instanceof Namespace ns) {
      return ns.name();
    }
    if (value instanceof RecordProxy) {
      return "res.users";
    }
    return value.getClass().getSimpleName();
  }

  private String identifier() {
    skipSpace();
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos) {
      throw error("a name was expected");
    }
    return text.substring(start, pos);
  }

  private boolean keyword(String word) {
    skipSpace();
    if (text.startsWith(word, pos)
        && (pos + word.length() == text.length()
            || !Character.isLetterOrDigit(text.charAt(pos + word.length()))
                && text.charAt(pos + word.length()) != '_')) {
      pos += word.length();
      return true;
    }
    return false;
  }

  private void expect(char c) {
    skipSpace();
    if (!peek(c)) {
      throw error("'" + c + "' expected");
    }
    pos++;
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private DomainException error(String problem) {
    return new DomainException(
        "cannot evaluate domain at character " + pos + ": " + problem + " in " + text);
  }
}
