package io.odoosidecar.action;

import io.odoosidecar.odoo.FieldInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a change left in {@code read(load='')} form: cut to the stored fields for a record
 * still there (Odoo has the others), every field the model has for a deleted one (its snapshot may
 * carry non-stored fields, such as {@code display_name} or a related field, nothing can read now).
 */
final class KnownValues {
  private KnownValues() {}

  static Map<Long, Map<String, Object>> stored(
      Map<String, FieldInfo> fields, Map<Long, Map<String, Object>> known, List<Long> ids) {
    return rows(fields, known, ids, true);
  }

  /** The values of deleted records: every field of the model they carry, stored or not. */
  static Map<Long, Map<String, Object>> all(
      Map<String, FieldInfo> fields, Map<Long, Map<String, Object>> known, List<Long> ids) {
    return rows(fields, known, ids, false);
  }

  private static Map<Long, Map<String, Object>> rows(
      Map<String, FieldInfo> fields,
      Map<Long, Map<String, Object>> known,
      List<Long> ids,
      boolean storedOnly) {
    Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
    for (Long id : ids) {
      Map<String, Object> values = known.get(id);
      if (values != null) {
        out.put(id, row(fields, values, storedOnly));
      }
    }
    return out;
  }

  private static Map<String, Object> row(
      Map<String, FieldInfo> fields, Map<String, Object> values, boolean storedOnly) {
    Map<String, Object> row = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> {
          FieldInfo field = fields.get(name);
          if (field != null && (field.store() || !storedOnly) && value != null) {
            put(row, field, name, value, !storedOnly);
          }
        });
    return row;
  }

  /** A value in read's form; a file only from a deletion's snapshot, which the addon reads so. */
  private static void put(
      Map<String, Object> row, FieldInfo field, String name, Object value, boolean snapshot) {
    switch (field.type()) {
      case MANY2ONE -> {
        if (value instanceof List<?> pair && !pair.isEmpty()) {
          row.put(name, pair.get(0)); // read's [id, name]
        } else if (value instanceof Number || Boolean.FALSE.equals(value)) {
          row.put(name, value);
        }
      }
      case ONE2MANY, MANY2MANY -> {
        if (value instanceof List<?> list && list.stream().allMatch(Number.class::isInstance)) {
          row.put(name, value);
        }
      }
      case BINARY -> {
        if (snapshot) {
          row.put(name, value); // a pushed write's file is not in read's form; a snapshot's is
        }
      }
      default -> row.put(name, value);
    }
  }
}
