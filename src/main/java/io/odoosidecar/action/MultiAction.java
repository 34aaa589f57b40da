package io.odoosidecar.action;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Odoo's "multi actions" action ({@code multi}): its children ({@code child_ids}) in order, each
 * through the context's registry, numbered after the parent ({@code 0.1}).
 */
final class MultiAction implements ActionExecutor {
  @Override
  @SuppressWarnings("unchecked")
  public String run(ActionContext context, ActionTarget target) {
    if (!(target.action().get("child_ids") instanceof List<?> children)) {
      return "no child actions";
    }
    List<String> done = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      if (!(children.get(i) instanceof Map<?, ?> child)) {
        throw new IllegalArgumentException(
            "rule '"
                + target.rule().name()
                + "': child_ids holds a non-action: "
                + children.get(i));
      }
      String index = target.index() + "." + i;
      done.add(context.run(target.withAction(index, (Map<String, Object>) child)));
    }
    return String.join("; ", done);
  }
}
