package io.odoosidecar.pipeline;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the rules need the addon to report, per model: which operations, and the old values of which
 * fields (watched fields and the fields of before-update domains, and of filter domains for
 * deletions), and whether messages matter.
 */
public final class WatchList {
  private WatchList() {}

  /** {@code {'models': {model: {'operations': [...], 'old_fields': [...], 'messages': bool}}}}. */
  public static Map<String, Object> of(Collection<Rule> rules) {
    Map<String, Set<String>> operations = new LinkedHashMap<>();
    Map<String, Set<String>> oldFields = new LinkedHashMap<>();
    Map<String, Boolean> messages = new LinkedHashMap<>();
    for (Rule rule : rules) {
      if (!rule.active()) {
        continue;
      }
      String model = rule.model();
      Set<String> ops = operations.computeIfAbsent(model, m -> new TreeSet<>());
      Set<String> old = oldFields.computeIfAbsent(model, m -> new TreeSet<>());
      messages.putIfAbsent(model, false);
      Trigger trigger = rule.trigger();
      if (trigger.onCreate()) {
        ops.add("create");
      }
      if (trigger.onWrite()) {
        ops.add("write");
        // what the rule is matched on, as the write left it: with these the sidecar reads nothing
        // (active: the matcher reads it wherever a model has it; the addon skips absent fields)
        old.add("active");
        old.addAll(rule.triggerFields());
        old.addAll(ownFields(rule.filterPreDomain()));
        old.addAll(
            ownFields(rule.filterDomain())); // sent before and after: each change matched as it was
      }
      if (trigger == Trigger.ON_UNLINK) {
        ops.add("unlink");
        old.addAll(ownFields(rule.filterDomain()));
      }
      if (trigger == Trigger.ON_MESSAGE_RECEIVED || trigger == Trigger.ON_MESSAGE_SENT) {
        messages.put(model, true);
      }
    }
    Map<String, Object> models = new LinkedHashMap<>();
    operations.forEach(
        (model, ops) -> {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("operations", List.copyOf(ops));
          entry.put("old_fields", List.copyOf(oldFields.get(model)));
          entry.put("messages", messages.get(model));
          models.put(model, entry);
        });
    return Map.of("models", models);
  }

  /** The first field of every leaf's path. */
  private static Set<String> ownFields(String text) {
    Set<String> out = new TreeSet<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    Domain domain =
        DomainExpression.evaluate(
            text, DomainExpression.Context.of(0, java.time.Instant.now(), x -> 0L));
    collect(domain.toWire(), out);
    return out;
  }

  private static void collect(List<?> items, Set<String> out) {
    for (Object item : items) {
      if (item instanceof List<?> leaf && leaf.size() == 3 && leaf.get(0) instanceof String path) {
        out.add(path.split("\\.")[0]); // an 'any' sub-domain is on another model
      }
    }
  }
}
