package io.odoosidecar.action;

import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Odoo's "add followers" ({@code followers}) and "remove followers" ({@code remove_followers})
 * actions: {@code message_subscribe} / {@code message_unsubscribe} of the action's partners on all
 * the records in one call; both are idempotent.
 */
final class FollowersAction implements ActionExecutor {
  private final String method;

  private FollowersAction(String method) {
    this.method = method;
  }

  /** {@code followers}. */
  static FollowersAction subscribe() {
    return new FollowersAction("message_subscribe");
  }

  /** {@code remove_followers}. */
  static FollowersAction unsubscribe() {
    return new FollowersAction("message_unsubscribe");
  }

  @Override
  public String run(ActionContext context, ActionTarget target) {
    List<Long> partners = partners(context, target.action().get("partner_ids"));
    if (partners.isEmpty()) {
      return "no partners";
    }
    context
        .client()
        .executeKw(target.model(), method, List.of(target.ids()), Map.of("partner_ids", partners));
    return method + " " + partners.size() + " partners on " + target.ids().size() + " records";
  }

  private static List<Long> partners(ActionContext context, Object raw) {
    List<Long> partners = new ArrayList<>();
    if (raw instanceof List<?> list) {
      for (Object partner : list) {
        partners.add(context.recordId(partner, "partner_ids"));
      }
    } else if (raw != null && !ValueCodec.isEmpty(raw)) {
      partners.add(context.recordId(raw, "partner_ids"));
    }
    return partners;
  }
}
