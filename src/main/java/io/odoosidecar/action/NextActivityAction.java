package io.odoosidecar.action;

import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.ValueCodec;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Odoo's "schedule activity" action ({@code next_activity}): {@code activity_schedule} as the
 * action calls it, with the activity created through {@code load} and an external id per event,
 * rule and action, so that a retry never schedules a second one ({@code activity_schedule} itself
 * answers a recordset, which XML-RPC cannot carry back: the call fails after its commit). Summary,
 * note and user default to the activity type's; the deadline is today (UTC) plus the action's
 * delay, or today.
 */
final class NextActivityAction implements ActionExecutor {
  private static final List<String> COLUMNS =
      List.of(
          "id",
          "res_model_id/.id",
          "res_id",
          "activity_type_id/.id",
          "summary",
          "note",
          "date_deadline",
          "user_id/.id",
          "automated");

  @Override
  public String run(ActionContext context, ActionTarget target) {
    Object typeRaw = target.action().get("activity_type_id");
    if (typeRaw == null || ValueCodec.isEmpty(typeRaw)) {
      return "no activity type";
    }
    OdooClient client = context.client();
    long type = context.recordId(typeRaw, "activity_type_id");
    Map<String, Object> typeValues =
        client
            .read(
                "mail.activity.type",
                List.of(type),
                List.of("summary", "default_note", "default_user_id"))
            .get(0)
            .values();
    long modelId =
        client.search("ir.model", List.of(List.of("model", "=", target.model()))).stream()
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no ir.model for " + target.model()));
    List<List<Object>> rows = rows(context, target, type, typeValues, modelId);
    load(client, rows);
    return "scheduled " + rows.size() + " activities";
  }

  /** One {@code load} row per record, in id order. */
  private static List<List<Object>> rows(
      ActionContext context,
      ActionTarget target,
      long type,
      Map<String, Object> typeValues,
      long modelId) {
    Map<String, Object> action = target.action();
    LocalDate deadline = deadline(action, LocalDate.now(context.clock()));
    String summary = text(action.get("activity_summary"), typeValues.get("summary"));
    String note = text(action.get("activity_note"), typeValues.get("default_note"));
    Map<Long, Long> users = users(context, target);
    Object defaultUser = typeValues.get("default_user_id");
    long fallbackUser =
        ValueCodec.isEmpty(defaultUser)
            ? context.client().authenticate()
            : ValueCodec.asMany2one(defaultUser).id();
    List<Long> ids = new ArrayList<>(target.ids());
    ids.sort(Comparator.naturalOrder());
    List<List<Object>> rows = new ArrayList<>();
    for (Long id : ids) {
      rows.add(
          List.of(
              target.externalId(id),
              Long.toString(modelId),
              Long.toString(id),
              Long.toString(type),
              summary,
              note,
              deadline.toString(),
              Long.toString(users.getOrDefault(id, fallbackUser)),
              "True"));
    }
    return rows;
  }

  /** Today plus the action's delay. */
  private static LocalDate deadline(Map<String, Object> action, LocalDate today) {
    long range = ValueCodec.asLong(action.getOrDefault("activity_date_deadline_range", 0L));
    if (range <= 0) {
      return today;
    }
    String unit = String.valueOf(action.getOrDefault("activity_date_deadline_range_type", "days"));
    return switch (unit) {
      case "weeks" -> today.plusWeeks(range);
      case "months" -> today.plusMonths(range);
      default -> today.plusDays(range);
    };
  }

  private static void load(OdooClient client, List<List<Object>> rows) {
    Map<String, Object> result =
        ValueCodec.asMap(
            client.executeKw("mail.activity", "load", List.of(COLUMNS, rows), Map.of()));
    List<Object> messages = ValueCodec.asList(result.getOrDefault("messages", List.of()));
    if (!messages.isEmpty() || !(result.get("ids") instanceof List<?>)) {
      throw new SidecarException("next_activity: Odoo refused: " + messages);
    }
  }

  /**
   * The responsible user per record: fixed ({@code specific}) or read from a field ({@code
   * generic}).
   */
  private static Map<Long, Long> users(ActionContext context, ActionTarget target) {
    Map<String, Object> action = target.action();
    Map<Long, Long> users = new LinkedHashMap<>();
    String kind = String.valueOf(action.getOrDefault("activity_user_type", "specific"));
    if (kind.equals("generic")) {
      Object field = action.get("activity_user_field_name");
      if (field instanceof String name
          && !name.isBlank()
          && context.client().fieldsGet(target.model()).containsKey(name)) {
        readUsers(context.client(), target, name, users);
      }
    } else {
      Object user = action.get("activity_user_id");
      if (user != null && !ValueCodec.isEmpty(user)) {
        long id = context.recordId(user, "activity_user_id");
        target.ids().forEach(record -> users.put(record, id));
      }
    }
    return users;
  }

  private static void readUsers(
      OdooClient client, ActionTarget target, String field, Map<Long, Long> users) {
    for (OdooRecord record : client.read(target.model(), target.ids(), List.of(field))) {
      Object user = record.values().get(field);
      if (!ValueCodec.isEmpty(user)) {
        users.put(ValueCodec.asLong(record.values().get("id")), ValueCodec.asMany2one(user).id());
      }
    }
  }

  private static String text(Object given, Object fallback) {
    if (given instanceof String s && !s.isEmpty()) {
      return s;
    }
    return fallback instanceof String s ? s : "";
  }
}
