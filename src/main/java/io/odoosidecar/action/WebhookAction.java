package io.odoosidecar.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Odoo's webhook action ({@code webhook}): for each record, a POST of {@code {"_model", "_id",
 * "_action"}} and the chosen fields as {@code read(load=None)} gives them (many2one as an id), as
 * JSON with sorted keys, dates as text. Unlike Odoo's single try of one second, each POST has a
 * time-out, is retried with backoff on a network error or a 408, 425, 429 or 5xx answer (a 3xx is a
 * failure: redirects are not followed), carries an {@code Idempotency-Key} (its event, rule and
 * action) so a receiver can drop repeats, and every attempt is logged ({@link WebhookSender}).
 * Records whose POST finally failed fail the action for them alone. A record the change deleted is
 * posted with the chosen fields its deletion's snapshot holds (Odoo, running the action before the
 * deletion, still read it; here it is gone).
 */
final class WebhookAction implements ActionExecutor {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String run(ActionContext context, ActionTarget target) {
    Map<String, Object> action = target.action();
    String url = String.valueOf(action.get("webhook_url"));
    List<String> fields = new ArrayList<>();
    if (action.get("webhook_field_ids") instanceof List<?> list) {
      list.forEach(f -> fields.add(String.valueOf(f)));
    }
    Map<Long, Map<String, Object>> values = read(context, target, fields);
    String actionName =
        String.valueOf(action.getOrDefault("name", target.rule().name()))
            + "(#"
            + target.index()
            + ")";
    WebhookSender sender = new WebhookSender(context.webhooks(), target.rule().name(), url);
    List<Long> done = new ArrayList<>();
    Map<Long, String> failed = new LinkedHashMap<>();
    for (Long id : target.ids()) {
      if (!fields.isEmpty() && !values.containsKey(id)) {
        continue; // deleted since: Odoo sends nothing for a missing record
      }
      Map<String, Object> body = body(values.getOrDefault(id, Map.of()), target, id, actionName);
      String error = sender.post(id, target.externalId(id), json(body));
      if (error == null) {
        done.add(id);
      } else {
        failed.put(id, error);
      }
    }
    if (!failed.isEmpty()) {
      throw new PartialFailureException(done, failed);
    }
    return "posted " + done.size() + " records to " + url;
  }

  /** A record's body: its fields and what Odoo adds, keys sorted. */
  private static Map<String, Object> body(
      Map<String, Object> fields, ActionTarget target, long id, String actionName) {
    TreeMap<String, Object> body = new TreeMap<>(fields);
    body.put("_model", target.model());
    body.put("_id", id);
    body.put("_action", actionName);
    return body;
  }

  /** The chosen fields of the records, by id, as {@code read(load=None)} gives them. */
  private static Map<Long, Map<String, Object>> read(
      ActionContext context, ActionTarget target, List<String> fields) {
    Map<Long, Map<String, Object>> values = new LinkedHashMap<>();
    if (fields.isEmpty()) {
      return values;
    }
    List<Long> present = new ArrayList<>();
    Map<Long, Map<String, Object>> gone = context.deleted(target.model(), target.ids());
    for (Long id : target.ids()) {
      Map<String, Object> snapshot = gone.get(id);
      if (snapshot == null) {
        present.add(id);
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      fields.stream().filter(snapshot::containsKey).forEach(f -> row.put(f, snapshot.get(f)));
      values.put(id, row);
    }
    if (present.isEmpty()) {
      return values;
    }
    Object rows =
        context
            .client()
            .executeKw(
                target.model(),
                "read",
                List.of(present, fields),
                Collections.singletonMap("load", null));
    for (Object row : ValueCodec.asList(rows)) {
      Map<String, Object> record = ValueCodec.asMap(row);
      values.put(ValueCodec.asLong(record.get("id")), record);
    }
    return values;
  }

  private static String json(Map<String, Object> body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new SidecarException("cannot encode a webhook body: " + e.getMessage(), e);
    }
  }
}
