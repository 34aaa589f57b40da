package io.odoosidecar.odoo;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns Odoo's wire values into Java types and back, with no loss.
 *
 * <p>The <em>wire</em> form is what every transport decodes to and encodes from: {@code null},
 * {@link Boolean}, {@link Long} (every integer), {@link Double} (every float), {@link String},
 * {@code byte[]} (XML-RPC base64), {@link List} and {@link Map} with string keys. The Java form
 * adds {@link LocalDate}, {@link Instant} (UTC datetimes), {@link BigDecimal} (monetary), {@link
 * Many2one}, {@link Reference} and {@link Command}.
 *
 * <p>Implementation notes: Odoo sends {@code false} for every empty non-boolean value; decoding
 * with the field's type turns that into {@code null} (or an empty list for x2many fields), and
 * encoding {@code null} sends {@code None}/nil, which Odoo accepts in values it writes. Dates are
 * {@code YYYY-MM-DD}, datetimes {@code YYYY-MM-DD HH:MM:SS} in UTC; sub-second parts are dropped on
 * the way out, as Odoo stores none.
 */
public final class ValueCodec {
  /** Odoo's date format. */
  public static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd");

  /** Odoo's datetime format (UTC). */
  public static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  private ValueCodec() {}

  // ---------------------------------------------------------------- Java -> wire

