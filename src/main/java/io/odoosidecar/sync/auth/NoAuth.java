package io.odoosidecar.sync.auth;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import java.time.Clock;
import java.util.List;

/** {@code kind: none}: calls go without credentials. No other key. */
record NoAuth() implements SyncAuth {
  static final NoAuth INSTANCE = new NoAuth();

  static SyncAuth parse(AuthNode node) {
    node.allowOnly(AuthKinds.NONE, List.of());
    return INSTANCE;
  }

  @Override
  public String kind() {
    return AuthKinds.NONE;
  }

  @Override
  public Signer signer(Clock clock, RetryingSender sender) {
    return Signer.none();
  }
}
