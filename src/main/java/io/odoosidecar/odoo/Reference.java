package io.odoosidecar.odoo;

import java.util.Objects;

/**
 * A reference field's value, {@code "model,id"} on the wire.
 *
 * @param model the record's model
 * @param id the record's id
 */
public record Reference(String model, long id) {
  public Reference {
    Objects.requireNonNull(model, "model");
  }

  /** Parses {@code "res.partner,7"}. */
  public static Reference parse(String wire) {
    int comma = wire.indexOf(',');
    if (comma <= 0) {
      throw new IllegalArgumentException("not a reference value: '" + wire + "'");
    }
    try {
      return new Reference(wire.substring(0, comma), Long.parseLong(wire.substring(comma + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a reference value: '" + wire + "'", e);
    }
  }

  /** The wire form {@code "model,id"}. */
  public String toWire() {
    return model + "," + id;
  }
}
