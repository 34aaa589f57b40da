package io.odoosidecar.sync.auth;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.Secret;
import java.time.Clock;
import java.util.List;

/**
 * How one sync config authenticates to its API, as parsed from its {@code auth:} mapping by {@link
 * AuthKinds#parse}; a factory of the {@link Signer} its calls go through. Its {@code toString()}
 * never shows a secret.
 */
public interface SyncAuth {
  /** The kind's name, as written in {@code auth.kind}. */
  String kind();

  /**
   * A signer for this config's calls. Build it once per config and keep it: an OAuth2 signer caches
   * its token.
   *
   * @param clock the clock of timestamps (HMAC) and token expiry (OAuth2)
   * @param sender what fetches OAuth2 tokens (one try per fetch; the call's own retries cover the
   *     rest); the other kinds ignore it
   */
  Signer signer(Clock clock, RetryingSender sender);

  /**
   * The secrets this auth holds, so that a caller can mask them in text it shows (an API's answer
   * that echoes a credential): {@code Redaction.text(text, auth.secrets())}.
   */
  default List<Secret> secrets() {
    return List.of();
  }
}
