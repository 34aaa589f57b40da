package io.odoosidecar.harness;

import io.odoosidecar.app.config.ConfigCatalogue;
import io.odoosidecar.app.config.ConfigKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration file of one sidecar instance of a harness cluster, as an operator would write
 * it for {@code scripts/run}: one Odoo connection, the shared PostgreSQL event log, this instance's
 * port, data folder and public URL, the push secret from the environment, no poller (the harness
 * counts each change's effects once: a poller would add changes of its own) and no console.
 *
 * @param odooUrl the Odoo (or the double) the instance connects to
 * @param database its database
 * @param login the user the instance signs in as (password in {@code ODOO_PASSWORD})
 * @param eventLog the JDBC URL of the event log all instances share
 * @param pipeline {@code pipeline.*} keys to set ({@code workers: 2}, ...), as YAML values
 * @param push {@code push.*} keys besides the secret and public URL ({@code max-records}, ...)
 */
public record InstanceConfig(
    String odooUrl,
    String database,
    String login,
    String eventLog,
    Map<String, String> pipeline,
    Map<String, String> push) {

  /** The environment variable holding the push secret. */
  public static final String SECRET_ENV = "SIDECAR_PUSH_SECRET";

  /** Whether this build of the sidecar knows the {@code instance} section (several instances). */
  public static boolean clustered() {
    return ConfigCatalogue.keys().stream().map(ConfigKey::path).anyMatch("instance.id"::equals);
  }

  /**
   * Writes {@code dir/sidecar.yaml} for the instance {@code name} on {@code port}, and returns it.
   */
  public Path write(Path dir, String name, int port) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("odoo:\n  default: main\n  connections:\n    main:\n")
        .append("      url: ")
        .append(odooUrl)
        .append('\n')
        .append("      database: ")
        .append(database)
        .append('\n')
        .append("      login: ")
        .append(login)
        .append('\n')
        .append("      password-env: ODOO_PASSWORD\n")
        .append("      transport: jsonrpc\n")
        .append("      request-timeout: 60s\n");
    yaml.append("server:\n  host: 127.0.0.1\n  port: ").append(port).append('\n');
    yaml.append("data-dir: ").append(dir.resolve("data")).append('\n');
    yaml.append("event-log:\n  url: ").append(eventLog).append("\n  user: postgres\n");
    Map<String, String> pushKeys = new LinkedHashMap<>();
    pushKeys.put("secret-env", SECRET_ENV);
    pushKeys.put("public-url", "http://127.0.0.1:" + port);
    pushKeys.putAll(push);
    section(yaml, "push", pushKeys);
    section(yaml, "pipeline", pipeline);
    yaml.append("poll:\n  enabled: false\n");
    yaml.append("console:\n  enabled: false\n");
    if (clustered()) {
      yaml.append("instance:\n  id: ").append(name).append('\n');
      String lease = System.getProperty("harness.instance.lease");
      if (lease != null) {
        yaml.append("  lease: ").append(lease).append('\n');
      }
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("sidecar.yaml");
      Files.writeString(file, yaml.toString());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A section of keys, a dotted key ({@code retry.initial-backoff}) written nested. */
  private static void section(StringBuilder yaml, String name, Map<String, String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    yaml.append(name).append(":\n");
    Map<String, Map<String, String>> nested = new LinkedHashMap<>();
    keys.forEach(
        (key, value) -> {
          int dot = key.indexOf('.');
          if (dot < 0) {
            yaml.append("  ").append(key).append(": ").append(value).append('\n');
          } else {
            nested
                .computeIfAbsent(key.substring(0, dot), k -> new LinkedHashMap<>())
                .put(key.substring(dot + 1), value);
          }
        });
    nested.forEach(
        (child, values) -> {
          yaml.append("  ").append(child).append(":\n");
          values.forEach(
              (k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
        });
  }
}
