package io.odoosidecar.app.config;

import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One connection of {@code odoo.connections}; the default connection takes the environment's {@code
 * ODOO_*} variables over the file.
 */
final class ConnectionSection {
  private final ConfigNode node;
  private final boolean isDefault;
  private final Map<String, String> env;

  private ConnectionSection(ConfigNode node, boolean isDefault, Map<String, String> env) {
    this.node = node;
    this.isDefault = isDefault;
    this.env = env;
  }

  static OdooSettings read(
      ConfigNode node, String name, boolean isDefault, Map<String, String> env) {
    node.allowOnlyCatalogued();
    return new ConnectionSection(node, isDefault, env).settings(name);
  }

  private OdooSettings settings(String name) {
    refuseLiteralSecrets();
    String url = required("url", "ODOO_URL", "the Odoo server's URL (or set ODOO_URL)");
    String database = required("database", "ODOO_DB", "the Odoo database name (or set ODOO_DB)");
    String login = required("login", "ODOO_USER", "the Odoo user's login (or set ODOO_USER)");
    Optional<Secret> password = secret("password", "ODOO_PASSWORD");
    Optional<Secret> apiKey = secret("api-key", "ODOO_API_KEY");
    requireASecret(password, apiKey);
    TransportKind transport = transport(apiKey);
    RetryPolicy retry = RetrySection.read(node.child("retry"), RetryPolicy.DEFAULT, 100);
    return new OdooSettings(
        name,
        node.url("url", url),
        database,
        login,
        password,
        apiKey,
        transport,
        node.duration("connect-timeout", Duration.ofSeconds(10)),
        node.duration("request-timeout", Duration.ofSeconds(120)),
        node.bool("tls-verify", true),
        retry,
        node.duration("fields-cache-ttl", Duration.ofMinutes(10)),
        node.bool("send-database-header", true));
  }

  private void refuseLiteralSecrets() {
    for (String literal : new String[] {"password", "api-key"}) {
      if (node.has(literal)) {
        throw node.error(
            literal,
            "secrets are not read from the YAML: name an environment variable ("
                + literal
                + "-env) or a file ("
                + literal
                + "-file) that holds it");
      }
    }
  }

  /** The environment's {@code variable} for the default connection, else the file's key. */
  private String required(String key, String variable, String what) {
    String value = isDefault ? env.get(variable) : null;
    return value == null || value.isBlank() ? node.requireString(key, what) : value.trim();
  }

  private Optional<Secret> secret(String what, String defaultVariable) {
    return Secrets.read(node, what, isDefault ? defaultVariable : null, env);
  }

  private void requireASecret(Optional<Secret> password, Optional<Secret> apiKey) {
    if (password.isEmpty() && apiKey.isEmpty()) {
      throw node.error(
          "password-env",
          "no secret found: set "
              + (isDefault ? "ODOO_PASSWORD or ODOO_API_KEY, or " : "")
              + "name an environment variable (password-env, api-key-env) or a file"
              + " (password-file, api-key-file)");
    }
  }

  private TransportKind transport(Optional<Secret> apiKey) {
    TransportKind transport;
    try {
      transport = TransportKind.of(node.string("transport").orElse("auto"));
    } catch (IllegalArgumentException e) {
      throw node.error("transport", e.getMessage());
    }
    if (transport == TransportKind.JSON2 && apiKey.isEmpty()) {
      throw node.error(
          "transport", "json2 needs an API key (ODOO_API_KEY, api-key-env or api-key-file)");
    }
    return transport;
  }
}
