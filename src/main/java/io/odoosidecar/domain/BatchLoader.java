package io.odoosidecar.domain;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a batch of records and every record their domains refer to, with one {@code search_read}
 * per model and level of relation, never one call per record.
 *
 * <p>The fields read are the domains' {@link DomainEngine#requirements}. Related records are read
 * level by level: the many2one and many2many ids the batch holds, and the one2many lines whose
 * inverse points into it. Archived records are read too ({@code active_test} off), as Odoo's search
 * sees them. The store returned answers {@code any}, name searches and one2many leaves for these
 * records; hierarchy operators need whole models and are reported undecidable.
 */
public final class BatchLoader {
  private final OdooClient client;
  private final Schema schema;

  public BatchLoader(OdooClient client, Schema schema) {
    this.client = client.withContext(Map.of("active_test", false));
    this.schema = schema;
  }

  /**
   * The fields of {@code model}'s own records that {@code domains} need ({@code id} and, where the
   * model has one, {@code active} included), or empty when a domain reaches other records: then
   * only {@link #load} can give what the domains need.
   */
  public java.util.Optional<Set<String>> ownFields(String model, Collection<Domain> domains) {
    DomainEngine planner = new DomainEngine(schema, RecordStore.of(Map.of()));
    Set<String> own =
        new LinkedHashSet<>(
            planner.requirements(model, Domain.of(List.of())).getOrDefault(model, Set.of()));
    for (Domain domain : domains) {
      Map<String, Set<String>> needs = planner.requirements(model, domain);
      if (planner.depth(model, domain) > 0 || !needs.keySet().equals(Set.of(model))) {
        return java.util.Optional.empty();
      }
      own.addAll(needs.get(model));
    }
    return java.util.Optional.of(own);
  }

  /** The records {@code ids} of {@code model} and what {@code domains} reach from them. */
  public RecordStore load(String model, Collection<Long> ids, Collection<Domain> domains) {
    return load(model, ids, domains, Set.of());
  }

  /**
   * The records {@code ids} of {@code model} with {@code extraFields} of their own besides what
   * {@code domains} need, and what the domains reach from them.
   */
  public RecordStore load(
      String model, Collection<Long> ids, Collection<Domain> domains, Set<String> extraFields) {
    DomainEngine planner = new DomainEngine(schema, RecordStore.of(Map.of()));
    Map<String, Set<String>> fields = new HashMap<>();
    int depth = 0;
    for (Domain domain : domains) {
      planner
          .requirements(model, domain)
          .forEach((m, f) -> fields.computeIfAbsent(m, k -> new LinkedHashSet<>()).addAll(f));
      depth = Math.max(depth, planner.depth(model, domain));
    }
    Set<String> own = fields.computeIfAbsent(model, k -> new LinkedHashSet<>());
    own.add("id");
    own.addAll(extraFields);
    Map<String, Map<Long, Map<String, Object>>> loaded = new LinkedHashMap<>();
    for (String m : fields.keySet()) {
      loaded.put(m, new LinkedHashMap<>());
    }
    Map<String, Set<Long>> pendingIds = new LinkedHashMap<>();
    pendingIds.put(model, new LinkedHashSet<>(ids));
    Map<String, Map<String, Set<Long>>> pendingLines = new LinkedHashMap<>();
    for (int level = 0;
        level <= depth && (!pendingIds.isEmpty() || !pendingLines.isEmpty());
        level++) {
      Map<String, List<Map<String, Object>>> fresh = new LinkedHashMap<>();
      for (Map.Entry<String, Set<Long>> e : pendingIds.entrySet()) {
        List<Object> domain = List.of(List.of("id", "in", new ArrayList<>(e.getValue())));
        fresh
            .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
            .addAll(read(e.getKey(), domain, fields));
      }
      for (Map.Entry<String, Map<String, Set<Long>>> e : pendingLines.entrySet()) {
        for (Map.Entry<String, Set<Long>> byInverse : e.getValue().entrySet()) {
          List<Object> domain =
              List.of(List.of(byInverse.getKey(), "in", new ArrayList<>(byInverse.getValue())));
          fresh
              .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
              .addAll(read(e.getKey(), domain, fields));
        }
      }
      pendingIds = new LinkedHashMap<>();
      pendingLines = new LinkedHashMap<>();
      for (Map.Entry<String, List<Map<String, Object>>> e : fresh.entrySet()) {
        Map<Long, Map<String, Object>> byId =
            loaded.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
        List<Map<String, Object>> added = new ArrayList<>();
        for (Map<String, Object> record : e.getValue()) {
          if (byId.putIfAbsent(ValueCodec.asLong(record.get("id")), record) == null) {
            added.add(record);
          }
        }
        follow(e.getKey(), added, fields, loaded, pendingIds, pendingLines);
      }
    }
    return RecordStore.referenced(loaded);
  }

  private List<Map<String, Object>> read(
      String model, List<Object> domain, Map<String, Set<String>> fields) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (OdooRecord record :
        client.searchRead(model, domain, new ArrayList<>(fields.get(model)), SearchOptions.ALL)) {
      out.add(record.values());
    }
    return out;
  }

  /** Queues the records that the newly read ones refer to, through the fields the domains need. */
  private void follow(
      String model,
      List<Map<String, Object>> added,
      Map<String, Set<String>> fields,
      Map<String, Map<Long, Map<String, Object>>> loaded,
      Map<String, Set<Long>> pendingIds,
      Map<String, Map<String, Set<Long>>> pendingLines) {
    if (added.isEmpty()) {
      return;
    }
    Schema.Model meta = schema.model(model);
    for (String name : fields.getOrDefault(model, Set.of())) {
      FieldInfo field = meta.field(name).orElse(null);
      if (field == null || !field.type().relational() || !fields.containsKey(field.relation())) {
        continue;
      }
      String comodel = field.relation();
      if (field.type() == FieldType.ONE2MANY) {
        String inverse = schema.inverse(model, field).orElse(null);
        if (inverse != null) {
          Set<Long> owners =
              pendingLines
                  .computeIfAbsent(comodel, k -> new LinkedHashMap<>())
                  .computeIfAbsent(inverse, k -> new LinkedHashSet<>());
          added.forEach(r -> owners.add(ValueCodec.asLong(r.get("id"))));
        }
        continue;
      }
      Set<Long> wanted = pendingIds.computeIfAbsent(comodel, k -> new LinkedHashSet<>());
      for (Map<String, Object> record : added) {
        Object value = record.get(name);
        List<Long> refs =
            field.type() == FieldType.MANY2ONE ? single(value) : ValueCodec.asIds(value);
        for (Long id : refs) {
          if (!loaded.getOrDefault(comodel, Map.of()).containsKey(id)) {
            wanted.add(id);
          }
        }
      }
      if (wanted.isEmpty()) {
        pendingIds.remove(comodel);
      }
    }
  }

  private static List<Long> single(Object value) {
    Long id = DomainEngine.many2oneId(value);
    return id == null ? List.of() : List.of(id);
  }
}
