package io.odoosidecar.rule;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.domain.Tri;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which rules a change fires, on which records, as Odoo's {@code base.automation} does.
 *
 * <p>Implementation notes: a create runs the create triggers on the records that match the filter
 * domain afterwards (every field counts as changed); a write runs the write triggers on the records
 * that matched the before-update domain with their old values and match the filter domain with
 * their new ones, and, for a rule with watched fields, only where one of them was written and its
 * value changed (recordsets compare as sets of ids, numbers by value); an unlink runs {@code
 * on_unlink} rules on the records that match the filter domain before deletion.
 */
public final class RuleMatcher {
  /** A rule fired on some records. */
  public record Firing(Rule rule, List<Long> ids) {}

  /** Asks Odoo which of some records match a domain, for what the records at hand cannot decide. */
  @FunctionalInterface
  public interface Oracle {
    Collection<Long> matching(String model, Collection<Long> ids, Domain domain);
  }

  private final Schema schema;
  private final DomainExpression.Context context;
  private final RecordStore related;
  private final Oracle oracle;
  private final Map<String, Domain> domains = new java.util.HashMap<>();
  private final Map<String, Map<String, DomainEngine.Compiled>> compiled =
      new java.util.HashMap<>();

  /** A matcher that sees the changed records alone (their own fields). */
  public RuleMatcher(Schema schema, DomainExpression.Context context) {
    this(schema, context, null, null);
  }

  /**
   * A matcher for a batch: the records the domains reach through relations are looked up in {@code
   * related} (as {@link io.odoosidecar.domain.BatchLoader} reads them); when a filter domain cannot
   * be decided from them, {@code oracle} (Odoo, when the record's current state is the state after
   * the change) is asked, or the match fails with {@link
   * io.odoosidecar.domain.UndecidableException}. Dynamic domains are evaluated once per matcher, as
   * Odoo does once per transaction.
   */
  public RuleMatcher(
      Schema schema, DomainExpression.Context context, RecordStore related, Oracle oracle) {
    this.schema = schema;
    this.context = context;
    this.related = related;
    this.oracle = oracle;
  }

  /** The rules the change fires, in the order given, each with the records it fires on. */
  public List<Firing> match(ChangeEvent event, Collection<Rule> rules) {
    List<Firing> firings = new ArrayList<>();
    for (Rule rule : rules) {
      if (!rule.active()
          || !rule.model().equals(event.model())
          || !runs(rule.trigger(), event.operation())) {
        continue;
      }
      List<Long> ids = new ArrayList<>();
      for (Long id : event.ids()) {
        if (fires(rule, event, id)) {
          ids.add(id);
        }
      }
      if (!ids.isEmpty()) {
        firings.add(new Firing(rule, ids));
      }
    }
    return firings;
  }

  private static boolean runs(Trigger trigger, ChangeEvent.Operation operation) {
    return switch (operation) {
      case CREATE -> trigger.onCreate();
      case WRITE -> trigger.onWrite();
      case UNLINK -> trigger == Trigger.ON_UNLINK;
    };
  }

  private boolean fires(Rule rule, ChangeEvent event, Long id) {
    Map<String, Object> before = event.before().get(id);
    Map<String, Object> after = event.after().get(id);
    switch (event.operation()) {
      case CREATE:
        return matches(rule.filterDomain(), event.model(), after, true);
      case UNLINK:
        return matches(rule.filterDomain(), event.model(), before, false);
      default:
        return matches(rule.filterPreDomain(), event.model(), before, false)
            && matches(rule.filterDomain(), event.model(), after, true)
            && watchedFieldChanged(rule, event, before, after);
    }
  }

  private static boolean watchedFieldChanged(
      Rule rule, ChangeEvent event, Map<String, Object> before, Map<String, Object> after) {
    if (rule.triggerFields().isEmpty()) {
      return true;
    }
    for (String field : rule.triggerFields()) {
      if (event.fields().contains(field)
          && before != null
          && before.containsKey(field)
          && !same(before.get(field), after.get(field))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a record matches a domain. {@code current} says the record's values are Odoo's current
   * ones, so that Odoo may be asked.
   */
  public boolean matches(String domain, String model, Map<String, Object> record, boolean current) {
    if (domain == null || domain.isBlank()) {
      return true;
    }
    if (record == null) {
      return false;
    }
    Domain parsed =
        domains.computeIfAbsent(domain, text -> DomainExpression.evaluate(text, context));
    if (related == null) {
      RecordStore store = RecordStore.referenced(Map.of(model, Map.of(id(record), record)));
      return new DomainEngine(schema, store).matches(model, parsed, record) == Tri.TRUE;
    }
    try {
      Map<String, DomainEngine.Compiled> byDomain =
          compiled.computeIfAbsent(model, m -> new java.util.HashMap<>());
      DomainEngine.Compiled plan = byDomain.get(domain);
      if (plan == null) {
        plan = new DomainEngine(schema, related).compile(model, parsed);
        byDomain.put(domain, plan);
      }
      return plan.test(record);
    } catch (io.odoosidecar.domain.UndecidableException e) {
      if (oracle == null || !current) {
        throw e;
      }
      return oracle.matching(model, List.of(id(record)), parsed).contains(id(record));
    }
  }

  /** Odoo's {@code record[name] != old_vals[name]}, on wire values. */
  public static boolean same(Object a, Object b) {
    Object x = normal(a);
    Object y = normal(b);
    return Objects.equals(x, y);
  }

  private static Object normal(Object value) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return Boolean.FALSE;
    }
    if (value instanceof List<?> list) {
      if (list.size() == 2 && list.get(0) instanceof Number id && list.get(1) instanceof String) {
        return id.longValue(); // many2one [id, name]
      }
      if (list.isEmpty()) {
        return Boolean.FALSE;
      }
      HashSet<Object> ids = new HashSet<>();
      list.forEach(item -> ids.add(normal(item)));
      return ids;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) ? (Object) (long) d : (Object) d;
    }
    return value;
  }

  private static long id(Map<String, Object> record) {
    Object id = record.get("id");
    return id instanceof Number n ? n.longValue() : 0L;
  }
}
