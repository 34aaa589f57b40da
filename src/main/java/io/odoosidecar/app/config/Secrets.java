package io.odoosidecar.app.config;

import io.odoosidecar.odoo.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A secret named by a section: the environment variable of {@code WHAT-env} (or a default
 * variable), else the file of {@code WHAT-file}; never a value written in the YAML.
 */
final class Secrets {
  private Secrets() {}

  static Optional<Secret> read(
      ConfigNode node, String what, String defaultVariable, Map<String, String> env) {
    Optional<String> fromEnv =
        node.string(what + "-env")
            .or(() -> Optional.ofNullable(defaultVariable))
            .map(env::get)
            .filter(v -> !v.isEmpty());
    if (fromEnv.isPresent()) {
      return fromEnv.map(Secret::of);
    }
    return node.string(what + "-file").map(file -> fromFile(node, what + "-file", file));
  }

  private static Secret fromFile(ConfigNode node, String key, String file) {
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw node.error(key, "the file " + file + " is empty");
      }
      return Secret.of(text);
    } catch (IOException e) {
      throw node.error(key, "cannot read " + file + ": " + e.getMessage());
    }
  }
}
