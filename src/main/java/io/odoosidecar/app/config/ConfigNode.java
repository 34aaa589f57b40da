package io.odoosidecar.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.odoosidecar.app.ConfigException;
import io.odoosidecar.http.HttpUrls;
import io.odoosidecar.rule.YamlKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One mapping of the YAML configuration, read with the dotted path of every key so that each error
 * names the file and the key, and with its place in the {@link ConfigCatalogue} (the path with
 * {@code NAME} for a connection's name) so that it knows its keys.
 */
final class ConfigNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,9})\\s*(b|kib|mib|)", Pattern.CASE_INSENSITIVE);

  private final Path file;
  private final String path;
  private final String pattern;
  private final JsonNode node;

  private ConfigNode(Path file, String path, String pattern, JsonNode node) {
    this.file = file;
    this.path = path;
    this.pattern = pattern;
    this.node = node;
    if (node != null && !node.isNull() && !node.isObject()) {
      throw error("", "must be a mapping of keys to values");
    }
  }

  /** The top of {@code file}, empty when there is no such file. */
  static ConfigNode load(Path file) {
    return new ConfigNode(file, "", "", Files.exists(file) ? parse(file) : null);
  }

  private static JsonNode parse(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(text);
      YamlKeys.firstDuplicate(text)
          .ifPresent(
              d -> {
                throw new ConfigException(file, d.dotted(), d.problem());
              });
      return root;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ConfigException(file, "", "not valid YAML" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException(file, "", "cannot be read: " + e.getMessage());
    }
  }

  boolean has(String key) {
    return node != null && node.has(key) && !node.get(key).isNull();
  }

  /** Refuses any key the catalogue does not list here, listing the ones it does. */
  void allowOnlyCatalogued() {
    if (node == null) {
      return;
    }
    Set<String> known = ConfigCatalogue.childrenOf(pattern);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw error(
            name, "unknown key; known keys here: " + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  List<String> keys() {
    List<String> keys = new ArrayList<>();
    if (node != null) {
      node.fieldNames().forEachRemaining(keys::add);
    }
    return keys;
  }

  /** The mapping under {@code key}. */
  ConfigNode child(String key) {
    return new ConfigNode(file, qualify(path, key), qualify(pattern, key), valueOf(key));
  }

  /** The mapping under {@code name} in a mapping of names ({@code NAME} in the catalogue). */
  ConfigNode named(String name) {
    return new ConfigNode(
        file, qualify(path, name), qualify(pattern, ConfigCatalogue.NAME), valueOf(name));
  }

  Optional<String> string(String key) {
    if (!has(key)) {
      return Optional.empty();
    }
    JsonNode value = node.get(key);
    if (!value.isValueNode()) {
      throw error(key, "must be a plain value");
    }
    String text = value.asText().trim();
    if (text.isEmpty()) {
      throw error(key, "must not be empty");
    }
    return Optional.of(text);
  }

  String requireString(String key, String what) {
    return string(key).orElseThrow(() -> error(key, "is required: " + what));
  }

  boolean bool(String key, boolean absent) {
    if (!has(key)) {
      return absent;
    }
    JsonNode value = node.get(key);
    if (!value.isBoolean()) {
      throw error(key, "must be true or false, got '" + value.asText() + "'");
    }
    return value.booleanValue();
  }

  int integer(String key, int absent, int min, int max) {
    if (!has(key)) {
      return absent;
    }
    JsonNode value = node.get(key);
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      throw error(key, "must be a whole number, got '" + value.asText() + "'");
    }
    int number = value.intValue();
    if (number < min || number > max) {
      throw error(key, "must be between " + min + " and " + max + ", got " + number);
    }
    return number;
  }

  /**
   * A size: a whole number, or one with the unit {@code B}, {@code KiB} or {@code MiB} ({@code
   * 64KiB}), between {@code min} and {@code max}.
   */
  int size(String key, int absent, int min, int max) {
    if (has(key) && node.get(key).isIntegralNumber()) {
      return integer(key, absent, min, max);
    }
    Optional<String> text = string(key);
    if (text.isEmpty()) {
      return absent;
    }
    Matcher m = SIZE.matcher(text.get());
    if (!m.matches()) {
      throw error(key, "must be a size such as 65536, 64KiB or 1MiB, got '" + text.get() + "'");
    }
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "kib" -> 1024L;
          case "mib" -> 1024L * 1024;
          default -> 1L;
        };
    long value = Long.parseLong(m.group(1)) * unit;
    if (value < min || value > max) {
      throw error(key, "must be between " + min + " and " + max + " bytes, got " + text.get());
    }
    return (int) value;
  }

  Duration duration(String key, Duration absent) {
    return string(key).map(text -> parseDuration(key, text)).orElse(absent);
  }

  /** A duration that must be more than zero. */
  Duration positiveDuration(String key, Duration absent) {
    Duration value = duration(key, absent);
    if (value.isZero() || value.isNegative()) {
      throw error(key, "must be more than 0, got " + value);
    }
    return value;
  }

  URI url(String key, String text) {
    try {
      return HttpUrls.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  /** A problem with {@code key} here, or with this mapping itself when {@code key} is empty. */
  ConfigException error(String key, String problem) {
    return new ConfigException(file, key.isEmpty() ? path : qualify(path, key), problem);
  }

  private JsonNode valueOf(String key) {
    return node == null ? null : node.get(key);
  }

  private Duration parseDuration(String key, String text) {
    Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw error(key, "must be a duration such as 500ms, 10s, 5m, 1h or 1d, got '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private static String qualify(String prefix, String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }
}
