package io.odoosidecar.sync;

import io.odoosidecar.odoo.FieldInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON body of each record from a config's mapping, line by line for all the records at
 * once (a python line is one evaluation for them all, seeing the body built so far as {@code
 * request_data}). A dotted key puts its value in nested objects ({@code address.city}).
 */
final class BodyBuilder {
  /** Evaluates a python line for many records: values by id. */
  @FunctionalInterface
  interface Python {
    Map<Long, Object> evaluate(
        MappingLine line, List<Long> ids, Map<Long, Map<String, Object>> variables);
  }

  private final ReadTree root;
  private final Python python;

  BodyBuilder(ReadTree root, Python python) {
    this.root = root;
    this.python = python;
  }

  /** Declares every field the mapping (and URL placeholders) read, before the records are read. */
  static void plan(ReadTree root, List<MappingLine> lines) {
    for (MappingLine line : lines) {
      switch (line.type()) {
        case PLAIN -> root.need(line.field());
        case PYTHON -> {
          if (!line.field().isEmpty()) {
            root.need(line.field());
          }
        }
        case RELATIONAL -> planRelational(root, line);
      }
    }
  }

  private static void planRelational(ReadTree tree, MappingLine line) {
    ReadTree owner = tree.need(line.field());
    String last = last(line.field());
    ReadTree hop = owner.hop(last);
    switch (line.as()) {
      case FIELD -> hop.need(line.asField());
      case OBJECT -> plan(hop, line.mapping());
      case ID -> {
        // the ids are in the owner's row
      }
    }
  }

  /** The bodies of the records {@code ids}, by id, in order. */
  Map<Long, Map<String, Object>> build(List<Long> ids, List<MappingLine> lines) {
    Map<Long, Map<String, Object>> bodies = new LinkedHashMap<>();
    ids.forEach(id -> bodies.put(id, new LinkedHashMap<>()));
    for (MappingLine line : lines) {
      if (line.type() == MappingType.PYTHON) {
        python(line, ids, bodies);
      } else {
        ids.forEach(id -> put(bodies.get(id), line.key(), value(root, id, line)));
      }
    }
    return bodies;
  }

  private void python(MappingLine line, List<Long> ids, Map<Long, Map<String, Object>> bodies) {
    Map<Long, Map<String, Object>> variables = new LinkedHashMap<>();
    for (Long id : ids) {
      Map<String, Object> names = new LinkedHashMap<>();
      names.put("request_data", bodies.get(id));
      names.put("value", line.field().isEmpty() ? null : plainValue(root, id, line.field()));
      variables.put(id, names);
    }
    Map<Long, Object> values = python.evaluate(line, ids, variables);
    ids.forEach(id -> put(bodies.get(id), line.key(), values.get(id)));
  }

  /** The JSON value of a line (not python) on one record of {@code tree}. */
  static Object value(ReadTree tree, long id, MappingLine line) {
    if (line.type() == MappingType.PLAIN) {
      return plainValue(tree, id, line.field());
    }
    FieldInfo info = tree.infoOf(line.field());
    List<Long> related = Values.ids(tree.value(id, line.field()));
    ReadTree hop = owner(tree, line.field()).hop(last(line.field()));
    List<Object> out = new ArrayList<>();
    for (Long r : related) {
      out.add(
          switch (line.as()) {
            case ID -> r;
            case FIELD -> plainValue(hop, r, line.asField());
            case OBJECT -> object(hop, r, line.mapping());
          });
    }
    if (info.type().x2many()) {
      return out;
    }
    return out.isEmpty() ? null : out.get(0);
  }

  private static Map<String, Object> object(ReadTree tree, long id, List<MappingLine> lines) {
    Map<String, Object> out = new LinkedHashMap<>();
    lines.forEach(line -> put(out, line.key(), value(tree, id, line)));
    return out;
  }

  static Object plainValue(ReadTree tree, long id, String path) {
    boolean list = throughX2many(tree, path);
    return Values.plainEach(tree.infoOf(path), tree.value(id, path), list);
  }

  private static boolean throughX2many(ReadTree tree, String path) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      return false;
    }
    String first = path.substring(0, dot);
    return tree.info(first).type().x2many()
        || throughX2many(tree.hop(first), path.substring(dot + 1));
  }

  private static ReadTree owner(ReadTree tree, String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? tree : tree.need(path.substring(0, dot)).hop(last(path.substring(0, dot)));
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** Puts a value under a dotted key, making the nested objects on the way. */
  @SuppressWarnings("unchecked")
  static void put(Map<String, Object> body, String key, Object value) {
    String[] parts = key.split("\\.");
    Map<String, Object> at = body;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = at.get(parts[i]);
      if (!(next instanceof Map)) {
        next = new LinkedHashMap<String, Object>();
        at.put(parts[i], next);
      }
      at = (Map<String, Object>) next;
    }
    at.put(parts[parts.length - 1], value);
  }

  /** The value under a dotted key of a decoded JSON answer, or null. */
  static Object get(Object json, String key) {
    Object at = json;
    for (String part : key.split("\\.")) {
      if (!(at instanceof Map<?, ?> map)) {
        return null;
      }
      at = map.get(part);
    }
    return at;
  }
}
