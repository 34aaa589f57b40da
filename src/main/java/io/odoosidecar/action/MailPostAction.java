package io.odoosidecar.action;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ValueCodec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Odoo's "send email" action ({@code mail_post}). {@code mail_post_method: email} (the default):
 * the template's {@code send_mail} per record, queued ({@code force_send=False}), which answers the
 * mail's id. {@code comment} or {@code note}: a message posted on all the records at once through
 * {@code mail.compose.message} in comment mode with the template and the subtype {@code
 * mail.mt_comment} or {@code mail.mt_note}, as {@code message_post_with_source} does ({@code
 * message_post_with_source} itself answers a recordset, which XML-RPC cannot carry back: the call
 * would fail after its commit). Templates are rendered by Odoo.
 *
 * <p>Where the database's addon takes keys ({@link PostKeys}), each record's email and each
 * record's message carries the key of its event, rule and action: a run done again finds what the
 * first made rather than sending a second.
 */
final class MailPostAction implements ActionExecutor {
  @Override
  public String run(ActionContext context, ActionTarget target) {
    Map<String, Object> action = target.action();
    Object templateRaw = action.get("template_id");
    if (templateRaw == null || ValueCodec.isEmpty(templateRaw)) {
      return "no template";
    }
    long template = context.recordId(templateRaw, "template_id");
    String method = String.valueOf(action.getOrDefault("mail_post_method", "email"));
    OdooClient mail = context.client().withContext(mailContext(action));
    if (method.equals("comment") || method.equals("note")) {
      long subtype =
          context.refs().require(method.equals("comment") ? "mail.mt_comment" : "mail.mt_note");
      post(mail, context.postKeys(), target, template, subtype);
      return "posted a " + method + " on " + target.ids().size() + " records";
    }
    for (Long id : target.ids()) {
      OdooClient sender =
          context
              .postKeys()
              .forRecord(target, id)
              .map(key -> mail.withContext(Map.of(PostKeys.CONTEXT_KEY, key)))
              .orElse(mail);
      // res_id by name: JSON-2 (Odoo 19) binds arguments by name only
      sender.executeKw(
          "mail.template",
          "send_mail",
          List.of(List.of(template)),
          Map.of("res_id", id, "force_send", false));
    }
    return "queued " + target.ids().size() + " emails";
  }

  private static Map<String, Object> mailContext(Map<String, Object> action) {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("mail_create_nosubscribe", true);
    context.put("mail_post_autofollow", Boolean.TRUE.equals(action.get("mail_post_autofollow")));
    context.put("mail_notify_force_send", false);
    return context;
  }

  /** A message on all the records through the composer in comment mode, each under its key. */
  private static void post(
      OdooClient mail, PostKeys keys, ActionTarget target, long template, long subtype) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("composition_mode", "comment");
    values.put("model", target.model());
    values.put("res_ids", target.ids().toString());
    values.put("template_id", template);
    values.put("subtype_id", subtype);
    long composer = mail.create("mail.compose.message", values);
    mail.withContext(keys.byRecord(target))
        .executeKw(
            "mail.compose.message", "action_send_mail", List.of(List.of(composer)), Map.of());
  }
}
