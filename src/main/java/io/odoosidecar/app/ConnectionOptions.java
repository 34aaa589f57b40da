package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.TransportKind;
import picocli.CommandLine.Option;

/** The options that pick and adjust a connection to Odoo. */
final class ConnectionOptions {
  @Option(
      names = "--connection",
      paramLabel = "NAME",
      description = "The connection of odoo.connections to use (default: odoo.default).")
  String connection;

  @Option(
      names = "--transport",
      paramLabel = "KIND",
      description = "xmlrpc, jsonrpc, json2 or auto (default: the connection's, else auto).")
  String transport;

  OdooSettings settings(SidecarConfig config) {
    OdooSettings settings = config.connection(connection);
    if (transport == null) {
      return settings;
    }
    TransportKind kind = TransportKind.of(transport);
    if (kind == TransportKind.JSON2 && settings.apiKey().isEmpty()) {
      throw new IllegalArgumentException(
          "--transport json2 needs an API key: set ODOO_API_KEY or api-key-env / api-key-file");
    }
    return settings.withTransport(kind);
  }
}
