package io.odoosidecar.action;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ValueCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Odoo's SMS action ({@code sms}): an {@code sms.composer} for all the records with the template,
 * in comment mode ({@code sms_method: comment}, posted as a message) or mass mode (queued SMS;
 * {@code note} also logs a note), then {@code action_send_sms}, as the server action does.
 *
 * <p>In comment mode Odoo posts each record's SMS as a message, which carries the key of its event,
 * rule and action where the database's addon takes keys ({@link PostKeys}); the queued SMS of mass
 * mode and its note are not posted messages and carry none.
 */
final class SmsAction implements ActionExecutor {
  @Override
  public String run(ActionContext context, ActionTarget target) {
    Map<String, Object> action = target.action();
    Object templateRaw = action.get("sms_template_id");
    if (templateRaw == null || ValueCodec.isEmpty(templateRaw)) {
      return "no SMS template";
    }
    long template = context.recordId(templateRaw, "sms_template_id");
    String method = String.valueOf(action.getOrDefault("sms_method", "sms"));
    Map<String, Object> defaults = new LinkedHashMap<>();
    defaults.put("default_res_model", target.model());
    defaults.put("default_res_ids", target.ids());
    defaults.put("default_composition_mode", method.equals("comment") ? "comment" : "mass");
    defaults.put("default_template_id", template);
    defaults.put("default_mass_keep_log", method.equals("note"));
    OdooClient composer = context.client().withContext(defaults);
    long id = composer.create("sms.composer", Map.of());
    OdooClient sender =
        method.equals("comment")
            ? composer.withContext(context.postKeys().byRecord(target))
            : composer;
    sender.executeKw("sms.composer", "action_send_sms", List.of(List.of(id)), Map.of());
    return "sent SMS (" + method + ") to " + target.ids().size() + " records";
  }
}
