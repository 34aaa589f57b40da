package io.odoosidecar.rule;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.odoo.FieldInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Replays operations recorded from Odoo ({@code rule_firings.jsonl}: the rules on the first line,
 * then one create / write / unlink per line with the records' values before and after, and the
 * rules Odoo fired) through the {@link RuleMatcher}, and compares the fired (rule, record) pairs
 * with Odoo's.
 *
 * <p>Implementation notes: an operation becomes the change events the sidecar would see. The
 * operation itself: a create (every field changed), a write of the fields sent ({@code vals}), or
 * an unlink. Then, for fields the caller did not send whose value still changed (Odoo's own writes
 * during the operation, such as a stored compute, or a rule's action writing the record), a second
 * write of those fields, from the state after the first change to the final one: that is how Odoo
 * chains rules, and how the companion addon reports such writes. Odoo may run a rule more than once
 * in one operation; pairs are compared as sets.
 */
public final class RuleReplay {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /** The outcome of a replay. */
  public record Result(int passed, int failed) {}

  private final Map<String, Map<String, FieldInfo>> knownFields;

  /**
   * Creates a replay.
   *
   * @param knownFields field metadata by model where available; other models' fields are inferred
   *     from the recorded values
   */
  public RuleReplay(Map<String, Map<String, FieldInfo>> knownFields) {
    this.knownFields = knownFields;
  }

  /** Replays a corpus; prints one line per operation that differs. */
  @SuppressWarnings("unchecked")
  public Result run(Path corpus, Consumer<String> out) {
    List<String> lines;
    try {
      lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + corpus + ": " + e.getMessage(), e);
    }
    List<Rule> rules = new ArrayList<>();
    List<Map<String, Object>> operations = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      Map<String, Object> row;
      try {
        row = JSON.readValue(lines.get(i), Map.class);
      } catch (IOException e) {
        throw new SidecarException(
            corpus + ":" + (i + 1) + ": not a JSON object: " + e.getMessage());
      }
      if (row.containsKey("rules")) {
        for (Object rule : (List<Object>) row.get("rules")) {
          rules.add(rule((Map<String, Object>) rule, corpus));
        }
      } else {
        operations.add(row);
      }
    }
    Schema schema = schema(operations);
    RuleMatcher matcher = new RuleMatcher(schema, context());
    int passed = 0;
    int failed = 0;
    int number = 0;
    for (Map<String, Object> operation : operations) {
      number++;
      Set<String> fired = new TreeSet<>();
      for (ChangeEvent event :
          events(operation, schema.model(String.valueOf(operation.get("model"))).fields())) {
        for (RuleMatcher.Firing firing : matcher.match(event, rules)) {
          firing.ids().forEach(id -> fired.add(firing.rule().name() + " #" + id));
        }
      }
      Set<String> expected = new TreeSet<>();
      for (Map<String, Object> f : (List<Map<String, Object>>) operation.get("fired")) {
        for (Object id : (List<Object>) f.get("ids")) {
          expected.add(f.get("rule") + " #" + id);
        }
      }
      if (fired.equals(expected)) {
        passed++;
        continue;
      }
      failed++;
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(fired);
      Set<String> extra = new TreeSet<>(fired);
      extra.removeAll(expected);
      out.accept(
          "operation "
              + number
              + " ("
              + operation.get("op")
              + " "
              + operation.get("model")
              + " "
              + operation.get("ids")
              + " "
              + operation.get("vals")
              + "): not fired "
              + missing
              + ", fired but Odoo did not "
              + extra);
    }
    return new Result(passed, failed);
  }

  private static Rule rule(Map<String, Object> row, Path corpus) {
    String name = String.valueOf(row.get("name"));
    try {
      List<String> watched = new ArrayList<>();
      if (row.get("trigger_field_names") instanceof List<?> names) {
        names.forEach(n -> watched.add(String.valueOf(n)));
      }
      return new Rule(
          name,
          String.valueOf(row.get("model_name")),
          !Boolean.FALSE.equals(row.get("active")),
          Trigger.of(String.valueOf(row.get("trigger"))),
          watched,
          row.get("filter_pre_domain") instanceof String s ? s : null,
          row.get("filter_domain") instanceof String s ? s : null);
    } catch (IllegalArgumentException e) {
      throw new SidecarException(corpus + ": rule '" + name + "': trigger: " + e.getMessage());
    }
  }

  /**
   * The change events an operation makes: the operation, then the writes made during it.
   *
   * @param fields the model's field metadata: the stored computed fields among them are the ones
   *     Odoo writes by itself after a create
   */
  @SuppressWarnings("unchecked")
  static List<ChangeEvent> events(Map<String, Object> operation, Map<String, FieldInfo> fields) {
    String model = (String) operation.get("model");
    List<Long> ids = new ArrayList<>();
    ((List<Object>) operation.get("ids")).forEach(id -> ids.add(((Number) id).longValue()));
    Map<String, Object> vals =
        operation.get("vals") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Map<Long, Map<String, Object>> before = byId(operation.get("before"));
    Map<Long, Map<String, Object>> after = byId(operation.get("after"));
    List<ChangeEvent> events = new ArrayList<>();
    switch (String.valueOf(operation.get("op"))) {
      case "create" -> {
        Set<String> all = new LinkedHashSet<>();
        after.values().forEach(r -> all.addAll(r.keySet()));
        events.add(new ChangeEvent(model, ChangeEvent.Operation.CREATE, ids, all, Map.of(), after));
        for (Long id : ids) {
          Map<String, Object> last = after.get(id);
          if (last == null) {
            continue;
          }
          // Stored computed fields the caller did not send are written by Odoo after the create,
          // from their empty value: that write runs the write triggers.
          Set<String> written = new LinkedHashSet<>();
          Map<String, Object> created = new LinkedHashMap<>(last);
          for (Map.Entry<String, Object> e : last.entrySet()) {
            FieldInfo field = fields.get(e.getKey());
            if (vals.containsKey(e.getKey())
                || field == null
                || !field.store()
                || !field.computed()) {
              continue;
            }
            Object empty = empty(field);
            if (!RuleMatcher.same(empty, e.getValue())) {
              written.add(e.getKey());
              created.put(e.getKey(), empty);
            }
          }
          if (!written.isEmpty()) {
            events.add(
                new ChangeEvent(
                    model,
                    ChangeEvent.Operation.WRITE,
                    List.of(id),
                    written,
                    Map.of(id, created),
                    Map.of(id, last)));
          }
        }
      }
      case "write" -> {
        events.add(
            new ChangeEvent(model, ChangeEvent.Operation.WRITE, ids, vals.keySet(), before, after));
        for (Long id : ids) {
          Map<String, Object> first = before.get(id);
          Map<String, Object> last = after.get(id);
          if (first == null || last == null) {
            continue;
          }
          Set<String> written = new LinkedHashSet<>();
          Map<String, Object> middle = new LinkedHashMap<>(first);
          for (String field : vals.keySet()) {
            if (last.containsKey(field)) {
              middle.put(field, last.get(field));
            }
          }
          for (Map.Entry<String, Object> e : last.entrySet()) {
            if (!vals.containsKey(e.getKey())
                && first.containsKey(e.getKey())
                && !RuleMatcher.same(first.get(e.getKey()), e.getValue())) {
              written.add(e.getKey());
            }
          }
          if (!written.isEmpty()) {
            events.add(
                new ChangeEvent(
                    model,
                    ChangeEvent.Operation.WRITE,
                    List.of(id),
                    written,
                    Map.of(id, middle),
                    Map.of(id, last)));
          }
        }
      }
      case "unlink" ->
          events.add(
              new ChangeEvent(
                  model, ChangeEvent.Operation.UNLINK, ids, Set.of(), before, Map.of()));
      default -> throw new SidecarException("unknown operation '" + operation.get("op") + "'");
    }
    return events;
  }

  /** A field's value in a record that was never given one, as Odoo reads it. */
  private static Object empty(FieldInfo field) {
    return switch (field.type()) {
      case INTEGER, FLOAT, MONETARY -> 0L;
      case ONE2MANY, MANY2MANY -> List.of();
      default -> Boolean.FALSE;
    };
  }

  @SuppressWarnings("unchecked")
  private static Map<Long, Map<String, Object>> byId(Object snapshot) {
    Map<Long, Map<String, Object>> out = new HashMap<>();
    if (snapshot instanceof Map<?, ?> map) {
      map.forEach(
          (id, values) -> {
            Map<String, Object> record = new LinkedHashMap<>((Map<String, Object>) values);
            long key = Long.parseLong(String.valueOf(id));
            record.put("id", key);
            out.put(key, record);
          });
    }
    return out;
  }

  private Schema schema(List<Map<String, Object>> operations) {
    Map<String, Collection<Map<String, Object>>> samples = new HashMap<>();
    for (Map<String, Object> operation : operations) {
      String model = String.valueOf(operation.get("model"));
      samples
          .computeIfAbsent(model, k -> new ArrayList<>())
          .addAll(byId(operation.get("before")).values());
      samples.get(model).addAll(byId(operation.get("after")).values());
    }
    Map<String, Map<String, FieldInfo>> fields = new HashMap<>(knownFields);
    samples.forEach((model, records) -> fields.putIfAbsent(model, Schema.inferFields(records)));
    return Schema.of(fields);
  }

  private static DomainExpression.Context context() {
    return new DomainExpression.Context(
        2, Map.of("id", 2L), LocalDate.now(), LocalDateTime.now(), xmlId -> null, Map.of());
  }
}
