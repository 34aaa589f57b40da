package io.odoosidecar.http;

import io.odoosidecar.odoo.Redaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Helpers for header maps whose names keep their case but are compared without it. */
final class Headers {
  /** What a secret header's value is shown as. */
  static final String MASK = "****";

  /** Headers whose values are credentials whatever the signer says. */
  private static final Set<String> ALWAYS_SECRET =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

  private Headers() {}

  /** An unmodifiable copy keeping the order and the case of the names. */
  static Map<String, List<String>> copy(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((name, values) -> out.put(name, List.copyOf(values)));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** The first value of the header {@code name}, its case ignored. */
  static Optional<String> first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
        return Optional.of(entry.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /** {@code headers} with {@code name} set to the one value, any header of that name replaced. */
  static Map<String, List<String>> with(
      Map<String, List<String>> headers, String name, String value) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach(
        (key, values) -> {
          if (!key.equalsIgnoreCase(name)) {
            out.put(key, values);
          }
        });
    out.put(name, List.of(value));
    return out;
  }

  /** {@code headers} with the values of the secret ones (and of {@code extra}) masked. */
  static Map<String, List<String>> redacted(Map<String, List<String>> headers, Set<String> extra) {
    Set<String> secret = lower(extra);
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach(
        (name, values) -> {
          String key = name.toLowerCase(Locale.ROOT);
          boolean masked = secret.contains(key) || secretByName(key);
          out.put(name, masked ? values.stream().map(v -> MASK).toList() : values);
        });
    return out;
  }

  /**
   * Whether a header is secret by its name alone: Authorization, Proxy-Authorization, Cookie,
   * Set-Cookie, a signature, or a name like a password, secret, token or key ({@code X-API-Key},
   * {@code X-Auth-Token}) — but not {@code Idempotency-Key}, which the logs must show.
   */
  static boolean secretByName(String lowerName) {
    return ALWAYS_SECRET.contains(lowerName)
        || lowerName.contains("signature")
        || !lowerName.equals("idempotency-key") && Redaction.sensitive(lowerName);
  }

  /** The names only, for a {@code toString} that must not show any value. */
  static String names(Map<String, List<String>> headers) {
    return String.join(", ", headers.keySet());
  }

  private static Set<String> lower(Set<String> names) {
    java.util.HashSet<String> out = new java.util.HashSet<>();
    names.forEach(name -> out.add(name.toLowerCase(Locale.ROOT)));
    return out;
  }
}
