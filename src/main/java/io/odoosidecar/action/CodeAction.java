package io.odoosidecar.action;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.script.OutboundSync;
import io.odoosidecar.script.PythonEngine;
import io.odoosidecar.sync.SyncOutbound;

/**
 * Odoo's "execute code" action ({@code code}) on all the records at once ({@code records}), in the
 * Python engine, with the call journal of the target's events. BJET's {@code
 * _make_outbound_http_request} syncs through the firing's client, each record keyed by its own
 * event as {@code api_sync} keys it: any rerun of an event sends the same key.
 */
final class CodeAction implements ActionExecutor {
  @Override
  public String run(ActionContext context, ActionTarget target) {
    String code = String.valueOf(target.action().get("code"));
    OdooClient client = context.client();
    try {
      PythonEngine.Result result =
          context
              .python()
              .run(
                  code,
                  client,
                  client.authenticate(),
                  target.model(),
                  target.ids(),
                  context.known(target.model(), target.ids()),
                  context.journal(target),
                  outbound(context, target),
                  context
                      .findService(io.odoosidecar.script.CronProgress.class)
                      .orElse(io.odoosidecar.script.CronProgress.NONE));
      return "ran code on "
          + target.ids().size()
          + " records"
          + (result.logs().isEmpty() ? "" : ", logged: " + String.join(" | ", result.logs()));
    } catch (PythonEngine.ScriptException e) {
      throw new PythonEngine.ScriptException(
          "on " + target.model() + " " + target.ids() + ": " + e.getMessage(),
          e.line(),
          e.changes(),
          e.timedOut());
    }
  }

  /** The firing's outbound sync, keyed by the records' events; null: the engine's default. */
  private static OutboundSync outbound(ActionContext context, ActionTarget target) {
    return context
        .findService(SyncOutbound.class)
        .<OutboundSync>map(sync -> sync.forEvents(target.model(), target.eventOf()))
        .orElse(null);
  }
}
