package io.odoosidecar.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The harness programs' command lines: {@code --name value} pairs, each name one of a known set.
 */
final class Options {
  private Options() {}

  /**
   * The options given, by name.
   *
   * @throws IllegalArgumentException an unknown name or a name without a value, naming it
   */
  static Map<String, String> parse(String[] args, String... known) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> names = List.of(known);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || !names.contains(arg.substring(2))) {
        throw new IllegalArgumentException(
            "unknown argument " + arg + "; known: --" + String.join(", --", names));
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      out.put(arg.substring(2), args[++i]);
    }
    return out;
  }
}
