package io.odoosidecar.action;

import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Odoo's "create a record" action ({@code object_create}): Odoo's {@code name_create(value)} made
 * idempotent. Every record's creation goes through {@code load} with an external id derived from
 * its event, rule and action ({@code sidecar_idem.e42_r1a2b3c4d_a0}), so a retry after an ambiguous
 * failure or a crash finds the record made the first time instead of making a second; all creates
 * of a batch share one {@code load}. A {@code link_field_id} links each record to what was made for
 * it.
 */
final class ObjectCreateAction implements ActionExecutor {
  @Override
  public String run(ActionContext context, ActionTarget target) {
    Map<String, Object> action = target.action();
    String model = modelName(action.get("crud_model_id"));
    if (!context.client().fieldsGet(model).containsKey("name")) {
      throw new IllegalArgumentException(
          "object_create on " + model + ": the model has no 'name' field to create by");
    }
    List<Long> ids = new ArrayList<>(target.ids());
    ids.sort(Comparator.naturalOrder());
    List<Long> created = load(context.client(), target, model, ids);
    Object link = action.get("link_field_id");
    if (link != null && !ValueCodec.isEmpty(link)) {
      link(context, target, context.field(target.model(), String.valueOf(link)), ids, created);
    }
    return "created " + created.size() + " " + model;
  }

  private static List<Long> load(
      OdooClient client, ActionTarget target, String model, List<Long> ids) {
    String name = String.valueOf(target.action().getOrDefault("value", ""));
    List<List<Object>> rows = new ArrayList<>();
    for (Long id : ids) {
      rows.add(List.of(target.externalId(id), name));
    }
    Map<String, Object> result =
        ValueCodec.asMap(
            client.executeKw(model, "load", List.of(List.of("id", "name"), rows), Map.of()));
    List<Object> messages = ValueCodec.asList(result.getOrDefault("messages", List.of()));
    Object created = result.get("ids");
    if (!messages.isEmpty() || !(created instanceof List<?>)) {
      throw new SidecarException("object_create on " + model + ": Odoo refused: " + messages);
    }
    return ValueCodec.asIds(created);
  }

  /** Writes the made record on the record it was made for, one write per made record. */
  private static void link(
      ActionContext context,
      ActionTarget target,
      FieldInfo field,
      List<Long> ids,
      List<Long> created) {
    Map<Long, List<Long>> byCreated = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      byCreated.computeIfAbsent(created.get(i), k -> new ArrayList<>()).add(ids.get(i));
    }
    byCreated.forEach(
        (made, records) ->
            context
                .client()
                .write(
                    target.model(), records, Map.of(field.name(), FieldValues.link(field, made))));
  }

  private static String modelName(Object raw) {
    if (raw instanceof List<?> pair && pair.size() == 2) {
      return String.valueOf(pair.get(1));
    }
    return String.valueOf(raw);
  }
}
