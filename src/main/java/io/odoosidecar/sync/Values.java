package io.odoosidecar.sync;

import io.odoosidecar.odoo.FieldInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Odoo's wire values as a sync sends them ({@code plain}): dates ISO 8601, datetimes in UTC with
 * {@code Z}, numbers as JSON numbers, a selection as its key, a many2one as its id, an x2many as
 * its ids, Odoo's {@code false} for an empty value as {@code null} (a boolean's false stays false).
 */
final class Values {
  private Values() {}

  /** The JSON value of a field's wire value. */
  static Object plain(FieldInfo info, Object wire) {
    return switch (info.type()) {
      case BOOLEAN -> Boolean.TRUE.equals(wire);
      case MANY2ONE -> ids(wire).isEmpty() ? null : ids(wire).get(0);
      case ONE2MANY, MANY2MANY -> ids(wire);
      case DATETIME -> empty(wire) ? null : datetime(String.valueOf(wire));
      case INTEGER, FLOAT, MONETARY -> wire instanceof Number ? wire : null;
      default -> empty(wire) ? null : wire;
    };
  }

  /** A value along a dotted path through an x2many is a list: each converted. */
  static Object plainEach(FieldInfo info, Object wire, boolean list) {
    if (!list || !(wire instanceof List<?> values)) {
      return plain(info, wire);
    }
    List<Object> out = new ArrayList<>();
    values.forEach(v -> out.add(plain(info, v)));
    return out;
  }

  /** Odoo's {@code 2026-12-01 10:15:00} (UTC) as {@code 2026-12-01T10:15:00Z}. */
  static String datetime(String odoo) {
    String text = odoo.trim().replace(' ', 'T');
    return text.endsWith("Z") ? text : text + "Z";
  }

  /** Whether Odoo says "no value": false, null or an empty text. */
  static boolean empty(Object wire) {
    return wire == null || Boolean.FALSE.equals(wire) || "".equals(wire);
  }

  /** The ids a relational wire value names: {@code [id, name]}, an id, a list of ids, false. */
  static List<Long> ids(Object wire) {
    List<Long> out = new ArrayList<>();
    if (wire instanceof Number n) {
      out.add(n.longValue());
    } else if (wire instanceof List<?> list
        && list.size() == 2
        && list.get(0) instanceof Number n
        && list.get(1) instanceof String) {
      out.add(n.longValue());
    } else if (wire instanceof List<?> list) {
      list.stream()
          .filter(Number.class::isInstance)
          .forEach(v -> out.add(((Number) v).longValue()));
    }
    return out;
  }

  /** A row in the form {@code read(load='')} answers (a many2one as its id), for Python. */
  static Object loadless(Object wire) {
    if (wire instanceof List<?> list
        && list.size() == 2
        && list.get(0) instanceof Number n
        && list.get(1) instanceof String) {
      return n.longValue();
    }
    return wire;
  }
}
