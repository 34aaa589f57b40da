package io.odoosidecar.sync;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The records a sync reads: the fields of one model it needs and, per relational field it follows,
 * the related model's (a hop). Each node is read with one {@code read} (chunked) for the whole
 * request, its hops after it with the ids its rows name.
 */
final class ReadTree {
  static final int CHUNK = 1000;

  private final String model;
  private final Map<String, FieldInfo> meta;
  private final Function<String, Map<String, FieldInfo>> fieldsGet;
  private final Set<String> fields = new LinkedHashSet<>();
  private final Map<String, ReadTree> hops = new LinkedHashMap<>();
  private final Map<Long, Map<String, Object>> rows = new HashMap<>();
  private final Set<Long> deleted = new HashSet<>();

  ReadTree(String model, Function<String, Map<String, FieldInfo>> fieldsGet) {
    this.model = model;
    this.fieldsGet = fieldsGet;
    this.meta = fieldsGet.apply(model);
  }

  String model() {
    return model;
  }

  /** The rows read (or known), by id. */
  Map<Long, Map<String, Object>> rows() {
    return rows;
  }

  /**
   * Needs a field or dotted path; returns the node owning its last field. An unknown field, or a
   * path through a field that is not relational, fails naming it.
   */
  ReadTree need(String path) {
    int dot = path.indexOf('.');
    String first = dot < 0 ? path : path.substring(0, dot);
    FieldInfo info = info(first);
    fields.add(first);
    if (dot < 0) {
      return this;
    }
    return hop(first, info).need(path.substring(dot + 1));
  }

  /** The metadata of a field of this node's model; unknown fails naming it. */
  FieldInfo info(String field) {
    FieldInfo info = meta.get(field);
    if (info == null) {
      throw new IllegalArgumentException("no field '" + field + "' on " + model);
    }
    return info;
  }

  /** The metadata of the last field of a path. */
  FieldInfo infoOf(String path) {
    int dot = path.indexOf('.');
    return dot < 0 ? info(path) : hops.get(path.substring(0, dot)).infoOf(path.substring(dot + 1));
  }

  /** The node of the records a relational field names. */
  ReadTree hop(String field) {
    return hop(field, info(field));
  }

  private ReadTree hop(String field, FieldInfo info) {
    if (!info.type().relational()) {
      throw new IllegalArgumentException(
          "'" + field + "' of " + model + " is " + info.type() + ", not a relational field");
    }
    fields.add(field);
    return hops.computeIfAbsent(field, f -> new ReadTree(info.relation(), fieldsGet));
  }

  /**
   * Reads the records {@code ids} (those {@code known} covers whole are not read), then every hop.
   */
  void load(OdooClient client, Collection<Long> ids, Map<Long, Map<String, Object>> known) {
    load(client, ids, known, false);
  }

  /**
   * Reads the records {@code ids}, then every hop; with {@code gone}, the records {@code known}
   * holds are deleted ones: taken as they are, never read (Odoo would answer that they do not
   * exist); a needed field they lack is told by {@link #lacking}.
   */
  void load(
      OdooClient client, Collection<Long> ids, Map<Long, Map<String, Object>> known, boolean gone) {
    List<Long> missing = new ArrayList<>();
    for (Long id : new LinkedHashSet<>(ids)) {
      Map<String, Object> values = known.get(id);
      if (values != null && (gone || values.keySet().containsAll(fields))) {
        rows.put(id, new LinkedHashMap<>(values));
        if (gone) {
          deleted.add(id);
        }
      } else {
        missing.add(id);
      }
    }
    read(client, missing);
    missing.forEach(id -> mergeKnown(id, known.get(id)));
    hops.forEach((field, hop) -> hop.load(client, related(field), Map.of()));
  }

  private void read(OdooClient client, List<Long> ids) {
    for (int from = 0; from < ids.size(); from += CHUNK) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
      for (OdooRecord record : client.read(model, chunk, List.copyOf(fields))) {
        rows.put(record.id(), new LinkedHashMap<>(record.values()));
      }
    }
  }

  /**
   * The values pushed with the change win over what was read (a deleted record is read as none).
   */
  private void mergeKnown(Long id, Map<String, Object> values) {
    if (values != null) {
      rows.computeIfAbsent(id, k -> new LinkedHashMap<>()).putAll(values);
    }
  }

  private Set<Long> related(String field) {
    Set<Long> ids = new LinkedHashSet<>();
    rows.values().forEach(row -> ids.addAll(Values.ids(row.get(field))));
    return ids;
  }

  /**
   * The wire value of a field or dotted path on a record: through a many2one the related record's
   * value, through an x2many the list of the related records' values; false when empty.
   */
  Object value(long id, String path) {
    Map<String, Object> row = rows.get(id);
    if (row == null) {
      return Boolean.FALSE;
    }
    int dot = path.indexOf('.');
    if (dot < 0) {
      return row.getOrDefault(path, Boolean.FALSE);
    }
    String first = path.substring(0, dot);
    ReadTree hop = hops.get(first);
    List<Long> related = Values.ids(row.get(first));
    if (info(first).type().x2many()) {
      List<Object> out = new ArrayList<>();
      related.forEach(r -> out.add(hop.value(r, path.substring(dot + 1))));
      return out;
    }
    return related.isEmpty() ? Boolean.FALSE : hop.value(related.get(0), path.substring(dot + 1));
  }

  /**
   * The fields of this node a deleted record's values lack (it cannot be read now, so they are
   * unknown rather than empty); none for a record read from Odoo.
   */
  List<String> lacking(long id) {
    Map<String, Object> row = rows.get(id);
    if (row == null || !deleted.contains(id)) {
      return List.of();
    }
    return fields.stream().filter(f -> !row.containsKey(f)).toList();
  }

  /** Whether the record was read or known. */
  boolean has(long id) {
    return rows.containsKey(id);
  }
}
