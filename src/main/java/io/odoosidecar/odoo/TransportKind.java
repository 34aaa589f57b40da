package io.odoosidecar.odoo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The wire protocol used to talk to Odoo. */
public enum TransportKind {
  /** {@code /xmlrpc/2/common} and {@code /xmlrpc/2/object}, every Odoo version up to 21. */
  XMLRPC,
  /** {@code /jsonrpc}, every Odoo version up to 21. */
  JSONRPC,
  /** {@code POST /json/2/<model>/<method>} with an API key, Odoo 19 and later. */
  JSON2,
  /** Chosen from the server's version and the credentials given. */
  AUTO;

  /** The name used in configuration and on the command line. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code name}; an unknown name fails with the list of known ones. */
  public static TransportKind of(String name) {
    for (TransportKind kind : values()) {
      if (kind.configName().equalsIgnoreCase(name.trim())) {
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown transport '"
            + name
            + "', expected one of "
            + Arrays.stream(values())
                .map(TransportKind::configName)
                .collect(Collectors.joining(", ")));
  }
}
