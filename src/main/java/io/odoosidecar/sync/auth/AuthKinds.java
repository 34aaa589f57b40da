package io.odoosidecar.sync.auth;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The auth kinds of sync configs, by name, and the parser of an {@code auth:} mapping.
 *
 * <p>Every mapping has {@code kind:}, one of {@link #names()}; the keys of each kind are documented
 * on its class: {@code none} ({@link NoAuth}), {@code basic} ({@link BasicAuth}), {@code bearer}
 * ({@link BearerAuth}), {@code api-key} ({@link ApiKeyAuth}), {@code oauth2-client-credentials}
 * ({@link OAuth2ClientCredentials}) and {@code hmac} ({@link HmacAuth}). An unknown key is refused,
 * listing the kind's keys.
 *
 * <p>Secrets are never read from the YAML itself: a secret {@code NAME} is given as {@code
 * NAME-env: VARIABLE} (an environment variable) or {@code NAME-file: PATH} (a file whose text,
 * stripped, is the secret; a relative path is read from the working directory), exactly one of
 * them. A literal {@code password:}, {@code token:}, {@code secret:}, {@code client-secret:} or
 * {@code key:} is refused with a message saying to use the {@code -env} or {@code -file} key. The
 * secrets are held as {@link io.odoosidecar.odoo.Secret}.
 */
public final class AuthKinds {
  /** The kind of a config without {@code auth:}. */
  public static final String NONE = "none";

  private static final Map<String, Function<AuthNode, SyncAuth>> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put(NONE, NoAuth::parse);
    KINDS.put("basic", BasicAuth::parse);
    KINDS.put("bearer", BearerAuth::parse);
    KINDS.put("api-key", ApiKeyAuth::parse);
    KINDS.put("oauth2-client-credentials", OAuth2ClientCredentials::parse);
    KINDS.put("hmac", HmacAuth::parse);
  }

  /** Keys that would hold a secret literally, each with the name of its -env/-file keys. */
  private static final Map<String, String> LITERAL_SECRETS =
      Map.of(
          "password", "password",
          "token", "token",
          "secret", "secret",
          "client-secret", "client-secret",
          "key", "key",
          "api-key", "key");

  private AuthKinds() {}

  /** The known kinds' names, in the order they are documented. */
  public static Set<String> names() {
    return java.util.Collections.unmodifiableSet(KINDS.keySet());
  }

  /**
   * The auth of one sync config.
   *
   * @param file the rule file, for the messages
   * @param config the sync config's name, for the messages ({@code sync 'NAME'})
   * @param node the {@code auth:} mapping as the YAML reader gave it; null for {@code none}
   * @param env the environment variables ({@code System::getenv}); null for an unset one
   * @throws AuthConfigException naming the file, the config and the key, never a secret's value
   */
  public static SyncAuth parse(
      Path file, String config, Map<String, Object> node, Function<String, String> env) {
    AuthNode auth = new AuthNode(file, config, node, env);
    if (node == null) {
      return NoAuth.INSTANCE;
    }
    for (String literal : new java.util.TreeSet<>(LITERAL_SECRETS.keySet())) {
      if (auth.has(literal)) {
        String name = LITERAL_SECRETS.get(literal);
        throw auth.error(
            literal,
            "secrets are not read from the YAML: name an environment variable ("
                + name
                + "-env) or a file ("
                + name
                + "-file) that holds it");
      }
    }
    String kind = auth.require("kind", "one of " + String.join(", ", names()));
    Function<AuthNode, SyncAuth> parser = KINDS.get(kind);
    if (parser == null) {
      throw auth.error(
          "kind", "unknown kind '" + kind + "'; known kinds: " + String.join(", ", names()));
    }
    return parser.apply(auth);
  }
}
