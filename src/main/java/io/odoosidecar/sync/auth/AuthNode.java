package io.odoosidecar.sync.auth;

import io.odoosidecar.http.HttpUrls;
import io.odoosidecar.odoo.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One {@code auth:} mapping being read, with what its errors must name: the file, the sync config
 * and the key.
 */
final class AuthNode {
  private final Path file;
  private final String config;
  private final Map<String, Object> map;
  private final Function<String, String> env;

  AuthNode(Path file, String config, Map<String, Object> map, Function<String, String> env) {
    this.file = file;
    this.config = config;
    this.map = map == null ? Map.of() : map;
    this.env = env;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  /** Refuses any key but {@code kind} and {@code known}, listing the known ones. */
  void allowOnly(String kind, List<String> known) {
    Set<String> allowed = new HashSet<>(known);
    allowed.add("kind");
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        throw error(
            key,
            "unknown key for kind "
                + kind
                + "; known keys: "
                + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  /** A plain value as text, verbatim (not trimmed), if given. */
  Optional<String> raw(String key) {
    Object value = map.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof Map || value instanceof List) {
      throw error(key, "must be a plain value");
    }
    String text = String.valueOf(value);
    if (text.isEmpty()) {
      throw error(key, "must not be empty");
    }
    return Optional.of(text);
  }

  /** A plain value as trimmed text, if given. */
  Optional<String> string(String key) {
    Optional<String> text = raw(key).map(String::trim);
    if (text.isPresent() && text.get().isEmpty()) {
      throw error(key, "must not be empty");
    }
    return text;
  }

  String require(String key, String what) {
    return string(key).orElseThrow(() -> error(key, "is required: " + what));
  }

  /** One of {@code choices} (case ignored), {@code absent} when not given. */
  String choice(String key, String absent, List<String> choices) {
    String value = string(key).orElse(absent);
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(value)) {
        return choice;
      }
    }
    throw error(key, "must be one of " + String.join(", ", choices) + ", got '" + value + "'");
  }

  URI url(String key, String what) {
    String text = require(key, what);
    try {
      return HttpUrls.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /**
   * The secret {@code name}, from the environment variable named by {@code name-env} or the file
   * named by {@code name-file} (its text stripped of surrounding white space); exactly one of the
   * two must be given.
   */
  Secret secret(String name) {
    String envKey = name + "-env";
    String fileKey = name + "-file";
    Optional<String> variable = string(envKey);
    Optional<String> path = string(fileKey);
    if (variable.isPresent() && path.isPresent()) {
      throw error(envKey, "give " + envKey + " or " + fileKey + ", not both");
    }
    if (variable.isPresent()) {
      return fromEnv(envKey, variable.get());
    }
    if (path.isPresent()) {
      return fromFile(fileKey, path.get());
    }
    throw error(
        envKey,
        "is required: name the environment variable ("
            + envKey
            + ") or the file ("
            + fileKey
            + ") that holds the "
            + name);
  }

  private Secret fromEnv(String key, String variable) {
    String value = env.apply(variable);
    if (value == null) {
      throw error(key, "the environment variable " + variable + " is not set");
    }
    if (value.isBlank()) {
      throw error(key, "the environment variable " + variable + " is empty");
    }
    return Secret.of(value.strip());
  }

  private Secret fromFile(String key, String path) {
    String text;
    try {
      text = Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw error(key, "cannot read the file " + path + " (" + e.getClass().getSimpleName() + ")");
    } catch (java.nio.file.InvalidPathException e) {
      throw error(key, "is not a file path: " + path);
    }
    if (text.isEmpty()) {
      throw error(key, "the file " + path + " is empty");
    }
    return Secret.of(text);
  }

  AuthConfigException error(String key, String problem) {
    return new AuthConfigException(file, config, key, problem);
  }
}
