package io.odoosidecar.rule;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One change Odoo made to records of a model, as the sidecar learns it.
 *
 * @param model the model
 * @param operation create, write or unlink
 * @param ids the records changed
 * @param fields the fields the change wrote (for a write; every field for a create)
 * @param before each record's values before the change (old values), by id; empty for a create
 * @param after each record's values after the change, by id; empty for an unlink
 */
public record ChangeEvent(
    String model,
    Operation operation,
    List<Long> ids,
    Set<String> fields,
    Map<Long, Map<String, Object>> before,
    Map<Long, Map<String, Object>> after) {

  /** What happened to the records. */
  public enum Operation {
    CREATE,
    WRITE,
    UNLINK
  }
}
