package io.odoosidecar.odoo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metadata of one field, from {@code fields_get}.
 *
 * @param name the technical name
 * @param type the field type
 * @param label the user-facing label ({@code string})
 * @param relation the related model of a relational field, or an empty string
 * @param selection the (value, label) pairs of a selection field, in order
 * @param store whether the field is stored in the database
 * @param required whether it is required
 * @param readonly whether it is read-only
 * @param searchable whether it can be used in a domain
 * @param attributes every attribute Odoo sent, as sent
 */
public record FieldInfo(
    String name,
    FieldType type,
    String label,
    String relation,
    Map<String, String> selection,
    boolean store,
    boolean required,
    boolean readonly,
    boolean searchable,
    Map<String, Object> attributes) {

  public FieldInfo {
    selection = Collections.unmodifiableMap(new LinkedHashMap<>(selection));
    attributes = ValueCodec.copyMap(attributes);
  }

  /** Builds the metadata of field {@code name} from the attributes {@code fields_get} returned. */
  public static FieldInfo of(String name, Map<String, Object> attributes) {
    Map<String, String> selection = new LinkedHashMap<>();
    if (attributes.get("selection") instanceof List<?> pairs) {
      for (Object pair : pairs) {
        if (pair instanceof List<?> p && p.size() == 2) {
          selection.put(String.valueOf(p.get(0)), String.valueOf(p.get(1)));
        }
      }
    }
    return new FieldInfo(
        name,
        FieldType.of(string(attributes.get("type"))),
        string(attributes.get("string")),
        string(attributes.get("relation")),
        selection,
        flag(attributes.get("store"), true),
        flag(attributes.get("required"), false),
        flag(attributes.get("readonly"), false),
        flag(attributes.get("searchable"), true),
        attributes);
  }

  /**
   * Whether the field is computed (or related): {@code fields_get} lists its dependencies in {@code
   * depends}. Stored computed fields are the ones Odoo writes by itself, after a create or a write,
   * when what they depend on changes.
   */
  public boolean computed() {
    return attributes.get("depends") instanceof List<?> depends && !depends.isEmpty();
  }

  /**
   * Field metadata by model from {@code fields_get} answers keyed by model ({@code {model: {field:
   * attributes}}}); entries that are not such a mapping (a comment) are skipped.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Map<String, FieldInfo>> byModel(Map<String, ?> answers) {
    Map<String, Map<String, FieldInfo>> out = new LinkedHashMap<>();
    answers.forEach(
        (model, fields) -> {
          if (fields instanceof Map<?, ?> byName) {
            Map<String, FieldInfo> infos = new LinkedHashMap<>();
            ((Map<String, Map<String, Object>>) byName)
                .forEach((name, attributes) -> infos.put(name, of(name, attributes)));
            out.put(model, infos);
          }
        });
    return out;
  }

  /** The selection values in Odoo's order. */
  public List<String> selectionValues() {
    return new ArrayList<>(selection.keySet());
  }

  /** The related model, when the field is relational. */
  public Optional<String> relatedModel() {
    return relation.isEmpty() ? Optional.empty() : Optional.of(relation);
  }

  private static String string(Object value) {
    return value instanceof String s ? s : "";
  }

  private static boolean flag(Object value, boolean absent) {
    return value instanceof Boolean b ? b : absent;
  }
}
