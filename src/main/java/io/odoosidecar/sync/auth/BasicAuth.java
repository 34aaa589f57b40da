package io.odoosidecar.sync.auth;

import io.odoosidecar.http.HttpCall;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code kind: basic}: HTTP Basic, {@code Authorization: Basic base64(user ":" password)} (UTF-8).
 *
 * <pre>
 * auth:
 *   kind: basic
 *   user: sync-bot             # required
 *   password-env: CRM_PASSWORD # or password-file: /run/secrets/crm-password
 * </pre>
 */
record BasicAuth(String user, Secret password) implements SyncAuth {
  static final String KIND = "basic";

  static SyncAuth parse(AuthNode node) {
    node.allowOnly(KIND, List.of("user", "password-env", "password-file"));
    String user = node.require("user", "the user name");
    if (user.contains(":")) {
      throw node.error("user", "must not contain ':' (HTTP Basic separates it from the password)");
    }
    return new BasicAuth(user, node.secret("password"));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public List<Secret> secrets() {
    return List.of(password);
  }

  @Override
  public Signer signer(Clock clock, RetryingSender sender) {
    String credentials = user + ":" + password.reveal();
    String value =
        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    return new HeaderSigner("Authorization", Secret.of(value));
  }

  /** Sets one secret header to a fixed value. */
  record HeaderSigner(String header, Secret value) implements Signer {
    @Override
    public HttpCall sign(HttpCall call) {
      return call.withHeader(header, value.reveal());
    }

    @Override
    public Set<String> secretHeaders() {
      return Set.of(header);
    }
  }
}
