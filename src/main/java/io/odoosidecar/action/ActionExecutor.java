package io.odoosidecar.action;

/**
 * Runs one kind of server action ({@code ir.actions.server.state}); registered by that name in an
 * {@link ActionRegistry}. Executors hold no state of a run: what a run shares (the Odoo client, the
 * clock, the Python engine, ...) comes in its {@link ActionContext}.
 */
@FunctionalInterface
public interface ActionExecutor {
  /**
   * Runs the action on the target's records.
   *
   * @return a short account of what it did
   * @throws PartialFailureException when it was applied to some records and failed on others
   * @throws UnsupportedActionException when it cannot run at all, whatever the retries
   */
  String run(ActionContext context, ActionTarget target);
}
