package io.odoosidecar.sync;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a mapping line converts its value. */
public enum MappingType {
  /** The field's value as JSON: dates ISO 8601, datetimes UTC with Z, empty as null. */
  PLAIN,
  /** A Python expression evaluated in the sandbox. */
  PYTHON,
  /** Related records as nested objects or as identifiers. */
  RELATIONAL;

  /** The type named {@code name}; an unknown name fails with the list of known ones. */
  public static MappingType of(String name) {
    for (MappingType type : values()) {
      if (type.name().toLowerCase(Locale.ROOT).equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "unknown type '"
            + name
            + "'; known: "
            + Arrays.stream(values())
                .map(t -> t.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}
