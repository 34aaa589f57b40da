package io.odoosidecar.rule;

import java.util.List;
import java.util.Objects;

/**
 * An automation rule, with Odoo's {@code base.automation} field names.
 *
 * @param name the rule's name ({@code name})
 * @param model the model it watches ({@code model_name})
 * @param active whether it runs
 * @param trigger when it runs
 * @param triggerFields the watched fields ({@code trigger_field_ids}, by name): on a write, at
 *     least one must have changed; empty means any change
 * @param filterPreDomain the domain the records must match before a write, or null
 * @param filterDomain the domain the records must match after the change, or null
 */
public record Rule(
    String name,
    String model,
    boolean active,
    Trigger trigger,
    List<String> triggerFields,
    String filterPreDomain,
    String filterDomain) {

  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(trigger, "trigger");
    triggerFields = List.copyOf(triggerFields);
  }
}
