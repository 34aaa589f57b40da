package io.odoosidecar.odoo;

import java.util.List;
import java.util.Objects;

/**
 * A many2one value as Odoo reads it: {@code [id, display_name]}. An empty many2one is {@code false}
 * on the wire and {@code null} (or {@code Optional.empty()}) in Java.
 *
 * @param id the related record's id
 * @param displayName its display name, or an empty string when Odoo sent only the id
 */
public record Many2one(long id, String displayName) {
  public Many2one {
    Objects.requireNonNull(displayName, "displayName");
  }

  /** A value carrying only the id, as written back to Odoo. */
  public static Many2one of(long id) {
    return new Many2one(id, "");
  }

  /** The wire form {@code [id, name]}. */
  public List<Object> toWire() {
    return List.of(id, displayName);
  }
}
