package io.odoosidecar.action;

import io.odoosidecar.domain.PyLiteral;
import io.odoosidecar.odoo.Command;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.ValueCodec;
import java.util.List;
import java.util.Map;

/**
 * The value an update writes, by the field's type, from the action's {@code value} and the keys
 * Odoo's form gives per type ({@code update_m2m_operation}, {@code update_boolean_value}, {@code
 * selection_value}, {@code resource_ref}), as Odoo's {@code _eval_value} computes it.
 */
final class FieldValues {
  private FieldValues() {}

  /** The value of the target's action for this field. */
  static Object of(ActionContext context, ActionTarget target, FieldInfo field) {
    Map<String, Object> action = target.action();
    Object raw = action.get("value");
    if ("equation".equals(action.get("evaluation_type"))) {
      return literal(target, raw);
    }
    return switch (field.type()) {
      case MANY2MANY, ONE2MANY -> relation(context, action, raw, field);
      case BOOLEAN -> flag(action.getOrDefault("update_boolean_value", raw));
      case MANY2ONE ->
          ValueCodec.isEmpty(raw) && !action.containsKey("resource_ref")
              ? Boolean.FALSE
              : context.reference(action.getOrDefault("resource_ref", raw), field);
      case INTEGER -> raw instanceof Number n ? n.longValue() : parseLongOr(raw);
      case FLOAT, MONETARY -> raw instanceof Number n ? n.doubleValue() : parseDoubleOr(raw);
      case SELECTION -> action.getOrDefault("selection_value", raw);
      default -> raw == null ? Boolean.FALSE : raw;
    };
  }

  /** What links a record to a field: its id, or a link command for a to-many field. */
  static Object link(FieldInfo field, long id) {
    return field.type() == FieldType.MANY2MANY || field.type() == FieldType.ONE2MANY
        ? List.of(Command.link(id))
        : id;
  }

  private static Object literal(ActionTarget target, Object raw) {
    try {
      return PyLiteral.parse(String.valueOf(raw));
    } catch (RuntimeException notLiteral) {
      throw new UnsupportedActionException(
          target.where()
              + ": the expression "
              + raw
              + " on the dotted path "
              + target.action().getOrDefault("update_path", "")
              + " is not a literal; expressions are evaluated on the rule's own records only");
    }
  }

  private static Object relation(
      ActionContext context, Map<String, Object> action, Object raw, FieldInfo field) {
    String operation = String.valueOf(action.getOrDefault("update_m2m_operation", "add"));
    if (operation.equals("clear")) {
      return List.of(Command.clear());
    }
    long id = context.reference(action.getOrDefault("resource_ref", raw), field);
    return switch (operation) {
      case "add" -> List.of(Command.link(id));
      case "remove" -> List.of(Command.unlink(id));
      case "set" -> List.of(Command.set(List.of(id)));
      default ->
          throw new IllegalArgumentException("unknown update_m2m_operation '" + operation + "'");
    };
  }

  private static Boolean flag(Object flag) {
    return flag instanceof Boolean b
        ? b
        : List.of("true", "True", "1").contains(String.valueOf(flag));
  }

  private static Object parseLongOr(Object raw) {
    try {
      return Long.parseLong(String.valueOf(raw).trim());
    } catch (NumberFormatException e) {
      return raw;
    }
  }

  private static Object parseDoubleOr(Object raw) {
    try {
      return Double.parseDouble(String.valueOf(raw));
    } catch (NumberFormatException e) {
      return raw;
    }
  }
}
