package io.odoosidecar.sync.auth;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.Secret;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code kind: api-key}: a key in a header of its own, {@code HEADER: PREFIX KEY}.
 *
 * <pre>
 * auth:
 *   kind: api-key
 *   header: X-API-Key          # optional, X-API-Key by default
 *   key-env: PARTNER_KEY       # or key-file: /run/secrets/partner-key
 *   prefix: "Token "           # optional, put verbatim before the key (quote it to keep a space)
 * </pre>
 */
record ApiKeyAuth(String header, Secret key, String prefix) implements SyncAuth {
  static final String KIND = "api-key";

  /** Headers the HTTP client sets itself, or that carry something else than a key. */
  private static final Set<String> FORBIDDEN =
      Set.of("connection", "content-length", "content-type", "expect", "host", "upgrade");

  static SyncAuth parse(AuthNode node) {
    node.allowOnly(KIND, List.of("header", "key-env", "key-file", "prefix"));
    String header = node.string("header").orElse("X-API-Key");
    if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")
        || FORBIDDEN.contains(header.toLowerCase(Locale.ROOT))) {
      throw node.error("header", "is not a header name a key may go in: '" + header + "'");
    }
    return new ApiKeyAuth(header, node.secret("key"), node.raw("prefix").orElse(""));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public List<Secret> secrets() {
    return List.of(key);
  }

  @Override
  public Signer signer(Clock clock, RetryingSender sender) {
    return new BasicAuth.HeaderSigner(header, Secret.of(prefix + key.reveal()));
  }
}
