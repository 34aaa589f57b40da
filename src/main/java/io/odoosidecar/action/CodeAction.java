package io.odoosidecar.action;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.script.PythonEngine;

/**
 * Odoo's "execute code" action ({@code code}) on all the records at once ({@code records}), in the
 * Python engine, with the call journal of the target's events.
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
                  context.journal(target));
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
}