  /** Encodes a Java value into its wire form. */
  public static Object encode(Object value) {
    if (value == null || value instanceof Boolean || value instanceof String) {
      return value;
    }
    if (value instanceof Long || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float || value instanceof BigDecimal) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof java.math.BigInteger big) {
      return big.longValueExact();
    }
    if (value instanceof LocalDate date) {
      return DATE.format(date);
    }
    if (value instanceof Instant instant) {
      return formatDateTime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
    if (value instanceof LocalDateTime dateTime) {
      return formatDateTime(dateTime);
    }
    if (value instanceof OffsetDateTime dateTime) {
      return encode(dateTime.toInstant());
    }
    if (value instanceof ZonedDateTime dateTime) {
      return encode(dateTime.toInstant());
    }
    if (value instanceof Many2one m2o) {
      return m2o.id();
    }
    if (value instanceof Reference ref) {
      return ref.toWire();
    }
    if (value instanceof Command command) {
      return command.toWire();
    }
    if (value instanceof Optional<?> optional) {
      return optional.isPresent() ? encode(optional.get()) : Boolean.FALSE;
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), encode(v)));
      return out;
    }
    if (value instanceof Collection<?> collection) {
      List<Object> out = new ArrayList<>(collection.size());
      collection.forEach(v -> out.add(encode(v)));
      return out;
    }
    if (value instanceof Object[] array) {
      return encode(List.of(array));
    }
    if (value instanceof Enum<?> e) {
      return e.name();
    }
    throw new IllegalArgumentException(
        "cannot send a " + value.getClass().getName() + " to Odoo: " + value);
  }

  private static String formatDateTime(LocalDateTime dateTime) {
    return DATETIME.format(dateTime.truncatedTo(ChronoUnit.SECONDS));
  }

  // ---------------------------------------------------------------- wire -> Java

  /**
   * Decodes a wire value of a field of the given type: {@code false} becomes {@code null} for
   * non-boolean fields and an empty list for x2many fields.
   */
  public static Object decode(FieldType type, Object wire) {
    switch (type) {
      case BOOLEAN:
        return wire instanceof Boolean b ? b : wire != null && !Boolean.FALSE.equals(wire);
      case INTEGER:
        return isEmpty(wire) ? null : asLong(wire);
      case FLOAT:
        return isEmpty(wire) ? null : ((Number) wire).doubleValue();
      case MONETARY:
        return isEmpty(wire) ? null : asDecimal(wire);
      case DATE:
        return isEmpty(wire) ? null : parseDate(String.valueOf(wire));
      case DATETIME:
        return isEmpty(wire) ? null : parseDateTime(String.valueOf(wire));
      case MANY2ONE:
        return asMany2one(wire);
      case ONE2MANY:
      case MANY2MANY:
        return asIds(wire);
      case REFERENCE:
        return isEmpty(wire) ? null : Reference.parse(String.valueOf(wire));
      case CHAR:
      case TEXT:
      case HTML:
      case SELECTION:
        return isEmpty(wire) ? null : String.valueOf(wire);
      case MANY2ONE_REFERENCE:
        return isEmpty(wire) ? null : asLong(wire);
      default:
        return Boolean.FALSE.equals(wire) ? null : wire;
    }
  }

  /** Decodes every field of a record read from Odoo with the model's field metadata. */
  public static Map<String, Object> decodeRecord(
      Map<String, FieldInfo> fields, Map<String, Object> wire) {
    Map<String, Object> out = new LinkedHashMap<>();
    wire.forEach(
        (name, value) -> {
          FieldInfo info = fields.get(name);
          FieldType type =
              "id".equals(name) ? FieldType.INTEGER : info == null ? null : info.type();
          out.put(name, type == null ? value : decode(type, value));
        });
    return Collections.unmodifiableMap(out);
  }

  /** Whether a wire value is Odoo's empty value ({@code false} or nil). */
  public static boolean isEmpty(Object wire) {
    return wire == null || Boolean.FALSE.equals(wire);
  }

  /** Parses an Odoo date, {@code YYYY-MM-DD}. */
  public static LocalDate parseDate(String wire) {
    try {
      return LocalDate.parse(wire, DATE);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an Odoo date (YYYY-MM-DD): '" + wire + "'", e);
    }
  }

  /** Parses an Odoo datetime, {@code YYYY-MM-DD HH:MM:SS} in UTC; a date alone means midnight. */
  public static Instant parseDateTime(String wire) {
    try {
      if (wire.length() == 10) {
        return LocalDate.parse(wire, DATE).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      String seconds = wire.length() > 19 ? wire.substring(0, 19) : wire;
      return LocalDateTime.parse(seconds.replace('T', ' '), DATETIME).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "not an Odoo datetime (YYYY-MM-DD HH:MM:SS): '" + wire + "'", e);
    }
  }

  /** A many2one from {@code [id, name]}, a bare id, or {@code false} (null). */
  public static Many2one asMany2one(Object wire) {
    if (isEmpty(wire)) {
      return null;
    }
    if (wire instanceof List<?> pair && !pair.isEmpty()) {
      Object name = pair.size() > 1 ? pair.get(1) : "";
      return new Many2one(asLong(pair.get(0)), name instanceof String s ? s : "");
    }
    if (wire instanceof Number n) {
      return Many2one.of(n.longValue());
    }
    if (wire instanceof Map<?, ?> map && map.get("id") instanceof Number n) {
      Object name = map.get("display_name");
      return new Many2one(n.longValue(), name instanceof String s ? s : "");
    }
    throw new IllegalArgumentException("not a many2one value: " + wire);
  }

  /** The ids of an x2many value (a list of ids; {@code false} is empty). */
  public static List<Long> asIds(Object wire) {
    if (isEmpty(wire)) {
      return List.of();
    }
    if (wire instanceof Collection<?> collection) {
      List<Long> ids = new ArrayList<>(collection.size());
      for (Object id : collection) {
        ids.add(asLong(id));
      }
      return Collections.unmodifiableList(ids);
    }
    if (wire instanceof Number n) {
      return List.of(n.longValue());
    }
    throw new IllegalArgumentException("not a list of ids: " + wire);
  }

  /** An integer wire value. */
  public static long asLong(Object wire) {
    if (wire instanceof Long || wire instanceof Integer || wire instanceof Short) {
      return ((Number) wire).longValue();
    }
    if (wire instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new IllegalArgumentException("not an integer: " + wire);
  }

  /** A monetary value: the decimal the wire double stands for, without binary noise. */
  public static BigDecimal asDecimal(Object wire) {
    if (wire instanceof Double || wire instanceof Float) {
      return BigDecimal.valueOf(((Number) wire).doubleValue());
    }
    if (wire instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    if (wire instanceof String s) {
      return new BigDecimal(s);
    }
    throw new IllegalArgumentException("not a number: " + wire);
  }

  /** A map wire value (a struct), or an empty map for {@code false}. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> asMap(Object wire) {
    if (isEmpty(wire)) {
      return Map.of();
    }
    if (wire instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("not a struct: " + wire);
  }

  /** A list wire value, or an empty list for {@code false}. */
  public static List<Object> asList(Object wire) {
    if (isEmpty(wire)) {
      return List.of();
    }
    if (wire instanceof List<?> list) {
      return Collections.unmodifiableList(list);
    }
    throw new IllegalArgumentException("not a list: " + wire);
  }

  /** An unmodifiable copy that keeps the order and allows null values. */
  public static Map<String, Object> copyMap(Map<String, ?> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
