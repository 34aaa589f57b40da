package io.odoosidecar.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.odoosidecar.http.HttpUrls;
import java.net.URI;
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
 * names the file and the key.
 */
final class ConfigNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,9})\\s*(b|kib|mib|)", Pattern.CASE_INSENSITIVE);

  private final Path file;
  private final String path;
  private final JsonNode node;

  ConfigNode(Path file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
    if (node != null && !node.isNull() && !node.isObject()) {
      throw error("", "must be a mapping of keys to values");
    }
  }

  String path() {
    return path;
  }

  boolean has(String key) {
    return node != null && node.has(key) && !node.get(key).isNull();
  }

  /** Refuses any key not in {@code known}, listing the known ones. */
  void allowOnly(Set<String> known) {
    if (node == null) {
      return;
    }
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

  ConfigNode child(String key) {
    return new ConfigNode(file, qualify(key), node == null ? null : node.get(key));
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

  URI url(String key, String text) {
    try {
      return HttpUrls.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(key, e.getMessage());
    }
  }

  ConfigException error(String key, String problem) {
    return new ConfigException(file, key.isEmpty() ? path : qualify(key), problem);
  }

  private Duration parseDuration(String key, String text) {
    Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw error(key, "must be a duration such as 500ms, 10s, 5m, 1h or 1d, got '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "h":
        return Duration.ofHours(amount);
      default:
        return Duration.ofDays(amount);
    }
  }

  private String qualify(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
