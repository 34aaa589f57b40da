package io.odoosidecar.pipeline;

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
 * What the rules need the addon to report, per model: which operations, the old values of which
 * fields (watched fields and the fields of before-update domains, and of filter domains for
 * deletions), the values of which fields a deletion's snapshot carries (what the deletion rules'
 * actions read of the records, which are gone when they run), and whether messages matter.
 *
 * <p>A deletion's snapshot fields ({@code unlink_fields}): a webhook action's {@code
 * webhook_field_ids}, {@value #ALL_FIELDS} for a code action (every stored field but files and
 * one2many), the first field of an {@code object_write}'s dotted {@code update_path} (the relation
 * to the record it writes), the children's needs for a {@code multi} action; other kinds read
 * nothing of the deleted records beyond the filter's fields, which come in the old values as for
 * any deletion. Other parts of the sidecar (the outbound sync) add the fields they need of a
 * model's deleted records with {@link #of(Collection, Map)}: the model is then watched for
 * deletions even without a rule.
 */
public final class WatchList {
  /** In {@code unlink_fields}, every stored field of the model but files and one2many. */
  public static final String ALL_FIELDS = "*";

  private WatchList() {}

  /** The watch list of the rules alone: {@link #of(Collection, Map)} with no other needs. */
  public static Map<String, Object> of(Collection<Rule> rules) {
    return of(rules, Map.of());
  }

  /**
   * {@code {'models': {model: {'operations': [...], 'old_fields': [...], 'unlink_fields': [...],
   * 'messages': bool}}}}; {@code unlink_fields} is {@code ["*"]} when every stored field is needed.
   *
   * @param rules the rules
   * @param extraUnlinkFields by model, the fields other parts of the sidecar need of its deleted
   *     records (field names, or {@value #ALL_FIELDS}), whatever the rules: a model named here is
   *     watched for deletions
   */
  public static Map<String, Object> of(
      Collection<Rule> rules, Map<String, ? extends Collection<String>> extraUnlinkFields) {
    Map<String, Set<String>> operations = new LinkedHashMap<>();
    Map<String, Set<String>> oldFields = new LinkedHashMap<>();
    Map<String, Set<String>> unlinkFields = new LinkedHashMap<>();
    Map<String, Boolean> messages = new LinkedHashMap<>();
    for (Rule rule : rules) {
      if (!rule.active()) {
        continue;
      }
      String model = rule.model();
      Set<String> ops = operations.computeIfAbsent(model, m -> new TreeSet<>());
      Set<String> old = oldFields.computeIfAbsent(model, m -> new TreeSet<>());
      Set<String> snapshot = unlinkFields.computeIfAbsent(model, m -> new TreeSet<>());
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
        old.addAll(DomainExpression.ownFields(rule.filterPreDomain()));
        old.addAll(
            DomainExpression.ownFields(
                rule.filterDomain())); // sent before and after: each change matched as it was
      }
      if (trigger == Trigger.ON_UNLINK) {
        ops.add("unlink");
        old.addAll(DomainExpression.ownFields(rule.filterDomain()));
        snapshot.addAll(unlinkFields(rule));
      }
      if (trigger == Trigger.ON_MESSAGE_RECEIVED || trigger == Trigger.ON_MESSAGE_SENT) {
        messages.put(model, true);
      }
      if (io.odoosidecar.schedule.TimedRule.timed(trigger)) {
        // the due times are learned from every change of the model, and of calendars it uses
        ops.addAll(List.of("create", "write", "unlink"));
        if (io.odoosidecar.schedule.TimedRule.of(rule).calendarId() != null) {
          for (String calendarModel : io.odoosidecar.schedule.TimedIndex.CALENDAR_MODELS) {
            operations
                .computeIfAbsent(calendarModel, m -> new TreeSet<>())
                .addAll(List.of("create", "write", "unlink"));
            oldFields.computeIfAbsent(calendarModel, m -> new TreeSet<>());
            unlinkFields.computeIfAbsent(calendarModel, m -> new TreeSet<>());
            messages.putIfAbsent(calendarModel, false);
          }
        }
      }
    }
    extraUnlinkFields.forEach(
        (model, fields) -> {
          operations.computeIfAbsent(model, m -> new TreeSet<>()).add("unlink");
          oldFields.computeIfAbsent(model, m -> new TreeSet<>());
          unlinkFields.computeIfAbsent(model, m -> new TreeSet<>()).addAll(fields);
          messages.putIfAbsent(model, false);
        });
    Map<String, Object> models = new LinkedHashMap<>();
    operations.forEach(
        (model, ops) -> {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("operations", List.copyOf(ops));
          entry.put("old_fields", List.copyOf(oldFields.get(model)));
          entry.put("unlink_fields", snapshotFields(unlinkFields.get(model)));
          entry.put("messages", messages.get(model));
          models.put(model, entry);
        });
    return Map.of("models", models);
  }

  /**
   * What a rule's actions read of the records it runs on, for a deletion's snapshot: field names,
   * or {@value #ALL_FIELDS}.
   */
  public static Set<String> unlinkFields(Rule rule) {
    Set<String> out = new TreeSet<>();
    for (Map<String, Object> action : rule.actions()) {
      addActionFields(action, out);
    }
    return out;
  }

  private static void addActionFields(Map<?, ?> action, Set<String> out) {
    switch (String.valueOf(action.get("state"))) {
      case "webhook" -> {
        if (action.get("webhook_field_ids") instanceof List<?> fields) {
          fields.forEach(f -> out.add(String.valueOf(f)));
        }
      }
      case "code" -> out.add(ALL_FIELDS);
      case "object_write" -> {
        // through a relation: the first hop leads from the deleted record to the one written
        String path = String.valueOf(action.get("update_path"));
        if (path.contains(".")) {
          out.add(path.substring(0, path.indexOf('.')));
        }
      }
      case "multi" -> {
        if (action.get("child_ids") instanceof List<?> children) {
          children.stream()
              .filter(Map.class::isInstance)
              .forEach(child -> addActionFields((Map<?, ?>) child, out));
        }
      }
      default -> {
        // reads nothing of the records beyond the filter's fields, in the old values
      }
    }
  }

  /**
   * The names, sorted, {@code "*"} among them when every stored field is needed: the names stay
   * beside it, as a deletion's actions may need fields "*" leaves out (not stored, one2many,
   * files).
   */
  private static List<String> snapshotFields(Set<String> fields) {
    return List.copyOf(new TreeSet<>(fields));
  }
}
