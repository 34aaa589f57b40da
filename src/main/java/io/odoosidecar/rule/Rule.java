package io.odoosidecar.rule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An automation rule, with Odoo's {@code base.automation} field names, so that a rule read from
 * Odoo and a rule written by hand look the same.
 *
 * @param name the rule's name ({@code name})
 * @param model the model it watches ({@code model_name})
 * @param active whether it runs
 * @param trigger when it runs
 * @param triggerFields the watched fields ({@code trigger_field_ids}, by name): on a write, at
 *     least one must have changed; empty means any change
 * @param filterPreDomain the domain the records must match before a write, or null
 * @param filterDomain the domain the records must match after the change, or null
 * @param parameters the trigger's other settings, by Odoo's names ({@code trg_date_id}, {@code
 *     trg_date_range}, {@code trg_date_range_type}, {@code trg_selection_field_id}, {@code
 *     trg_field_ref}, {@code record_getter}, ...)
 * @param actions the server actions to run, in order, each by {@code ir.actions.server}'s field
 *     names ({@code state}, {@code update_path}, {@code value}, ...)
 */
public record Rule(
    String name,
    String model,
    boolean active,
    Trigger trigger,
    List<String> triggerFields,
    String filterPreDomain,
    String filterDomain,
    Map<String, Object> parameters,
    List<Map<String, Object>> actions) {

  public Rule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(trigger, "trigger");
    triggerFields = List.copyOf(triggerFields);
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    actions =
        actions.stream().map(a -> Collections.unmodifiableMap(new LinkedHashMap<>(a))).toList();
  }

  /** A rule without trigger parameters nor actions, for matching alone. */
  public Rule(
      String name,
      String model,
      boolean active,
      Trigger trigger,
      List<String> triggerFields,
      String filterPreDomain,
      String filterDomain) {
    this(
        name,
        model,
        active,
        trigger,
        triggerFields,
        filterPreDomain,
        filterDomain,
        Map.of(),
        List.of());
  }
}
