package io.odoosidecar.sync.auth;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.Secret;
import java.time.Clock;
import java.util.List;

/**
 * {@code kind: bearer}: a fixed token, {@code Authorization: Bearer TOKEN}.
 *
 * <pre>
 * auth:
 *   kind: bearer
 *   token-env: API_TOKEN       # or token-file: /run/secrets/api-token
 * </pre>
 */
record BearerAuth(Secret token) implements SyncAuth {
  static final String KIND = "bearer";

  static SyncAuth parse(AuthNode node) {
    node.allowOnly(KIND, List.of("token-env", "token-file"));
    return new BearerAuth(node.secret("token"));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public List<Secret> secrets() {
    return List.of(token);
  }

  @Override
  public Signer signer(Clock clock, RetryingSender sender) {
    return new BasicAuth.HeaderSigner("Authorization", Secret.of("Bearer " + token.reveal()));
  }
}
