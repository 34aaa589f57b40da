package io.odoosidecar.action;

import io.odoosidecar.domain.PyLiteral;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Odoo's "update the record" action ({@code object_write}). The value is computed once, as Odoo's
 * {@code _eval_value} does, and written on every record with one {@code write}; a dotted {@code
 * update_path} reads the relation once per hop and writes on the related records. A Python
 * expression is evaluated per record, with one write per distinct value. The extension {@code
 * values: {field: value, ...}} writes several fields in one call.
 */
final class ObjectWriteAction implements ActionExecutor {
  @Override
  public String run(ActionContext context, ActionTarget target) {
    Map<String, Object> action = target.action();
    if (action.get("values") instanceof Map<?, ?> several && !action.containsKey("update_path")) {
      return several(context, target, several);
    }
    String path = String.valueOf(action.getOrDefault("update_path", action.get("update_field_id")));
    String[] hops = path.split("\\.");
    String model = target.model();
    List<Long> ids = target.ids();
    for (int i = 0; i < hops.length - 1; i++) {
      FieldInfo hop = context.field(model, hops[i]);
      ids = i == 0 ? first(context, model, ids, hop) : follow(context.client(), model, ids, hop);
      model = hop.relatedModel().orElseThrow();
      if (ids.isEmpty()) {
        return "no " + model + " to update through " + path;
      }
    }
    FieldInfo field = context.field(model, hops[hops.length - 1]);
    if (hops.length == 1 && isExpression(action)) {
      return expression(context, target, field);
    }
    context
        .client()
        .write(model, ids, Map.of(field.name(), FieldValues.of(context, target, field)));
    return "wrote " + field.name() + " on " + ids.size() + " " + model;
  }

  /** The extension: several fields in one action, one write. */
  private static String several(ActionContext context, ActionTarget target, Map<?, ?> several) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : several.entrySet()) {
      FieldInfo field = context.field(target.model(), String.valueOf(e.getKey()));
      Map<String, Object> one = new LinkedHashMap<>(target.action());
      one.remove("values");
      one.put("value", e.getValue());
      values.put(
          field.name(), FieldValues.of(context, target.withAction(target.index(), one), field));
    }
    context.client().write(target.model(), target.ids(), values);
    return "wrote " + values.keySet() + " on " + target.ids().size() + " " + target.model();
  }

  /**
   * The records the first hop reaches: for deleted records from the values their deletion left (the
   * record is gone, the related one may not be), else read.
   */
  private static List<Long> first(
      ActionContext context, String model, List<Long> ids, FieldInfo hop) {
    Map<Long, Map<String, Object>> gone = context.deleted(model, ids);
    if (gone.size() < ids.size()
        || !gone.values().stream().allMatch(row -> row.containsKey(hop.name()))) {
      return follow(context.client(), model, ids, hop);
    }
    Set<Long> next = new LinkedHashSet<>();
    for (Map<String, Object> row : gone.values()) {
      Object value = row.get(hop.name());
      if (value instanceof Number id) {
        next.add(id.longValue());
      } else if (!ValueCodec.isEmpty(value)) {
        next.addAll(ValueCodec.asIds(value));
      }
    }
    return new ArrayList<>(next);
  }

  /** The records one hop of a dotted path reaches. */
  private static List<Long> follow(OdooClient client, String model, List<Long> ids, FieldInfo hop) {
    Set<Long> next = new LinkedHashSet<>();
    for (OdooRecord record : client.read(model, ids, List.of(hop.name()))) {
      Object value = record.values().get(hop.name());
      if (!ValueCodec.isEmpty(value)) {
        next.addAll(
            hop.type() == FieldType.MANY2ONE
                ? List.of(ValueCodec.asMany2one(value).id())
                : ValueCodec.asIds(value));
      }
    }
    return new ArrayList<>(next);
  }

  /** An equation that is not a plain literal: Python evaluates it per record. */
  private static boolean isExpression(Map<String, Object> action) {
    if (!"equation".equals(action.get("evaluation_type"))) {
      return false;
    }
    try {
      PyLiteral.parse(String.valueOf(action.get("value")));
      return false;
    } catch (RuntimeException notLiteral) {
      return true;
    }
  }

  /** A Python expression, per record: one write per distinct value. */
  private static String expression(ActionContext context, ActionTarget target, FieldInfo field) {
    OdooClient client = context.client();
    String model = target.model();
    List<Long> ids = target.ids();
    Map<Long, Object> values =
        context
            .python()
            .evaluate(
                String.valueOf(target.action().get("value")),
                client,
                client.authenticate(),
                model,
                ids,
                context.known(model, ids));
    Map<String, List<Long>> byValue = new LinkedHashMap<>();
    Map<String, Object> decoded = new LinkedHashMap<>();
    values.forEach(
        (id, v) -> {
          String key = String.valueOf(v);
          byValue.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
          decoded.putIfAbsent(key, v == null ? Boolean.FALSE : v);
        });
    byValue.forEach(
        (key, group) -> client.write(model, group, Map.of(field.name(), decoded.get(key))));
    return "wrote "
        + field.name()
        + " on "
        + ids.size()
        + " "
        + model
        + " ("
        + byValue.size()
        + " values)";
  }
}
