package io.odoosidecar.sync;

import java.util.List;
import java.util.Objects;

/**
 * One line of a sync mapping: an Odoo field (or dotted path) sent under an external key.
 *
 * @param field the Odoo field or dotted path ({@code partner_id.name}); may be empty for a python
 *     line
 * @param key the external key, dotted for nested JSON objects ({@code address.city})
 * @param type how the value is converted
 * @param identifier whether this line carries the Record Identifier
 * @param as for a relational line: how a related record is sent
 * @param asField for {@code as: field NAME}: the related record's field sent
 * @param mapping for a relational line sent as nested objects: the lines of the related model
 * @param expression for a python line: the expression evaluated
 */
public record MappingLine(
    String field,
    String key,
    MappingType type,
    boolean identifier,
    As as,
    String asField,
    List<MappingLine> mapping,
    String expression) {

  /** How a relational line sends a related record. */
  public enum As {
    /** As a nested object built by the line's own mapping. */
    OBJECT,
    /** As its id. */
    ID,
    /** As the value of one of its fields. */
    FIELD
  }

  public MappingLine {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    field = field == null ? "" : field;
    mapping = List.copyOf(mapping);
  }

  /** A plain line: {@code field} sent under {@code key}. */
  public static MappingLine plain(String field, String key) {
    return new MappingLine(field, key, MappingType.PLAIN, false, As.ID, null, List.of(), null);
  }
}
