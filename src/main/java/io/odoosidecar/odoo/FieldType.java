package io.odoosidecar.odoo;

import java.util.Locale;

/** The type of an Odoo field, as {@code fields_get} names it. */
public enum FieldType {
  CHAR,
  TEXT,
  HTML,
  INTEGER,
  FLOAT,
  MONETARY,
  BOOLEAN,
  SELECTION,
  DATE,
  DATETIME,
  MANY2ONE,
  ONE2MANY,
  MANY2MANY,
  MANY2ONE_REFERENCE,
  REFERENCE,
  BINARY,
  JSON,
  PROPERTIES,
  PROPERTIES_DEFINITION,
  /** A type this version of the sidecar does not know; values pass through undecoded. */
  UNKNOWN;

  /** The type named {@code name} by {@code fields_get}, or {@link #UNKNOWN}. */
  public static FieldType of(String name) {
    if (name == null) {
      return UNKNOWN;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }

  /** Whether the field holds records of another model. */
  public boolean relational() {
    return this == MANY2ONE || this == ONE2MANY || this == MANY2MANY;
  }

  /** Whether the field holds a list of ids. */
  public boolean x2many() {
    return this == ONE2MANY || this == MANY2MANY;
  }
}
